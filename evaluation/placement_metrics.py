"""Placement quality of a ranked run: relevance, catalogue spread, fairness of exposure.

:class:`RankingEvaluator` scores a run (``run[qid][doc_id] = score``) against graded
judgements in one pass: each query's scores are sorted once and every metric is read off
the result.
:func:`per_query_ndcg`, :func:`bootstrap_ci` and :func:`paired_bootstrap_ratio` give
confidence intervals for a metric and for the ratio of two systems' metrics.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from evaluation.metrics import (
    Qrels,
    Run,
    _average_precision,
    _check_k,
    _concentration,
    _coverage,
    _dcg,
    _exposure_by_group,
    _hits,
    _ideal_dcg,
    _judged,
    _parity,
    _recall,
    _reciprocal_rank,
    _top,
)

# Resamples are drawn in blocks of about this many indices, to bound memory.
_BLOCK = 2_000_000


@dataclass(frozen=True)
class RankingEvaluator:
    """Callable: ``evaluator(run) -> dict[str, float]`` with flat metric names.

    Keys: ``ndcg@k`` for each ``ndcg_at``, ``recall@k`` for each ``recall_at``,
    ``mrr@{mrr_at}``, ``map@{map_at}``, ``coverage@{fairness_at}``,
    ``concentration@{fairness_at}``, ``exposure_parity_{attribute}@{fairness_at}`` for each
    attribute in ``groups`` (e.g. ``{"province": {doc: province}, "gender": {doc: "male" |
    "female" | "none"}}``), and ``n_queries`` (judged queries scored).

    The ranking metrics score only the queries in ``qrels`` with at least one relevant
    document (a query missing from the run counts as 0), exactly as the functions of
    :mod:`evaluation.metrics`. Coverage, concentration and exposure use every query in the
    run, judged or not. Concentration uses the default 1% top share of ``catalogue_size``.
    """

    qrels: Qrels
    catalogue_size: int
    ndcg_at: tuple[int, ...] = (10,)
    recall_at: tuple[int, ...] = (10, 100)
    mrr_at: int = 10
    map_at: int = 100
    fairness_at: int = 10
    groups: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    primary_metric: str = "ndcg@10"

    def __post_init__(self) -> None:
        for k in (*self.ndcg_at, *self.recall_at, self.mrr_at, self.map_at, self.fairness_at):
            _check_k(k)
        if self.catalogue_size < 1:
            raise ValueError("catalogue_size must be at least 1")
        if self.primary_metric not in self.metric_names:
            raise ValueError(
                f"primary_metric {self.primary_metric!r} is not one of {self.metric_names}"
            )

    @property
    def metric_names(self) -> list[str]:
        """The keys that :meth:`__call__` returns, in order."""
        k = self.fairness_at
        return [
            *(f"ndcg@{n}" for n in self.ndcg_at),
            *(f"recall@{n}" for n in self.recall_at),
            f"mrr@{self.mrr_at}",
            f"map@{self.map_at}",
            f"coverage@{k}",
            f"concentration@{k}",
            *(f"exposure_parity_{attribute}@{k}" for attribute in self.groups),
            "n_queries",
        ]

    @cached_property
    def _relevant(self) -> dict[str, dict[str, int]]:
        return _judged(self.qrels)

    @cached_property
    def _ideal(self) -> dict[str, tuple[float, ...]]:
        """Ideal DCG of each judged query at each of ``ndcg_at``."""
        return {
            qid: tuple(_ideal_dcg(docs, k) for k in self.ndcg_at)
            for qid, docs in self._relevant.items()
        }

    @cached_property
    def _group_sizes(self) -> dict[str, Counter[str]]:
        return {attribute: Counter(labels.values()) for attribute, labels in self.groups.items()}

    def __call__(self, run: Run) -> dict[str, float]:
        relevant, ideal = self._relevant, self._ideal
        fairness_k = self.fairness_at
        ndcg = [0.0] * len(self.ndcg_at)
        recall = [0.0] * len(self.recall_at)
        rr = ap = 0.0
        tops = []
        # One pass: each query is sorted once (its scores only) and reduced to its top k and
        # the positions of its relevant documents; every metric is read off those.
        for qid, scores in run.items():
            values = sorted(scores.values())
            tops.append(_top(scores, fairness_k, values))
            docs = relevant.get(qid)
            if docs is None:
                continue
            hits = _hits(docs, scores, values)
            for i, k in enumerate(self.ndcg_at):
                ndcg[i] += _dcg(hits, k) / ideal[qid][i]
            for i, k in enumerate(self.recall_at):
                recall[i] += _recall(hits, len(docs), k)
            rr += _reciprocal_rank(hits, self.mrr_at)
            ap += _average_precision(hits, len(docs), self.map_at)

        n = len(relevant)
        metrics: dict[str, float] = {}
        for k, total in zip(self.ndcg_at, ndcg, strict=True):
            metrics[f"ndcg@{k}"] = total / n if n else 0.0
        for k, total in zip(self.recall_at, recall, strict=True):
            metrics[f"recall@{k}"] = total / n if n else 0.0
        metrics[f"mrr@{self.mrr_at}"] = rr / n if n else 0.0
        metrics[f"map@{self.map_at}"] = ap / n if n else 0.0
        metrics[f"coverage@{fairness_k}"] = _coverage(tops, self.catalogue_size)
        metrics[f"concentration@{fairness_k}"] = _concentration(tops, 0.01, self.catalogue_size)
        for attribute, labels in self.groups.items():
            ratios = _exposure_by_group(tops, labels, self._group_sizes[attribute])
            metrics[f"exposure_parity_{attribute}@{fairness_k}"] = _parity(ratios)
        metrics["n_queries"] = float(n)
        return metrics


def per_query_ndcg(qrels: Qrels, run: Run, k: int) -> dict[str, float]:
    """nDCG@k of each query with at least one relevant document (0 if missing from the run).

    The mean of the values is :func:`evaluation.metrics.ndcg_at_k`.
    """
    _check_k(k)
    return {
        qid: _dcg(_hits(docs, run.get(qid, {})), k) / _ideal_dcg(docs, k)
        for qid, docs in _judged(qrels).items()
    }


def _check_bootstrap(n_resamples: int, alpha: float) -> None:
    if n_resamples < 1:
        raise ValueError("n_resamples must be at least 1")
    if not 0.0 < alpha < 1.0:
        raise ValueError("alpha must be in (0, 1)")


def _resampled_means(
    columns: np.ndarray, n_resamples: int, random_state: int | np.random.Generator | None
) -> np.ndarray:
    """Means of each row of ``columns`` (shape (m, n)) over ``n_resamples`` shared resamples
    of its n entries with replacement; shape (m, n_resamples)."""
    rng = np.random.default_rng(random_state)
    n = columns.shape[1]
    block = max(1, _BLOCK // n)
    means = []
    for start in range(0, n_resamples, block):
        size = min(block, n_resamples - start)
        idx = rng.integers(0, n, size=(size, n))
        means.append(columns[:, idx].mean(axis=2))
    return np.concatenate(means, axis=1)


def bootstrap_ci(
    values: Sequence[float],
    *,
    n_resamples: int = 1000,
    alpha: float = 0.05,
    random_state: int | np.random.Generator | None = 0,
) -> tuple[float, float]:
    """Percentile bootstrap ``1 - alpha`` confidence interval of the mean of ``values``.

    Draws ``n_resamples`` resamples with replacement and returns the ``alpha / 2`` and
    ``1 - alpha / 2`` percentiles of their means. Deterministic for an integer
    ``random_state``.
    """
    _check_bootstrap(n_resamples, alpha)
    data = np.asarray(values, dtype=np.float64)
    if data.ndim != 1 or data.size == 0:
        raise ValueError("values must be a non-empty sequence of numbers")
    means = _resampled_means(data[None, :], n_resamples, random_state)[0]
    low, high = np.percentile(means, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return float(low), float(high)


def paired_bootstrap_ratio(
    a: Mapping[str, float],
    b: Mapping[str, float],
    *,
    n_resamples: int = 1000,
    alpha: float = 0.05,
    random_state: int | np.random.Generator | None = 0,
) -> tuple[float, float, float]:
    """Ratio of means ``mean(a) / mean(b)`` over the shared query ids, with a paired
    percentile bootstrap ``1 - alpha`` interval: ``(ratio, low, high)``.

    Each resample draws query ids with replacement and takes the same ids from ``a`` and
    ``b``, so the interval reflects the per-query pairing (e.g. the per-query nDCG of a new
    and a baseline system). Raises ``ValueError`` when the two share no query id or when the
    mean of ``b`` is 0. Resamples whose mean of ``b`` is 0 are left out of the percentiles.
    """
    _check_bootstrap(n_resamples, alpha)
    shared = sorted(a.keys() & b.keys())
    if not shared:
        raise ValueError("a and b share no query id")
    columns = np.array([[a[q] for q in shared], [b[q] for q in shared]], dtype=np.float64)
    mean_b = columns[1].mean()
    if mean_b == 0.0:
        raise ValueError("the mean of b over the shared query ids is 0: the ratio is undefined")
    ratio = float(columns[0].mean() / mean_b)
    means = _resampled_means(columns, n_resamples, random_state)
    defined = means[1] != 0.0
    if not defined.any():
        raise ValueError("every resample has a mean of b of 0: draw more resamples")
    ratios = means[0][defined] / means[1][defined]
    low, high = np.percentile(ratios, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return ratio, float(low), float(high)
