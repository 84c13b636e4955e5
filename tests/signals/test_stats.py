"""The count tails against direct sums, and the robust cap."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nabij.signals.stats import nb_upper_tail, poisson_upper_tail, winsorise


def _nb_pmf(k: int, mean: float, dispersion: float) -> float:
    size = 1 / dispersion
    p = size / (size + mean)
    return math.exp(
        math.lgamma(k + size) - math.lgamma(size) - math.lgamma(k + 1)
        + size * math.log(p) + k * math.log1p(-p)
    )  # fmt: skip


@pytest.mark.parametrize(("observed", "mean"), [(1, 0.5), (5, 5.0), (12, 3.0), (40, 3.0)])
def test_negative_binomial_tail_matches_a_direct_sum(observed: int, mean: float) -> None:
    direct = sum(_nb_pmf(k, mean, 0.15) for k in range(observed, observed + 2000))
    assert nb_upper_tail(observed, mean, 0.15) == pytest.approx(direct, rel=1e-6)


def test_poisson_tail_and_edges() -> None:
    assert poisson_upper_tail(0, 3.0) == 1.0
    assert poisson_upper_tail(1, 2.0) == pytest.approx(1 - math.exp(-2.0))
    assert nb_upper_tail(3, 2.0, 0.0) == pytest.approx(poisson_upper_tail(3, 2.0))


def test_overdispersion_makes_surprise_smaller() -> None:
    assert nb_upper_tail(20, 5.0, 0.3) > nb_upper_tail(20, 5.0, 0.05)


def test_winsorise_caps_a_past_spike_only() -> None:
    values = np.array([3, 4, 2, 3, 60, 3, 4], dtype=float)
    capped = winsorise(values)
    assert capped[4] < 10 and list(capped[[0, 1, 2]]) == [3, 4, 2]
    assert winsorise(np.array([])).size == 0


def test_extreme_counts_are_fast_and_zero() -> None:
    assert nb_upper_tail(5000, 1.0, 0.15) == 0.0
    assert poisson_upper_tail(5000, 1.0) == 0.0
    assert nb_upper_tail(30_000, 25_000.0, 0.15) > 0.1  # big but ordinary counts


def test_poisson_tail_below_the_mean() -> None:
    assert poisson_upper_tail(3, 10.0) == pytest.approx(
        1 - sum(math.exp(-10) * 10**k / math.factorial(k) for k in range(3))
    )
