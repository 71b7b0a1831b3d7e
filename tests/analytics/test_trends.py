"""The count model finds planted growth, keeps flat series flat, and its intervals cover."""

from __future__ import annotations

import numpy as np

from analytics.trends import TrendRules, benjamini_hochberg, classify, fit_trends


def _market(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    months = 24
    exposure = np.linspace(120, 200, months).round()  # the market grows; shares need not
    shares = np.vstack(
        [
            np.full((300, months), 0.06),  # stable
            np.linspace(0.02, 0.20, months)[None].repeat(5, 0),  # rising
            np.linspace(0.30, 0.05, months)[None].repeat(5, 0),  # falling
            np.where(np.arange(months) < 12, 0.0, np.linspace(0, 0.15, months))[None].repeat(5, 0),
        ]
    )
    truth = np.array(["stable"] * 300 + ["rising"] * 5 + ["falling"] * 5 + ["rising"] * 5)
    return rng.poisson(shares * exposure), exposure, truth


def test_planted_trends_are_found_and_flat_ones_are_not() -> None:
    counts, exposure, truth = _market(7)
    fit = fit_trends(counts, exposure)
    q = benjamini_hochberg(fit.p_value)
    direction = classify(fit, q, counts.sum(axis=1), TrendRules())
    assert (direction[truth == "rising"] == "rising").all()
    assert (direction[truth == "falling"] == "falling").all()
    assert (direction[truth == "stable"] == "stable").mean() >= 0.98


def test_interval_covers_the_true_growth_most_of_the_time() -> None:
    # Share doubles every 12 months: the true rate ratio per year is 2.
    months = np.arange(24)
    exposure = np.full(24, 400.0)
    share = 0.05 * 2 ** ((months - months.mean()) / 12)
    rng = np.random.default_rng(3)
    counts = rng.poisson(share * exposure, size=(400, 24))
    fit = fit_trends(counts, exposure)
    covered = (fit.growth_low <= 2.0) & (fit.growth_high >= 2.0)
    assert 0.9 <= covered.mean() <= 0.99
    assert abs(np.median(fit.growth) - 2.0) < 0.1


def test_growth_is_a_share_not_a_count() -> None:
    """Counts that grow only because the market grows are not a trend."""
    exposure = np.linspace(100, 300, 24)
    counts = np.round(exposure * 0.1)[None]
    fit = fit_trends(counts, exposure)
    assert abs(fit.growth[0] - 1.0) < 0.02


def test_months_without_vacancies_are_ignored_and_empty_items_are_not_significant() -> None:
    exposure = np.array([0, 0] + [100] * 22, dtype=float)
    counts = np.vstack([np.r_[0, 0, np.full(22, 10)], np.zeros(24)])
    fit = fit_trends(counts, exposure)
    assert abs(fit.growth[0] - 1.0) < 0.05
    assert fit.p_value[1] == 1.0


def test_too_few_months_gives_no_test() -> None:
    fit = fit_trends(np.array([[3, 5]]), np.array([10, 10]))
    assert np.isnan(fit.growth[0]) and fit.p_value[0] == 1.0


def test_benjamini_hochberg_matches_a_worked_example() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.005])
    # Sorted 0.005, 0.01, 0.03, 0.04 → 0.02, 0.02, 0.04, 0.04.
    assert np.allclose(benjamini_hochberg(p), [0.02, 0.04, 0.04, 0.02])
    assert len(benjamini_hochberg(np.array([]))) == 0


def test_rare_items_are_insufficient_not_stable() -> None:
    counts = np.zeros((1, 24))
    counts[0, 20:] = 3
    fit = fit_trends(counts, np.full(24, 100.0))
    q = benjamini_hochberg(fit.p_value)
    assert classify(fit, q, counts.sum(axis=1), TrendRules(min_count=20))[0] == "insufficient"
