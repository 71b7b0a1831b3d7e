"""Snapshot rows, the change feed and named values, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import numpy as np
import pytest

from karyab.records import Jobseeker, Vacancy
from storage.snapshots import Snapshot
from storage.sql_store import SqlStore


@pytest.fixture()
def store(db_url: str) -> Iterator[SqlStore]:
    store = SqlStore(db_url)
    yield store
    store.close()


def _put(store: SqlStore, kind: str, ids: list[str]) -> None:
    vectors = np.eye(len(ids), 8, dtype=np.float32)
    if kind == "vacancy":
        records: list = [Vacancy(id=i, title="حسابدار", text="حسابداری") for i in ids]
    else:
        records = [Jobseeker(id=i, title="حسابدار", text="حسابداری") for i in ids]
    store.upsert(kind, records, vectors, vectors, "test")  # type: ignore[arg-type]


def _snapshot(jobseeker_id: str, seq: int, watermark: int, matches: int) -> Snapshot:
    return Snapshot(
        jobseeker_id=jobseeker_id,
        jobseeker_seq=seq,
        watermark=watermark,
        depth=5,
        computed_at=datetime(2026, 11, 27, 8, 30, tzinfo=UTC),
        matches=tuple(
            {"id": f"v{i}", "score": 1 - i / 10, "title": "حسابدار"} for i in range(matches)
        ),
    )


def test_snapshot_round_trip_and_replace(store: SqlStore) -> None:
    _put(store, "jobseeker", ["js"])
    seq = store.record_seq("jobseeker", "js")
    assert seq == store.generation()
    assert store.snapshot("js") is None
    store.save_snapshots([_snapshot("js", seq, 7, 3)])
    assert store.snapshot("js") == _snapshot("js", seq, 7, 3)
    store.save_snapshots([_snapshot("js", seq, 9, 1)])  # replaces, never duplicates
    again = store.snapshot("js")
    assert again is not None and again.watermark == 9 and len(again.matches) == 1
    assert store.snapshot_states() == {"js": (seq, 9)}
    assert store.count_snapshots() == 1
    store.delete("jobseeker", ["js"])
    assert store.snapshot("js") is None and store.record_seq("jobseeker", "js") is None


def test_change_feed(store: SqlStore) -> None:
    _put(store, "vacancy", ["a", "b"])
    mark = store.generation()
    assert store.changed_since("vacancy", mark, 10) == []
    _put(store, "vacancy", ["c"])
    _put(store, "vacancy", ["a"])
    assert store.changed_since("vacancy", mark, 10) == ["c", "a"]  # in write order
    assert store.changed_since("vacancy", mark, 1) is None  # more than the limit
    assert store.changed_since("jobseeker", 0, 10) == []
    assert dict(store.record_seqs("vacancy")).keys() == {"a", "b", "c"}


def test_meta_values(store: SqlStore) -> None:
    assert store.meta_value("batch_match_reference") is None
    store.set_meta_value("batch_match_reference", "12")
    assert store.meta_value("batch_match_reference") == "12"
    store.set_meta_value("batch_match_reference", None)
    assert store.meta_value("batch_match_reference") is None
    with pytest.raises(ValueError):
        store.set_meta_value("seq", "1")


def test_snapshot_state_in_one_read(store: SqlStore) -> None:
    state = store.snapshot_state("nobody")
    assert (state.profile_seq, state.snapshot_seq, state.watermark, state.depth) == (None,) * 4
    _put(store, "jobseeker", ["js"])
    seq = store.record_seq("jobseeker", "js")
    assert seq is not None
    store.save_snapshots([_snapshot("js", seq, 3, 2)])
    state = store.snapshot_state("js")
    assert (state.profile_seq, state.snapshot_seq, state.watermark, state.depth) == (seq, seq, 3, 5)
    assert state.generation == store.generation()
