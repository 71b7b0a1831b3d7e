"""People's occupation codes in the store (SQLite and PostgreSQL): the uncoded titles a
review queue reads, and a decision written with the records it codes, in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from karyab.records import Jobseeker, Vacancy
from storage.occupation_decisions import OccupationDecision
from storage.sql_store import SqlStore, WriteAudit

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture()
def store(db_url: str) -> Iterator[SqlStore]:
    store = SqlStore(db_url)
    vacancies = [
        Vacancy(id="v1", title="خیاط - خانم", text="-", province="تهران"),
        Vacancy(id="v2", title="خیاط (تهران)", text="-"),
        Vacancy(id="v3", title="حسابدار", text="-", isco_code="2411"),
        Vacancy(id="v4", title="نانوا", text="-", isco_guess="7512"),
    ]
    vectors = np.eye(len(vacancies), 8, dtype=np.float32)
    store.upsert("vacancy", vacancies, vectors, vectors, "e5")
    seekers = [Jobseeker(id="j1", title="خیاط", text="-")]
    store.upsert("jobseeker", seekers, vectors[:1], vectors[:1], "e5")
    # An archived record is counted by analytics but never coded again.
    store.archive("vacancy", [Vacancy(id="old", title="خیاط", text="-")])
    yield store
    store.close()


def _decision(code: str = "7531", at: datetime = NOW) -> OccupationDecision:
    return OccupationDecision("خیاط", code, "خیاط - خانم", "office-3", at)


def test_title_keys_are_kept_for_live_records(store: SqlStore) -> None:
    assert sorted(store.titles_without_keys()) == [
        ("jobseeker", "j1", "خیاط"),
        ("vacancy", "v1", "خیاط - خانم"),
        ("vacancy", "v2", "خیاط (تهران)"),
        ("vacancy", "v3", "حسابدار"),  # coded: its key finds it for a correction
        ("vacancy", "v4", "نانوا"),  # a guess is not a code
    ]
    store.set_title_keys(
        [
            ("jobseeker", "j1", "خیاط", "خیاط"),
            ("vacancy", "v1", "خیاط - خانم", "خیاط"),
            ("vacancy", "v2", "another title meanwhile", "خیاط"),  # not kept
            ("vacancy", "v3", "حسابدار", "حسابدار"),
            ("vacancy", "v4", "نانوا", "نانوا"),
        ]
    )
    assert store.titles_without_keys() == [("vacancy", "v2", "خیاط (تهران)")]
    assert store.coded_with_keys(["حسابدار", "خیاط"]) == [("حسابدار", "vacancy", "v3", "2411")]
    assert sorted(store.uncoded_key_counts()) == [
        ("خیاط", "jobseeker", 1),
        ("خیاط", "vacancy", 1),
        ("نانوا", "vacancy", 1),
    ]
    assert store.uncoded_key_counts("jobseeker") == [("خیاط", "jobseeker", 1)]
    assert sorted(store.uncoded_key_titles(["خیاط", "نانوا"])) == [
        ("خیاط", "خیاط", 1),
        ("خیاط", "خیاط - خانم", 1),
        ("نانوا", "نانوا", 1),
    ]
    assert store.uncoded_key_titles(["خیاط"], "jobseeker") == [("خیاط", "خیاط", 1)]
    assert sorted(store.uncoded_with_keys(["خیاط"])) == [
        ("خیاط", "jobseeker", "j1", "خیاط"),
        ("خیاط", "vacancy", "v1", "خیاط - خانم"),
    ]

    # A rewrite clears the record's key (its title may have changed); so does a new way of
    # making keys.
    vector = np.ones((1, 8), dtype=np.float32)
    store.upsert("vacancy", [store.get("vacancy", "v1")], vector, vector, "e5")  # type: ignore[list-item]
    assert ("vacancy", "v1", "خیاط - خانم") in store.titles_without_keys()
    store.clear_title_keys()
    assert len(store.titles_without_keys()) == 5


def test_a_sample_of_the_coding_draws_live_coded_records(store: SqlStore) -> None:
    assert store.coded_sample(10) == [("vacancy", "v3", "حسابدار", "2411")]
    assert store.coded_sample(10, "jobseeker") == []
    coded = [
        Vacancy(id=f"c{i}", title=f"راننده {i}", text="-", isco_code="8322") for i in range(30)
    ]
    vectors = np.ones((30, 8), dtype=np.float32)
    store.upsert("vacancy", coded, vectors, vectors, "e5")
    drawn = store.coded_sample(5, "vacancy")
    assert len(drawn) == 5 and len({row[1] for row in drawn}) == 5
    assert all(row[0] == "vacancy" and row[3] in {"2411", "8322"} for row in drawn)
    # Random: twenty draws of five from 31 do not all come out alike.
    assert len({tuple(sorted(r[1] for r in store.coded_sample(5))) for _ in range(20)}) > 1


def test_a_decision_codes_its_records_in_one_write(store: SqlStore) -> None:
    before = store.generation()
    stored = store.get_many("vacancy", ["v1", "v2"])
    recoded = {
        "vacancy": [replace(stored[i], isco_code="7531") for i in ("v1", "v2")],
        "jobseeker": [replace(store.get("jobseeker", "j1"), isco_code="7531")],  # type: ignore[type-var]
    }
    store.decide_occupations([_decision()], recoded, WriteAudit("office-3", "decide_occupation"))

    assert store.generation() == before + 1
    assert store.decided_codes(["خیاط", "نانوا"]) == {"خیاط": "7531"}
    coded = sorted((k, i) for k, i, _, code in store.coded_sample(10) if code == "7531")
    assert coded == [("jobseeker", "j1"), ("vacancy", "v1"), ("vacancy", "v2")]
    assert store.get("vacancy", "v1").isco_code == "7531"  # type: ignore[union-attr]
    # The vectors stay; the write sequence moves, so indexes and snapshots follow.
    assert store.changed_since("vacancy", before, 10) == ["v1", "v2"]
    np.testing.assert_array_equal(
        store.get_vectors("vacancy", ["v1"], "passage")["v1"], np.eye(4, 8, dtype=np.float32)[0]
    )
    (entry,) = store.read_audit(action="decide_occupation")
    assert entry.actor == "office-3"
    assert entry.detail == {
        "decisions": 1,
        "codes": {"خیاط": "7531"},
        "count": {"vacancy": 2, "jobseeker": 1},
        "ids": {"vacancy": ["v1", "v2"], "jobseeker": ["j1"]},
    }


def test_a_later_decision_replaces_the_earlier_one(store: SqlStore) -> None:
    audit = WriteAudit("office-3", "decide_occupation")
    store.decide_occupations([_decision("7531")], {}, audit)
    store.decide_occupations([_decision("7533", NOW + timedelta(minutes=5))], {}, audit)
    assert store.decided_codes(["خیاط"]) == {"خیاط": "7533"}
    (decision,) = store.occupation_decisions()
    assert (decision.code, decision.decided_at) == ("7533", NOW + timedelta(minutes=5))


def test_a_refused_audit_entry_keeps_the_decision_out(store: SqlStore) -> None:
    recoded = {"vacancy": [replace(store.get("vacancy", "v1"), isco_code="7531")]}  # type: ignore[type-var]
    with pytest.raises(ValueError):  # an actor that looks like a phone number is refused
        store.decide_occupations([_decision()], recoded, WriteAudit("09123456789", "decide"))
    assert store.decided_codes(["خیاط"]) == {}
    assert store.get("vacancy", "v1").isco_code is None  # type: ignore[union-attr]


def test_decisions_are_one_per_title_key(store: SqlStore) -> None:
    audit = WriteAudit("office-3", "decide_occupation")
    with pytest.raises(ValueError):
        store.decide_occupations([_decision("7531"), _decision("7533")], {}, audit)
    with pytest.raises(ValueError):
        store.decide_occupations([], {}, audit)
    with pytest.raises(ValueError):
        store.replace_occupation_decisions([_decision("7531"), _decision("7533")])
    assert store.occupation_decisions() == []
    store.replace_occupation_decisions([_decision("7533")])
    store.replace_occupation_decisions([_decision("7531")])
    assert [d.code for d in store.occupation_decisions()] == ["7531"]


def test_live_records_come_in_pages_with_their_write_sequence(store: SqlStore) -> None:
    first = store.live_records("vacancy", None, 3)
    assert [r.id for r, _ in first] == ["v1", "v2", "v3"]  # archived "old" is not live
    rest = store.live_records("vacancy", first[-1][0].id, 3)
    assert [r.id for r, _ in rest] == ["v4"]
    assert store.live_records("vacancy", "v4", 3) == []
    seqs = {r.id: seq for r, seq in first + rest}
    assert seqs["v1"] == seqs["v4"] == 1  # one upsert, one sequence number


def test_recoding_stores_only_records_unwritten_since_they_were_read(store: SqlStore) -> None:
    read = dict((r.id, (r, seq)) for r, seq in store.live_records("vacancy", None, 10))
    vector = np.ones((1, 8), dtype=np.float32)
    store.upsert("vacancy", [replace(read["v2"][0], text="rewritten")], vector, vector, "e5")
    before = store.generation()
    coded = [
        (replace(read[i][0], isco_code="7531", isco_source="coder"), read[i][1])
        for i in ("v1", "v2")
    ]
    stored = store.recode_occupations("vacancy", coded, WriteAudit("cli", "recode_occupations"))
    assert stored == ["v1"]
    assert store.generation() == before + 1
    assert store.changed_since("vacancy", before, 10) == ["v1"]
    v1, v2 = store.get("vacancy", "v1"), store.get("vacancy", "v2")
    assert (v1.isco_code, v1.isco_source) == ("7531", "coder")  # type: ignore[union-attr]
    assert (v2.isco_code, v2.text) == (None, "rewritten")  # type: ignore[union-attr]
    assert ("vacancy", "v1", "خیاط - خانم", "7531") in store.coded_sample(10)  # postings too
    (entry,) = store.read_audit(action="recode_occupations")
    assert entry.detail == {"count": {"vacancy": 1}, "ids": {"vacancy": ["v1"]}}
    # Nothing left to store: no write, no audit entry.
    assert store.recode_occupations("vacancy", coded[1:], WriteAudit("cli", "recode")) == []
    assert store.recode_occupations("vacancy", [], WriteAudit("cli", "recode")) == []
    assert store.generation() == before + 1
