"""The baselines of the placement evaluation on a corpus small enough to check by hand."""

from __future__ import annotations

import numpy as np

from evaluation.baselines import bm25_run, dense_run, random_run, tfidf_run

DOCS = {
    "d1": "استخدام حسابدار مسلط به نرم‌افزار سپیدار",
    "d2": "برنامه‌نویس پایتون و جنگو",
    "d3": "راننده پایه یک برای حمل بار",
    "d4": "انباردار با سابقه",
}
QUERIES = {"q1": "حسابدار سپیدار", "q2": "برنامه نويس Python پایتون", "q3": "راننده"}
EXPECTED = {"q1": "d1", "q2": "d2", "q3": "d3"}


def _best(run: dict[str, dict[str, float]]) -> dict[str, str]:
    return {qid: max(scores, key=lambda doc: scores[doc]) for qid, scores in run.items()}


def test_lexical_baselines_find_the_shared_words() -> None:
    for make in (bm25_run, tfidf_run):
        run = make(list(QUERIES), list(QUERIES.values()), list(DOCS), list(DOCS.values()), 3)
        assert _best(run) == EXPECTED, make.__name__
        assert all(len(scores) <= 3 for scores in run.values())


def test_random_is_seeded_and_keeps_k() -> None:
    first = random_run(["a", "b"], list(DOCS), 2, random_state=3)
    assert first == random_run(["a", "b"], list(DOCS), 2, random_state=3)
    assert all(len(scores) == 2 for scores in first.values())
    assert random_run(["a"], list(DOCS), 10)["a"].keys() == DOCS.keys()


def test_dense_run_is_exact_cosine() -> None:
    docs = np.eye(4, dtype=np.float32)
    query = np.array([[0.1, 0.9, 0.0, 0.0]], dtype=np.float32)
    query /= np.linalg.norm(query)
    run = dense_run(["q"], query, list(DOCS), docs, 2)
    assert list(run["q"]) == ["d2", "d1"]
