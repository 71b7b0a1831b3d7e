"""How many relevant documents the queries of a market have (to check a market is usable)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from evaluation.market.generate import Market
from evaluation.market.qrels import Qrels


@dataclass(frozen=True)
class RelevanceStats:
    """Relevant documents (grade ≥ 1) per query, and the share of each grade among them."""

    queries: int
    mean: float
    median: float
    p95: float
    max: int
    share_over_100: float
    share_zero: float
    grade_shares: dict[int, float]


def relevance_stats(qrels: Qrels, query_ids: Sequence[str]) -> RelevanceStats:
    """Statistics of ``qrels`` over ``query_ids`` (queries missing from ``qrels`` count 0)."""
    if not query_ids:
        raise ValueError("no queries")
    counts = np.array([len(qrels.get(q, {})) for q in query_ids], dtype=np.float64)
    grades = Counter(grade for q in query_ids for grade in qrels.get(q, {}).values())
    total = sum(grades.values()) or 1
    return RelevanceStats(
        queries=len(query_ids),
        mean=float(counts.mean()),
        median=float(np.median(counts)),
        p95=float(np.percentile(counts, 95)),
        max=int(counts.max()),
        share_over_100=float(np.mean(counts > 100)),
        share_zero=float(np.mean(counts == 0)),
        grade_shares={grade: grades[grade] / total for grade in (1, 2, 3)},
    )


def market_stats(market: Market) -> dict[str, RelevanceStats]:
    """``{"jobseekers": ..., "vacancies": ...}``: statistics of both query directions."""
    return {
        "jobseekers": relevance_stats(
            market.qrels_for_jobseekers, [r["id"] for r in market.jobseekers]
        ),
        "vacancies": relevance_stats(
            market.qrels_for_vacancies, [r["id"] for r in market.vacancies]
        ),
    }
