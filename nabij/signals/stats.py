"""Count statistics: a negative-binomial upper tail and robust helpers, no SciPy needed."""

from __future__ import annotations

import math

import numpy as np


def nb_upper_tail(observed: int, mean: float, dispersion: float) -> float:
    """P(X >= observed) for a negative binomial with this mean and variance mean + d·mean²."""
    if observed <= 0:
        return 1.0
    mean = max(mean, 1e-9)
    if dispersion <= 0:
        return poisson_upper_tail(observed, mean)
    size = 1.0 / dispersion
    p = size / (size + mean)
    log_p, log_q = math.log(p), math.log1p(-p)
    log_norm = math.lgamma(size)
    below = 0.0
    for k in range(observed):
        below += math.exp(math.lgamma(k + size) - log_norm - math.lgamma(k + 1) + size * log_p
                          + k * log_q)  # fmt: skip
    return max(0.0, min(1.0, 1.0 - below)) if below < 0.999999 else _tail_direct(observed, size, p)


def _tail_direct(observed: int, size: float, p: float) -> float:
    """Sum the tail itself when 1 - cdf would lose all precision."""
    log_p, log_q, log_norm = math.log(p), math.log1p(-p), math.lgamma(size)
    total, k = 0.0, observed
    while True:
        term = math.exp(math.lgamma(k + size) - log_norm - math.lgamma(k + 1) + size * log_p
                        + k * log_q)  # fmt: skip
        total += term
        k += 1
        if term < total * 1e-12 or k > observed + 100_000:
            return total


def poisson_upper_tail(observed: int, mean: float) -> float:
    """P(X >= observed) for a Poisson with this mean."""
    if observed <= 0:
        return 1.0
    total, k = 0.0, observed
    while True:
        term = math.exp(k * math.log(mean) - mean - math.lgamma(k + 1))
        total += term
        k += 1
        if term < total * 1e-12 or k > observed + 100_000:
            return min(1.0, total)


def winsorise(values: np.ndarray) -> np.ndarray:
    """Cap values at median + 3 robust deviations, so past spikes do not inflate a baseline."""
    if values.size == 0:
        return values
    median = float(np.median(values))
    mad = float(np.median(np.abs(values - median))) * 1.4826
    return np.minimum(values, median + 3.0 * max(mad, 1.0))
