"""The placement evaluator against the metric functions, and the bootstrap helpers."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from evaluation.metrics import (
    catalogue_coverage,
    concentration,
    exposure_parity,
    mean_average_precision,
    mrr,
    ndcg_at_k,
    recall_at_k,
)
from evaluation.placement_metrics import (
    RankingEvaluator,
    bootstrap_ci,
    paired_bootstrap_ratio,
    per_query_ndcg,
)


def _synthetic(
    n_queries: int = 40, n_docs: int = 300, per_query: int = 60, seed: int = 7
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, float]], dict[str, dict[str, str]]]:
    """A seeded run with graded qrels, ties in the scores and some unjudged queries."""
    rng = np.random.default_rng(seed)
    docs = [f"v{i}" for i in range(n_docs)]
    run: dict[str, dict[str, float]] = {}
    qrels: dict[str, dict[str, int]] = {}
    for q in range(n_queries):
        chosen = rng.choice(n_docs, size=per_query, replace=False)
        scores = np.round(rng.random(per_query), 1)  # rounding makes ties
        run[f"q{q}"] = {docs[i]: float(s) for i, s in zip(chosen, scores, strict=True)}
        if q % 5:  # every fifth query is unjudged
            judged = rng.choice(n_docs, size=8, replace=False)
            qrels[f"q{q}"] = {docs[i]: int(rng.integers(0, 3)) for i in judged}
    qrels["only_in_qrels"] = {"v1": 1}
    groups = {
        "province": {doc: ("تهران", "اصفهان", "فارس")[i % 3] for i, doc in enumerate(docs)},
        "gender": {doc: ("male", "female", "none")[i % 7 % 3] for i, doc in enumerate(docs)},
    }
    return qrels, run, groups


def test_evaluator_matches_the_metric_functions() -> None:
    qrels, run, groups = _synthetic()
    evaluator = RankingEvaluator(
        qrels, catalogue_size=300, ndcg_at=(5, 10), recall_at=(10, 50), groups=groups
    )
    expected = {
        "ndcg@5": ndcg_at_k(qrels, run, 5),
        "ndcg@10": ndcg_at_k(qrels, run, 10),
        "recall@10": recall_at_k(qrels, run, 10),
        "recall@50": recall_at_k(qrels, run, 50),
        "mrr@10": mrr(qrels, run, 10),
        "map@100": mean_average_precision(qrels, run, 100),
        "coverage@10": catalogue_coverage(run, 300, 10),
        "concentration@10": concentration(run, 10, catalogue_size=300),
        "exposure_parity_province@10": exposure_parity(run, groups["province"], 10),
        "exposure_parity_gender@10": exposure_parity(run, groups["gender"], 10),
        "n_queries": float(sum(any(g > 0 for g in docs.values()) for docs in qrels.values())),
    }
    metrics = evaluator(run)
    assert list(metrics) == evaluator.metric_names
    assert metrics == pytest.approx(expected)
    assert 0.0 < metrics["ndcg@10"] < 1.0
    assert metrics[evaluator.primary_metric] == metrics["ndcg@10"]


def test_evaluator_default_keys_and_no_side_effects() -> None:
    qrels, run, groups = _synthetic()
    before = copy.deepcopy((qrels, run))
    evaluator = RankingEvaluator(qrels, catalogue_size=300, groups=groups)
    first = evaluator(run)
    assert set(first) == {
        "ndcg@10",
        "recall@10",
        "recall@100",
        "mrr@10",
        "map@100",
        "coverage@10",
        "concentration@10",
        "exposure_parity_province@10",
        "exposure_parity_gender@10",
        "n_queries",
    }
    assert evaluator(run) == first
    assert (qrels, run) == before


def test_unjudged_queries_count_only_for_spread() -> None:
    qrels = {"q1": {"a": 1}}
    evaluator = RankingEvaluator(qrels, catalogue_size=4, fairness_at=1, primary_metric="mrr@10")
    alone = evaluator({"q1": {"a": 1.0}})
    with_unjudged = evaluator({"q1": {"a": 1.0}, "q2": {"b": 1.0}})
    assert alone["ndcg@10"] == with_unjudged["ndcg@10"] == 1.0
    assert alone["coverage@1"] == 0.25
    assert with_unjudged["coverage@1"] == 0.5
    assert evaluator({}) == pytest.approx(
        {
            "ndcg@10": 0.0,
            "recall@10": 0.0,
            "recall@100": 0.0,
            "mrr@10": 0.0,
            "map@100": 0.0,
            "coverage@1": 0.0,
            "concentration@1": 0.0,
            "n_queries": 1.0,
        }
    )


@pytest.mark.parametrize(
    "arguments",
    [
        {"primary_metric": "ndcg@20"},
        {"ndcg_at": (0,)},
        {"fairness_at": 0},
        {"catalogue_size": 0},
    ],
)
def test_evaluator_rejects_bad_settings(arguments: dict) -> None:
    with pytest.raises(ValueError):
        RankingEvaluator(**{"qrels": {}, "catalogue_size": 10, **arguments})


def test_per_query_ndcg_averages_to_ndcg() -> None:
    qrels, run, _ = _synthetic()
    values = per_query_ndcg(qrels, run, 10)
    assert set(values) == {q for q, docs in qrels.items() if any(g > 0 for g in docs.values())}
    assert values["only_in_qrels"] == 0.0
    assert np.mean(list(values.values())) == pytest.approx(ndcg_at_k(qrels, run, 10))


def test_bootstrap_ci() -> None:
    values = np.random.default_rng(1).random(200).tolist()
    low, high = bootstrap_ci(values, random_state=3)
    assert low < float(np.mean(values)) < high
    assert high - low < 0.2
    assert bootstrap_ci(values, random_state=3) == (low, high)
    assert bootstrap_ci(values, random_state=4) != (low, high)
    narrow = bootstrap_ci(values, alpha=0.5, random_state=3)
    assert low < narrow[0] < narrow[1] < high
    assert bootstrap_ci([0.4] * 10) == pytest.approx((0.4, 0.4))
    assert bootstrap_ci([0.7]) == pytest.approx((0.7, 0.7))


@pytest.mark.parametrize(
    "arguments",
    [{"values": []}, {"values": [1.0], "alpha": 0.0}, {"values": [1.0], "n_resamples": 0}],
)
def test_bootstrap_ci_rejects_bad_arguments(arguments: dict) -> None:
    with pytest.raises(ValueError):
        bootstrap_ci(**arguments)


def test_paired_bootstrap_ratio() -> None:
    rng = np.random.default_rng(2)
    b = {f"q{i}": float(v) for i, v in enumerate(rng.random(300))}
    a = {q: min(1.0, v * 1.1 + float(rng.normal(0, 0.05))) for q, v in b.items()}
    a["only_in_a"] = 100.0  # ignored: not shared
    ratio, low, high = paired_bootstrap_ratio(a, b, random_state=5)
    shared = [q for q in b]
    assert ratio == pytest.approx(np.mean([a[q] for q in shared]) / np.mean(list(b.values())))
    assert low < ratio < high
    assert paired_bootstrap_ratio(a, b, random_state=5) == (ratio, low, high)
    doubled = {q: 2 * v for q, v in b.items()}
    assert paired_bootstrap_ratio(doubled, b) == pytest.approx((2.0, 2.0, 2.0))


def test_paired_bootstrap_ratio_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="share no query id"):
        paired_bootstrap_ratio({"q1": 0.5}, {"q2": 0.5})
    with pytest.raises(ValueError):
        paired_bootstrap_ratio({"q1": 0.5}, {"q1": 0.0})
