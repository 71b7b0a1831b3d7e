from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from evaluation.metrics import (
    catalogue_coverage,
    concentration,
    exposure_by_group,
    exposure_parity,
    mean_average_precision,
    mrr,
    ndcg_at_k,
    recall_at_k,
)

QRELS = {"q1": {"a": 2, "b": 1, "z": 0}, "q2": {"c": 1}, "q3": {"x": 0}}
RUN = {
    "q1": {"b": 0.9, "x": 0.8, "a": 0.7},
    "q2": {"d": 0.9, "e": 0.8, "c": 0.1},
}


def test_recall() -> None:
    assert recall_at_k(QRELS, RUN, 1) == pytest.approx((0.5 + 0.0) / 2)
    assert recall_at_k(QRELS, RUN, 3) == pytest.approx((1.0 + 1.0) / 2)


def test_mrr_and_map() -> None:
    assert mrr(QRELS, RUN) == pytest.approx((1.0 + 1 / 3) / 2)
    q1_ap = (1 / 1 + 2 / 3) / 2
    assert mean_average_precision(QRELS, RUN) == pytest.approx((q1_ap + 1 / 3) / 2)


def test_ndcg_hand_computed() -> None:
    dcg = (2**1 - 1) / math.log2(2) + 0 + (2**2 - 1) / math.log2(4)
    idcg = (2**2 - 1) / math.log2(2) + (2**1 - 1) / math.log2(3)
    q2 = (2**1 - 1) / math.log2(4)
    assert ndcg_at_k(QRELS, RUN, 3) == pytest.approx((dcg / idcg + q2) / 2)


def test_perfect_and_empty_runs() -> None:
    perfect = {"q1": {"a": 2.0, "b": 1.0}, "q2": {"c": 1.0}}
    assert ndcg_at_k(QRELS, perfect, 10) == pytest.approx(1.0)
    assert recall_at_k(QRELS, {}, 10) == 0.0
    assert mrr({}, RUN) == 0.0


def test_ties_break_on_id() -> None:
    run = {"q2": {"c": 0.5, "b": 0.5}}
    assert mrr(QRELS, run, 1) == pytest.approx(0.0 / 2)  # "b" ranks before "c"
    with pytest.raises(ValueError):
        recall_at_k(QRELS, RUN, 0)


# Beyond-accuracy metrics: hand-computed tables.

D = 1 / math.log2(3)  # exposure at rank 2; rank 1 gets 1, rank 3 gets 1/2

COVERAGE_CASES = [
    # (run, catalogue_size, k, expected)
    ({"q1": {"a": 3, "b": 2, "c": 1}, "q2": {"a": 1, "d": 2}}, 10, 1, 0.2),  # a, d
    ({"q1": {"a": 3, "b": 2, "c": 1}, "q2": {"a": 1, "d": 2}}, 10, 2, 0.3),  # a, b, d
    ({"q1": {"a": 3, "b": 2, "c": 1}, "q2": {"a": 1, "d": 2}}, 10, 100, 0.4),  # k > list
    ({"q1": {"a": 1.0, "b": 1.0}}, 4, 1, 0.25),  # tie: "a" ranks first
    ({}, 10, 10, 0.0),  # empty run
    ({"q1": {}}, 10, 10, 0.0),  # a query with no results
]


@pytest.mark.parametrize(("run", "size", "k", "expected"), COVERAGE_CASES)
def test_catalogue_coverage(run: dict, size: int, k: int, expected: float) -> None:
    assert catalogue_coverage(run, size, k) == pytest.approx(expected)


def test_catalogue_coverage_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        catalogue_coverage({"q1": {"a": 1.0}}, 0, 10)
    with pytest.raises(ValueError):
        catalogue_coverage({"q1": {"a": 2.0, "b": 1.0}}, 1, 10)  # more docs than the catalogue
    with pytest.raises(ValueError):
        catalogue_coverage({"q1": {"a": 1.0}}, 5, 0)


# Three queries, top 2 each: a, b / a, c / a, b -> counts a 3, b 2, c 1 over 6 slots.
CONGESTED = {
    "q1": {"a": 0.9, "b": 0.8, "z": 0.1},
    "q2": {"a": 0.9, "c": 0.8},
    "q3": {"b": 0.5, "a": 0.7},
}
ONE_EACH = {f"q{i}": {f"d{i}": 1.0} for i in range(8)}

