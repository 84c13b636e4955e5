"""Count statistics: negative-binomial and Poisson upper tails, a robust cap; no SciPy needed."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np


def _sum_tail(log_pmf: Callable[[int], float], observed: int) -> float:
    """Sum pmf(k) for k >= observed, for a pmf that falls from `observed` on."""
    total, k = 0.0, observed
    while True:
        term = math.exp(log_pmf(k))
        total += term
        k += 1
        # An underflowed first term means the tail is below double precision: it is 0.
        if term <= total * 1e-12 or k > observed + 100_000:
            return min(1.0, total)


def nb_upper_tail(observed: int, mean: float, dispersion: float) -> float:
    """P(X >= observed) for a negative binomial with this mean and variance mean + d·mean²."""
    if observed <= 0:
        return 1.0
    mean = max(mean, 1e-9)
    if dispersion <= 0:
        return poisson_upper_tail(observed, mean)
    size = 1.0 / dispersion
    p = size / (size + mean)
    log_p, log_q, log_norm = math.log(p), math.log1p(-p), math.lgamma(size)

    def log_pmf(k: int) -> float:
        return math.lgamma(k + size) - log_norm - math.lgamma(k + 1) + size * log_p + k * log_q

    if observed > mean:  # beyond the mode the terms only fall: sum the tail itself
        return _sum_tail(log_pmf, observed)
    below = math.fsum(math.exp(log_pmf(k)) for k in range(observed))
    return max(0.0, min(1.0, 1.0 - below))


def poisson_upper_tail(observed: int, mean: float) -> float:
    """P(X >= observed) for a Poisson with this mean."""
    if observed <= 0:
        return 1.0
    mean = max(mean, 1e-9)
    log_mean = math.log(mean)

    def log_pmf(k: int) -> float:
        return k * log_mean - mean - math.lgamma(k + 1)

    if observed > mean:
        return _sum_tail(log_pmf, observed)
    below = math.fsum(math.exp(log_pmf(k)) for k in range(observed))
    return max(0.0, min(1.0, 1.0 - below))


def winsorise(values: np.ndarray) -> np.ndarray:
    """Cap values at median + 3 robust deviations, so past spikes do not inflate a baseline."""
    if values.size == 0:
        return values
    median = float(np.median(values))
    mad = float(np.median(np.abs(values - median))) * 1.4826
    return np.minimum(values, median + 3.0 * max(mad, 1.0))
