"""Snapshot rows, the change feed and named values, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import orjson
import pytest

from karyab.records import Jobseeker, Vacancy
from storage.snapshots import (
    FirstStage,
    Snapshot,
    StoredMatch,
    decode_matches,
    decode_stored,
    encode_matches,
)
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
            StoredMatch.from_dict(
                {"id": f"v{i}", "score": 1 - i / 10, "rank": i + 1, "title": "حسابدار"}
            )
            for i in range(matches)
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


def test_a_meta_value_is_swapped_only_from_what_it_held(store: SqlStore) -> None:
    assert store.swap_meta_value("recode_job", None, "1")  # absent: claimed
    assert not store.swap_meta_value("recode_job", None, "2")  # another got there first
    assert not store.swap_meta_value("recode_job", "0", "2")  # not what it holds
    assert store.meta_value("recode_job") == "1"
    assert store.swap_meta_value("recode_job", "1", "2")
    assert store.meta_value("recode_job") == "2"
    with pytest.raises(ValueError):
        store.swap_meta_value("seq", None, "1")


def test_snapshot_state_in_one_read(store: SqlStore) -> None:
    state, _ = store.snapshot_head("nobody", 1)
    assert (state.profile_seq, state.snapshot_seq, state.watermark, state.depth) == (None,) * 4
    _put(store, "jobseeker", ["js"])
    seq = store.record_seq("jobseeker", "js")
    assert seq is not None
    store.save_snapshots([_snapshot("js", seq, 3, 2)])
    state, _ = store.snapshot_head("js", 1)
    assert (state.profile_seq, state.snapshot_seq, state.watermark, state.depth) == (seq, seq, 3, 5)
    assert state.generation == store.generation()


MATCHES = [
    {"id": "v1", "title": "برنامه\u200cنویس Python", "score": 0.91, "rank": 1, "details": {"a": 1}},
    # A line break, a tab and a quote inside strings stay inside their match.
    {"id": "v2", "title": 'کارشناس\nفروش\t"ارشد"', "score": 0.5, "rank": 2, "details": {}},
    {"id": "v3", "title": "منشي", "score": np.float64(0.25), "rank": 3, "details": {"n": None}},
]


@pytest.mark.parametrize(
    ("matches", "limit", "expected"),
    [
        (MATCHES, None, MATCHES),
        (MATCHES, 2, MATCHES[:2]),
        (MATCHES, 1, MATCHES[:1]),
        (MATCHES, 0, []),
        (MATCHES, 10, MATCHES),  # more than there are
        ([], None, []),
        ([], 5, []),
    ],
)
def test_matches_encode_and_decode(
    matches: list[dict], limit: int | None, expected: list[dict]
) -> None:
    payload = encode_matches(matches)
    assert isinstance(payload, bytes)
    assert list(decode_matches(payload, limit)) == expected


def test_matches_are_stored_compressed() -> None:
    repeated = [
        {**MATCHES[0], "id": f"v{i}", "skills": ["http://data.europa.eu/esco/skill/x"] * 20}
        for i in range(20)
    ]
    assert len(encode_matches(repeated)) < len(json.dumps(repeated)) / 5


def test_snapshot_head_reads_the_state_and_the_best_k(store: SqlStore) -> None:
    _put(store, "jobseeker", ["js"])
    seq = store.record_seq("jobseeker", "js")
    state, head = store.snapshot_head("js", 2)
    assert head == () and state.snapshot_seq is None and state.profile_seq == seq
    store.save_snapshots([_snapshot("js", seq, 7, 3)])
    state, head = store.snapshot_head("js", 2)
    assert state.generation == store.generation() and state.profile_seq == seq
    assert (state.snapshot_seq, state.watermark, state.depth) == (seq, 7, 5)
    assert head == tuple(m.to_dict() for m in _snapshot("js", seq, 7, 3).matches[:2])
    state, head = store.snapshot_head("nobody", 2)
    assert head == () and state.profile_seq is None


def test_snapshot_first_stage_round_trips(store: SqlStore) -> None:
    _put(store, "jobseeker", ["js", "other"])
    seq = store.record_seq("jobseeker", "js")
    stage = FirstStage(
        cuts=(0.81, None, 0.5),
        best_cosine=0.93,
        day=739328.0,
        document="حسابدار",
        ranking="3f9a0c1b2d4e5f60",
    )
    with_stage = replace(_snapshot("js", seq, 7, 2), first_stage=stage)
    store.save_snapshots([with_stage, _snapshot("other", seq, 7, 1)])
    found = store.snapshots(["js", "other", "nobody"])
    assert found["js"] == with_stage and found["js"].first_stage == stage
    assert found["other"].first_stage is None
    assert set(found) == {"js", "other"}


SCORED = {
    "id": "v7",
    "title": "حسابدار\tارشد",
    "score": 2.5,
    "rank": 4,
    "details": {"employer": "هلو", "features": {"semantic": -0.1, "lexical": None}},
}


def test_a_stored_match_keeps_its_explanation_apart_from_its_scores() -> None:
    stored = StoredMatch.from_dict(SCORED)
    assert (stored.id, stored.score, stored.rank) == ("v7", 2.5, 4)
    assert stored.features == {"semantic": -0.1, "lexical": None}
    assert b"features" not in stored.rest and b"2.5" not in stored.rest
    assert StoredMatch.from_line(stored.line()) == stored
    assert stored.to_dict() == SCORED

    again = stored.rescored(3.0, 1, {"semantic": 0.0, "lexical": 0.4})
    assert again.rest is stored.rest  # the explanation is not encoded again
    assert again.to_dict() == {
        **SCORED,
        "score": 3.0,
        "rank": 1,
        "details": {"employer": "هلو", "features": {"semantic": 0.0, "lexical": 0.4}},
    }


def test_matches_stored_as_one_json_document_each_still_decode() -> None:
    """Lines written before scores and explanations were split (store revision 0005)."""
    old = zlib.compress(b"\n".join(orjson.dumps(m) for m in [SCORED, MATCHES[0]]), 1)
    assert list(decode_matches(old)) == [SCORED, MATCHES[0]]
    assert decode_stored(old, 1)[0] == StoredMatch.from_dict(SCORED)
    # Written again, they take the new form and read back the same.
    assert list(decode_matches(encode_matches(decode_stored(old)))) == [SCORED, MATCHES[0]]