CONCENTRATION_CASES = [
    # (run, k, top_share, catalogue_size, expected)
    (CONGESTED, 2, 0.01, None, 3 / 6),  # 3 distinct docs -> the top 1 doc
    (CONGESTED, 2, 0.5, 4, 5 / 6),  # ceil(2.0) = 2 docs
    (CONGESTED, 2, 0.01, 200, 5 / 6),  # ceil(2.0) = 2 docs
    (CONGESTED, 2, 1.0, None, 1.0),  # every doc
    (CONGESTED, 1, 0.01, None, 1.0),  # "a" holds every top-1 slot
    (CONGESTED, 100, 0.01, None, 3 / 7),  # k > list: z adds a 7th slot
    (ONE_EACH, 1, 0.07, 100, 7 / 8),  # 0.07 * 100 is 7 documents, not 8
    ({}, 10, 0.01, 100, 0.0),  # empty run
]


@pytest.mark.parametrize(("run", "k", "share", "size", "expected"), CONCENTRATION_CASES)
def test_concentration(run: dict, k: int, share: float, size: int | None, expected: float) -> None:
    assert concentration(run, k, top_share=share, catalogue_size=size) == pytest.approx(expected)


def test_concentration_rejects_bad_arguments() -> None:
    for share in (0.0, -0.1, 1.5):
        with pytest.raises(ValueError):
            concentration(CONGESTED, 2, top_share=share)
    with pytest.raises(ValueError):
        concentration(CONGESTED, 2, catalogue_size=0)


EVEN = {"a": "x", "b": "x", "c": "y", "d": "y"}  # half the catalogue each
SKEWED = {"a": "x", "b": "y", "c": "y", "d": "y"}  # x a quarter, y three quarters

EXPOSURE_CASES = [
    # (run, groups, k, expected ratio per group, expected parity)
    (
        {"q1": {"a": 2, "c": 1}},
        EVEN,
        2,
        {"x": 2 / (1 + D), "y": 2 * D / (1 + D)},
        D,
    ),
    ({"q1": {"a": 2, "c": 1}, "q2": {"c": 2, "a": 1}}, EVEN, 2, {"x": 1.0, "y": 1.0}, 1.0),
    ({"q1": {"a": 2, "c": 1}}, EVEN, 10, {"x": 2 / (1 + D), "y": 2 * D / (1 + D)}, D),  # k > list
    ({"q1": {"a": 2, "b": 1}}, EVEN, 2, {"x": 2.0, "y": 0.0}, 0.0),  # y gets nothing
    (
        {"q1": {"b": 2, "a": 1}},
        SKEWED,
        2,
        {"x": D / (1 + D) / 0.25, "y": 1 / (1 + D) / 0.75},
        1 / (3 * D),
    ),
    # "z" has no group and is ignored; a sits at rank 2, c at rank 3.
    (
        {"q1": {"z": 3, "a": 2, "c": 1}},
        EVEN,
        3,
        {"x": 2 * D / (D + 0.5), "y": 1 / (D + 0.5)},
        0.5 / D,
    ),
    ({}, EVEN, 10, {"x": 0.0, "y": 0.0}, 0.0),  # empty run
]


@pytest.mark.parametrize(("run", "groups", "k", "ratios", "parity"), EXPOSURE_CASES)
def test_exposure(
    run: dict, groups: dict[str, str], k: int, ratios: dict[str, float], parity: float
) -> None:
    assert exposure_by_group(run, groups, k) == pytest.approx(ratios)
    assert exposure_parity(run, groups, k) == pytest.approx(parity)


def test_exposure_needs_groups() -> None:
    assert exposure_by_group({"q1": {"a": 1.0}}, {}, 10) == {}
    with pytest.raises(ValueError):
        exposure_parity({"q1": {"a": 1.0}}, {}, 10)


def test_ranking_metrics_beyond_list_length() -> None:
    run = {"q1": {"a": 1.0}, "q2": {"c": 1.0}}
    assert recall_at_k(QRELS, run, 100) == pytest.approx((0.5 + 1.0) / 2)
    assert mrr(QRELS, run, 100) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        mrr(QRELS, run, 0)


