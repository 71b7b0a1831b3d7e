"""Ranking metrics as pure functions over BEIR-style dicts.

``qrels[qid][doc_id] = grade`` (graded relevance, 0 = not relevant) and
``run[qid][doc_id] = score`` (higher is better). Each function returns the mean over the
queries that have at least one relevant document; queries missing from ``run`` count as 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

Qrels = Mapping[str, Mapping[str, int]]
Run = Mapping[str, Mapping[str, float]]


def _ranked(scores: Mapping[str, float], k: int | None = None) -> list[str]:
    # Ties break on the id so that results do not depend on dict order.
    ordered = sorted(scores, key=lambda doc: (-scores[doc], doc))
    return ordered if k is None else ordered[:k]


def _judged(qrels: Qrels) -> dict[str, dict[str, int]]:
    return {
        qid: {doc: grade for doc, grade in docs.items() if grade > 0}
        for qid, docs in qrels.items()
        if any(grade > 0 for grade in docs.values())
    }


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError("k must be at least 1")


def recall_at_k(qrels: Qrels, run: Run, k: int) -> float:
    _check_k(k)
    relevant = _judged(qrels)
    if not relevant:
        return 0.0
    total = 0.0
    for qid, docs in relevant.items():
        top = set(_ranked(run.get(qid, {}), k))
        total += len(top & docs.keys()) / len(docs)
    return total / len(relevant)


def ndcg_at_k(qrels: Qrels, run: Run, k: int) -> float:
    """nDCG with gain ``2**grade - 1`` and a log2 position discount."""
    _check_k(k)
    relevant = _judged(qrels)
    if not relevant:
        return 0.0
    total = 0.0
    for qid, docs in relevant.items():
        top = _ranked(run.get(qid, {}), k)
        dcg = sum((2 ** docs.get(doc, 0) - 1) / math.log2(i + 2) for i, doc in enumerate(top))
        ideal = sorted(docs.values(), reverse=True)[:k]
        idcg = sum((2**grade - 1) / math.log2(i + 2) for i, grade in enumerate(ideal))
        total += dcg / idcg
    return total / len(relevant)


def mrr(qrels: Qrels, run: Run, k: int | None = None) -> float:
    relevant = _judged(qrels)
    if not relevant:
        return 0.0
    total = 0.0
    for qid, docs in relevant.items():
        for position, doc in enumerate(_ranked(run.get(qid, {}), k), start=1):
            if doc in docs:
                total += 1.0 / position
                break
    return total / len(relevant)


def mean_average_precision(qrels: Qrels, run: Run, k: int | None = None) -> float:
    relevant = _judged(qrels)
    if not relevant:
        return 0.0
    total = 0.0
    for qid, docs in relevant.items():
        hits = 0
        precision_sum = 0.0
        for position, doc in enumerate(_ranked(run.get(qid, {}), k), start=1):
            if doc in docs:
                hits += 1
                precision_sum += hits / position
        total += precision_sum / len(docs)
    return total / len(relevant)
