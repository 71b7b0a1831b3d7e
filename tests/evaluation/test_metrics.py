from __future__ import annotations

import math

import pytest

from evaluation.metrics import mean_average_precision, mrr, ndcg_at_k, recall_at_k

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
