"""Growth of counts over months with intervals, from a quasi-Poisson log-linear model.

For each item (a skill, a phrase cluster) with monthly counts ``y_t`` among ``n_t`` vacancies,
``log E[y_t] = log n_t + a + b·x_t`` with ``x_t`` in years: ``exp(b)`` is the rate ratio of the
item's share of vacancies over twelve months. Every item is fitted at once by Newton steps on
arrays. Overdispersion (ads are not independent draws) widens the intervals by the Pearson
dispersion; Benjamini–Hochberg q-values control false discoveries over all items tested.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054


@dataclass(frozen=True)
class TrendFit:
    """Per-item arrays, aligned with the rows of the counts matrix."""

    growth: np.ndarray  # rate ratio per 12 months
    growth_low: np.ndarray
    growth_high: np.ndarray
    p_value: np.ndarray
    dispersion: np.ndarray


@dataclass(frozen=True)
class TrendRules:
    min_count: int = 20  # fewer mentions in the window: "insufficient", not tested
    alpha: float = 0.05  # BH false-discovery rate
    min_growth: float = 1.25  # a significant change smaller than this is called stable


def fit_trends(counts: np.ndarray, exposure: np.ndarray, iterations: int = 40) -> TrendFit:
    """Fit every row of ``counts`` (items × months) against ``exposure`` (vacancies per month).

    Months without vacancies carry no information and are ignored.
    """
    y = np.asarray(counts, dtype=np.float64)
    n = np.asarray(exposure, dtype=np.float64)
    used = n > 0
    y, n = y[:, used], n[used]
    items, months = y.shape
    if items == 0 or months < 3:
        nan = np.full(items, np.nan)
        return TrendFit(nan, nan, nan, np.ones(items), np.ones(items))
    t = np.flatnonzero(used).astype(np.float64)
    x = (t - t.mean()) / 12.0
    log_n = np.log(n)
    total = y.sum(axis=1)
    a = np.log(np.maximum(total, 0.5) / n.sum())
    b = np.zeros(items)
    for _ in range(iterations):
        mu = np.exp(np.clip(log_n + a[:, None] + b[:, None] * x, -50, 50))
        r = y - mu
        ua, ub = r.sum(axis=1), (r * x).sum(axis=1)
        iaa, iab, ibb = mu.sum(axis=1), (mu * x).sum(axis=1), (mu * x * x).sum(axis=1)
        det = np.maximum(iaa * ibb - iab * iab, 1e-12)
        da = (ibb * ua - iab * ub) / det
        db = (iaa * ub - iab * ua) / det
        # Damped steps: an item absent in early months has a large slope; get there steadily.
        a += np.clip(da, -3, 3)
        b += np.clip(db, -2, 2)
        if np.max(np.abs(db)) < 1e-8 and np.max(np.abs(da)) < 1e-8:
            break
    mu = np.exp(np.clip(log_n + a[:, None] + b[:, None] * x, -50, 50))
    pearson = ((y - mu) ** 2 / np.maximum(mu, 1e-12)).sum(axis=1)
    dispersion = np.maximum(1.0, pearson / max(months - 2, 1))
    iaa, iab, ibb = mu.sum(axis=1), (mu * x).sum(axis=1), (mu * x * x).sum(axis=1)
    var_b = dispersion * iaa / np.maximum(iaa * ibb - iab * iab, 1e-12)
    se = np.sqrt(var_b)
    z = np.abs(b) / np.maximum(se, 1e-12)
    p = np.array([math.erfc(v / math.sqrt(2.0)) for v in z])
    p[total == 0] = 1.0
    with np.errstate(over="ignore"):
        growth = np.exp(np.clip(b, -30, 30))
        low = np.exp(np.clip(b - Z95 * se, -30, 30))
        high = np.exp(np.clip(b + Z95 * se, -30, 30))
    return TrendFit(growth, low, high, p, dispersion)


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """q-values: the smallest false-discovery rate at which each test is a discovery."""
    p = np.asarray(p_values, dtype=np.float64)
    m = len(p)
    if m == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def classify(
    fit: TrendFit, q_values: np.ndarray, totals: np.ndarray, rules: TrendRules
) -> np.ndarray:
    """ "rising", "falling", "stable" or "insufficient" per item."""
    direction = np.full(len(totals), "stable", dtype=object)
    significant = q_values < rules.alpha
    direction[significant & (fit.growth >= rules.min_growth)] = "rising"
    direction[significant & (fit.growth <= 1.0 / rules.min_growth)] = "falling"
    direction[totals < rules.min_count] = "insufficient"
    return direction