# The metrics against textbook implementations on a seeded run with many tied scores.


def _seeded(seed: int) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, float]]]:
    rng = np.random.default_rng(seed)
    qrels: dict[str, dict[str, int]] = {}
    run: dict[str, dict[str, float]] = {}
    for q in range(30):
        docs = rng.choice(80, size=int(rng.integers(0, 40)), replace=False)
        run[f"q{q}"] = {f"d{d}": float(rng.integers(0, 6)) for d in docs}  # many ties
        judged = rng.choice(80, size=6, replace=False)
        qrels[f"q{q}"] = {f"d{d}": int(rng.integers(0, 3)) for d in judged}
    return qrels, run


def _textbook_ranking(scores: dict[str, float]) -> list[str]:
    return sorted(scores, key=lambda doc: (-scores[doc], doc))


def _reference(qrels: dict, run: dict, k: int | None) -> dict[str, float]:
    per_query: dict[str, list[float]] = {"recall": [], "ndcg": [], "rr": [], "ap": []}
    for qid, judged in qrels.items():
        relevant = {doc: grade for doc, grade in judged.items() if grade > 0}
        if not relevant:
            continue
        scores = run.get(qid, {})
        ranking = _textbook_ranking(scores)[:k]
        found = [doc in relevant for doc in ranking]
        per_query["recall"].append(sum(found) / len(relevant))
        gains = [2 ** relevant.get(doc, 0) - 1 for doc in ranking]
        ideal = sorted((2**g - 1 for g in relevant.values()), reverse=True)[:k]
        dcg = sum(g / math.log2(r + 1) for r, g in enumerate(gains, start=1))
        per_query["ndcg"].append(dcg / sum(g / math.log2(r + 1) for r, g in enumerate(ideal, 1)))
        ranks = [r for r, hit in enumerate(found, start=1) if hit]
        per_query["rr"].append(1 / ranks[0] if ranks else 0.0)
        per_query["ap"].append(sum(i / r for i, r in enumerate(ranks, 1)) / len(relevant))
    return {name: float(np.mean(values)) for name, values in per_query.items()}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k", [1, 3, 10, 100])
def test_ranking_metrics_match_reference(seed: int, k: int) -> None:
    qrels, run = _seeded(seed)
    expected = _reference(qrels, run, k)
    assert recall_at_k(qrels, run, k) == pytest.approx(expected["recall"])
    assert ndcg_at_k(qrels, run, k) == pytest.approx(expected["ndcg"])
    assert mrr(qrels, run, k) == pytest.approx(expected["rr"])
    assert mean_average_precision(qrels, run, k) == pytest.approx(expected["ap"])
    unlimited = _reference(qrels, run, None)
    assert mrr(qrels, run) == pytest.approx(unlimited["rr"])
    assert mean_average_precision(qrels, run) == pytest.approx(unlimited["ap"])


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k", [1, 3, 10, 100])
def test_spread_metrics_match_reference(seed: int, k: int) -> None:
    _, run = _seeded(seed)
    tops = [_textbook_ranking(scores)[:k] for scores in run.values()]
    counts = Counter(doc for top in tops for doc in top)
    assert catalogue_coverage(run, 80, k) == pytest.approx(len(counts) / 80)
    top_two = sum(count for _, count in counts.most_common(2))
    assert concentration(run, k, 0.02, 80) == pytest.approx(top_two / sum(counts.values()))
    groups = {f"d{d}": "low" if d < 20 else "high" for d in range(80)}
    exposure = {"low": 0.0, "high": 0.0}
    for top in tops:
        for rank, doc in enumerate(top, start=1):
            exposure[groups[doc]] += 1 / math.log2(rank + 1)
    total = sum(exposure.values())
    ratios = {"low": exposure["low"] / total / 0.25, "high": exposure["high"] / total / 0.75}
    assert exposure_by_group(run, groups, k) == pytest.approx(ratios)
    assert exposure_parity(run, groups, k) == pytest.approx(
        min(ratios.values()) / max(ratios.values())
    )
