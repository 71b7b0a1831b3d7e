"""Retrieval datasets and runs on disk, as BEIR-style JSONL.

A dataset is a folder of three UTF-8 JSONL files, one JSON object a line::

    corpus.jsonl    {"_id": "v17", "title": "برنامه‌نویس پایتون", "text": "...", ...}
    queries.jsonl   {"_id": "s3", "text": "...", ...}
    qrels.jsonl     {"query_id": "s3", "doc_id": "v17", "grade": 2}

Records keep every field besides ``_id``; grades are integers, 0 meaning judged not relevant.
Every qrels line must name a known query and a known document. A run file holds one ranked
list a line, best first, ties broken on the document id::

    {"query_id": "s3", "results": [["v17", 0.91], ["v2", 0.88]]}

Readers check every line and raise :class:`DatasetError` naming the file and line number.
Writers write each file to a temporary name in the target folder and move it into place
with ``os.replace``, so a reader never sees a half-written file.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Corpus = dict[str, dict[str, Any]]
Queries = dict[str, dict[str, Any]]
Qrels = dict[str, dict[str, int]]
Run = dict[str, dict[str, float]]

CORPUS_FILE = "corpus.jsonl"
QUERIES_FILE = "queries.jsonl"
QRELS_FILE = "qrels.jsonl"


class DatasetError(ValueError):
    """A dataset or run file (or the data to be written) is malformed; says where."""


@dataclass(frozen=True)
class RetrievalDataset:
    name: str
    corpus: Corpus
    queries: Queries
    qrels: Qrels


# Reading.


def _objects(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSONL file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            raise DatasetError(f"{path.name} line {number}: not UTF-8 text") from None
        except json.JSONDecodeError as error:
            raise DatasetError(f"{path.name} line {number}: invalid JSON ({error.msg})") from None
        if not isinstance(item, dict):
            raise DatasetError(f"{path.name} line {number}: expected a JSON object")
        yield number, item


def _string(item: dict[str, Any], key: str, where: str) -> str:
    if key not in item:
        raise DatasetError(f"{where}: missing key {key!r}")
    value = item[key]
    if not isinstance(value, str) or not value:
        raise DatasetError(f"{where}: {key!r} must be a non-empty string")
    return value


def _records(path: Path) -> dict[str, dict[str, Any]]:
    records: dict[str, dict[str, Any]] = {}
    for number, item in _objects(path):
        where = f"{path.name} line {number}"
        record_id = _string(item, "_id", where)
        if record_id in records:
            raise DatasetError(f"{where}: id {record_id!r} appears twice")
        records[record_id] = {key: value for key, value in item.items() if key != "_id"}
    return records


def _grade(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DatasetError(f"{where}: 'grade' must be an integer >= 0, not {value!r}")
    return value


def _read_qrels(path: Path, corpus: Corpus, queries: Queries) -> Qrels:
    qrels: Qrels = {}
    for number, item in _objects(path):
        where = f"{path.name} line {number}"
        qid = _string(item, "query_id", where)
        doc = _string(item, "doc_id", where)
        if "grade" not in item:
            raise DatasetError(f"{where}: missing key 'grade'")
        grade = _grade(item["grade"], where)
        if qid not in queries:
            raise DatasetError(f"{where}: unknown query id {qid!r}")
        if doc not in corpus:
            raise DatasetError(f"{where}: unknown document id {doc!r}")
        judged = qrels.setdefault(qid, {})
        if doc in judged:
            raise DatasetError(f"{where}: ({qid!r}, {doc!r}) is judged twice")
        judged[doc] = grade
    return qrels


def read_dataset(folder: Path, name: str | None = None) -> RetrievalDataset:
    """Read ``corpus.jsonl``, ``queries.jsonl`` and ``qrels.jsonl`` from ``folder``.

    ``name`` defaults to the folder's name. Raises :class:`DatasetError` on a missing file,
    a malformed line, a missing key, a grade that is not an integer >= 0, a repeated id, or
    a judgement naming an unknown query or document.
    """
    folder = Path(folder)
    corpus = _records(folder / CORPUS_FILE)
    queries = _records(folder / QUERIES_FILE)
    qrels = _read_qrels(folder / QRELS_FILE, corpus, queries)
    return RetrievalDataset(
        name=folder.name if name is None else name, corpus=corpus, queries=queries, qrels=qrels
    )


def _score(value: object, where: str) -> float:
    # numbers.Real also admits NumPy scalars (float32 scores from an index).
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise DatasetError(f"{where}: a score must be a finite number, not {value!r}")
    score = float(value)
    if not math.isfinite(score):
        raise DatasetError(f"{where}: a score must be a finite number, not {value!r}")
    return score


def read_run(path: Path) -> Run:
    """Read a run file written by :func:`write_run` (lists keep their order in the file)."""
    path = Path(path)
    run: Run = {}
    for number, item in _objects(path):
        where = f"{path.name} line {number}"
        qid = _string(item, "query_id", where)
        if qid in run:
            raise DatasetError(f"{where}: query id {qid!r} appears twice")
        if "results" not in item:
            raise DatasetError(f"{where}: missing key 'results'")
        results = item["results"]
        if not isinstance(results, list):
            raise DatasetError(f"{where}: 'results' must be a list of [doc_id, score] pairs")
        scores: dict[str, float] = {}
        for pair in results:
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                raise DatasetError(f"{where}: each result must be a [doc_id, score] pair")
            if pair[0] in scores:
                raise DatasetError(f"{where}: document {pair[0]!r} appears twice")
            scores[pair[0]] = _score(pair[1], where)
        run[qid] = scores
    return run


# Writing.


def _dumps(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n"


def _write_files(folder: Path, contents: Mapping[str, Iterable[str]]) -> None:
    """Write every file to a temporary name first, then move each into place."""
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for filename, lines in contents.items():
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{filename}.", suffix=".tmp")
            staged.append((tmp, folder / filename))
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.writelines(lines)
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _record_lines(records: Corpus | Queries, kind: str) -> list[str]:
    lines = []
    for record_id, fields in records.items():
        if not isinstance(record_id, str) or not record_id:
            raise DatasetError(f"{kind}: ids must be non-empty strings, not {record_id!r}")
        if "_id" in fields:
            raise DatasetError(f"{kind} record {record_id!r}: the key '_id' is reserved")
        lines.append(_dumps({"_id": record_id, **fields}))
    return lines


def _qrels_lines(ds: RetrievalDataset) -> list[str]:
    lines = []
    for qid, judged in ds.qrels.items():
        if qid not in ds.queries:
            raise DatasetError(f"qrels: unknown query id {qid!r}")
        for doc, grade in judged.items():
            where = f"qrels ({qid!r}, {doc!r})"
            if doc not in ds.corpus:
                raise DatasetError(f"{where}: unknown document id {doc!r}")
            lines.append(_dumps({"query_id": qid, "doc_id": doc, "grade": _grade(grade, where)}))
    return lines


def write_dataset(ds: RetrievalDataset, folder: Path) -> None:
    """Write ``ds`` as ``corpus.jsonl``, ``queries.jsonl`` and ``qrels.jsonl`` in ``folder``.

    Checks the same rules as :func:`read_dataset` before anything is written, so what is
    written can be read back. Each file is replaced atomically.
    """
    contents = {
        CORPUS_FILE: _record_lines(ds.corpus, "corpus"),
        QUERIES_FILE: _record_lines(ds.queries, "queries"),
        QRELS_FILE: _qrels_lines(ds),
    }
    _write_files(Path(folder), contents)


def write_run(run: Run, path: Path, *, k: int | None = None) -> None:
    """Write ``run`` as JSONL, one query a line, its results best first (ties by doc id).

    ``k`` keeps only each query's top ``k``. Scores must be finite numbers.
    """
    if k is not None and k < 1:
        raise ValueError("k must be at least 1")
    lines = []
    for qid, scores in run.items():
        where = f"run query {qid!r}"
        ordered = sorted(scores)
        ordered.sort(key=scores.__getitem__, reverse=True)
        results = [[doc, _score(scores[doc], where)] for doc in ordered[:k]]
        lines.append(_dumps({"query_id": qid, "results": results}))
    path = Path(path)
    _write_files(path.parent, {path.name: lines})
