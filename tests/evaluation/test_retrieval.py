"""Reading and writing retrieval datasets and runs: round trips and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from evaluation.retrieval import (
    DatasetError,
    RetrievalDataset,
    read_dataset,
    read_run,
    write_dataset,
    write_run,
)

DATASET = RetrievalDataset(
    name="tiny",
    corpus={
        "v1": {"title": "برنامه‌نویس پایتون", "text": "تهران، تمام‌وقت", "province": "تهران"},
        "v2": {"title": "حسابدار", "text": "آشنا به اکسل", "province": "اصفهان"},
        "v3": {"title": "جوشکار", "text": "", "tags": ["صنعتی", "شیفت"]},
    },
    queries={"s1": {"text": "پایتون و جنگو"}, "s2": {"text": "حسابداری"}, "s3": {"text": "x"}},
    qrels={"s1": {"v1": 2, "v3": 0}, "s2": {"v2": 1}},
)


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_dataset_round_trip(tmp_path: Path) -> None:
    write_dataset(DATASET, tmp_path / "tiny")
    assert read_dataset(tmp_path / "tiny") == DATASET
    assert read_dataset(tmp_path / "tiny", name="other").name == "other"
    assert sorted(p.name for p in (tmp_path / "tiny").iterdir()) == [
        "corpus.jsonl",
        "qrels.jsonl",
        "queries.jsonl",
    ]  # no temporary files left behind


def test_dataset_file_format(tmp_path: Path) -> None:
    write_dataset(DATASET, tmp_path)
    corpus = _lines(tmp_path / "corpus.jsonl")
    assert corpus[0] == {"_id": "v1", **DATASET.corpus["v1"]}
    assert "برنامه" in (tmp_path / "corpus.jsonl").read_text(encoding="utf-8")  # not escaped
    assert _lines(tmp_path / "qrels.jsonl")[0] == {"query_id": "s1", "doc_id": "v1", "grade": 2}
    assert [row["_id"] for row in _lines(tmp_path / "queries.jsonl")] == ["s1", "s2", "s3"]


def test_rewrite_replaces_files(tmp_path: Path) -> None:
    write_dataset(DATASET, tmp_path)
    smaller = RetrievalDataset("tiny", {"v1": {"text": "a"}}, {"s1": {"text": "b"}}, {})
    write_dataset(smaller, tmp_path)
    assert read_dataset(tmp_path, name="tiny") == smaller


def _write_raw(folder: Path, corpus: str, queries: str, qrels: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corpus.jsonl").write_text(corpus, encoding="utf-8")
    (folder / "queries.jsonl").write_text(queries, encoding="utf-8")
    (folder / "qrels.jsonl").write_text(qrels, encoding="utf-8")
    return folder


CORPUS = '{"_id": "v1", "text": "a"}\n{"_id": "v2", "text": "b"}\n'
QUERIES = '{"_id": "s1", "text": "q"}\n'
QRELS = '{"query_id": "s1", "doc_id": "v1", "grade": 1}\n'

BAD_DATASETS = [
    # (corpus, queries, qrels, error message pattern)
    ('{"_id": "v1"}\n{"_id": "v2", oops\n', QUERIES, QRELS, r"corpus\.jsonl line 2: invalid JSON"),
    ('{"_id": "v1"}\n["v2"]\n', QUERIES, QRELS, r"corpus\.jsonl line 2: expected a JSON object"),
    ('{"text": "a"}\n', QUERIES, QRELS, r"corpus\.jsonl line 1: missing key '_id'"),
    ('{"_id": 7}\n', QUERIES, QRELS, r"corpus\.jsonl line 1: '_id' must be a non-empty string"),
    (CORPUS + '{"_id": "v1"}\n', QUERIES, QRELS, r"corpus\.jsonl line 3: id 'v1' appears twice"),
    (CORPUS, '\n{"text": "q"}\n', QRELS, r"queries\.jsonl line 2: missing key '_id'"),
    (CORPUS, QUERIES, '{"query_id": "s1", "doc_id": "v1"}\n', r"qrels\.jsonl line 1: .*'grade'"),
    (CORPUS, QUERIES, '{"query_id": "s1", "grade": 1}\n', r"qrels\.jsonl line 1: .*'doc_id'"),
    (CORPUS, QUERIES, QRELS.replace("1}", "-1}"), r"qrels\.jsonl line 1: 'grade' must be"),
    (CORPUS, QUERIES, QRELS.replace("1}", "1.0}"), r"qrels\.jsonl line 1: 'grade' must be"),
    (CORPUS, QUERIES, QRELS.replace("1}", "true}"), r"qrels\.jsonl line 1: 'grade' must be"),
    (CORPUS, QUERIES, QRELS.replace("1}", '"2"}'), r"qrels\.jsonl line 1: 'grade' must be"),
    (CORPUS, QUERIES, QRELS + QRELS.replace("s1", "s9"), r"line 2: unknown query id 's9'"),
    (CORPUS, QUERIES, QRELS.replace("v1", "v9"), r"line 1: unknown document id 'v9'"),
    (CORPUS, QUERIES, QRELS + QRELS, r"qrels\.jsonl line 2: .* judged twice"),
]


@pytest.mark.parametrize(("corpus", "queries", "qrels", "message"), BAD_DATASETS)
def test_bad_dataset_files(
    tmp_path: Path, corpus: str, queries: str, qrels: str, message: str
) -> None:
    folder = _write_raw(tmp_path, corpus, queries, qrels)
    with pytest.raises(DatasetError, match=message):
        read_dataset(folder)


def test_missing_file_and_bad_bytes(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="no such file"):
        read_dataset(tmp_path / "absent")
    folder = _write_raw(tmp_path, CORPUS, QUERIES, QRELS)
    (folder / "queries.jsonl").write_bytes(b'{"_id": "s1"}\n\xff\xfe\n')
    with pytest.raises(DatasetError, match=r"queries\.jsonl line 2: not UTF-8"):
        read_dataset(folder)


def test_dataset_error_is_a_value_error() -> None:
    assert issubclass(DatasetError, ValueError)


BAD_TO_WRITE = [
    RetrievalDataset("x", {"v1": {}}, {"s1": {}}, {"s9": {"v1": 1}}),  # unknown query
    RetrievalDataset("x", {"v1": {}}, {"s1": {}}, {"s1": {"v9": 1}}),  # unknown document
    RetrievalDataset("x", {"v1": {}}, {"s1": {}}, {"s1": {"v1": -1}}),  # negative grade
    RetrievalDataset("x", {"v1": {"_id": "v1"}}, {"s1": {}}, {}),  # reserved key
]


@pytest.mark.parametrize("dataset", BAD_TO_WRITE)
def test_write_checks_before_writing(tmp_path: Path, dataset: RetrievalDataset) -> None:
    with pytest.raises(DatasetError):
        write_dataset(dataset, tmp_path)
    assert list(tmp_path.iterdir()) == []


RUN = {
    "s1": {"v2": 0.5, "v1": 0.9, "v3": 0.5},
    "s2": {"v1": np.float32(0.25)},
    "s3": {},
}


def test_run_round_trip_sorted_with_ties_by_id(tmp_path: Path) -> None:
    path = tmp_path / "runs" / "bm25.jsonl"
    write_run(RUN, path)  # type: ignore[arg-type]
    assert _lines(path)[0] == {"query_id": "s1", "results": [["v1", 0.9], ["v2", 0.5], ["v3", 0.5]]}
    run = read_run(path)
    assert run == {"s1": {"v1": 0.9, "v2": 0.5, "v3": 0.5}, "s2": {"v1": 0.25}, "s3": {}}
    assert list(run["s1"]) == ["v1", "v2", "v3"]
    assert [p.name for p in path.parent.iterdir()] == ["bm25.jsonl"]


def test_write_run_keeps_top_k(tmp_path: Path) -> None:
    write_run(RUN, tmp_path / "run.jsonl", k=2)  # type: ignore[arg-type]
    assert read_run(tmp_path / "run.jsonl")["s1"] == {"v1": 0.9, "v2": 0.5}
    with pytest.raises(ValueError):
        write_run(RUN, tmp_path / "run.jsonl", k=0)  # type: ignore[arg-type]
    with pytest.raises(DatasetError):
        write_run({"s1": {"v1": float("nan")}}, tmp_path / "run.jsonl")


BAD_RUNS = [
    ('{"query_id": "s1", "results": []}\n{"query_id": "s1"', r"line 2: invalid JSON"),
    ('{"results": []}\n', r"line 1: missing key 'query_id'"),
    ('{"query_id": "s1"}\n', r"line 1: missing key 'results'"),
    ('{"query_id": "s1", "results": {"v1": 1}}\n', r"line 1: 'results' must be a list"),
    ('{"query_id": "s1", "results": [["v1"]]}\n', r"line 1: each result must be"),
    ('{"query_id": "s1", "results": [[1, 0.5]]}\n', r"line 1: each result must be"),
    ('{"query_id": "s1", "results": [["v1", "high"]]}\n', r"line 1: a score must be"),
    ('{"query_id": "s1", "results": [["v1", 1], ["v1", 0]]}\n', r"line 1: .*'v1' appears twice"),
    ('{"query_id": "s1", "results": []}\n' * 2, r"line 2: query id 's1' appears twice"),
]


@pytest.mark.parametrize(("content", "message"), BAD_RUNS)
def test_bad_run_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "run.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError, match=r"run\.jsonl " + message):
        read_run(path)
