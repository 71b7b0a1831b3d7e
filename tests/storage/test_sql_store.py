"""SqlStore on SQLite and on PostgreSQL (see conftest.py), and its migrations."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from karyab.records import Education, Jobseeker, Vacancy
from storage import migrate
from storage.schema import database_url, make_engine, metadata
from storage.sql_store import (
    POSTING_COLUMNS,
    Kind,
    SqlStore,
    StoreError,
    WriteAudit,
    sqlite_url,
)
from tests.storage.legacy_sqlite_store import SqliteStore

SQL = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"
EXCEL = "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"
NEW_TABLES = {"organisations", "applications", "application_events", "audit_log"}


def _vectors(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, 8)).astype(np.float32)


def _vacancy(record_id: str, **fields: Any) -> Vacancy:
    return Vacancy(id=record_id, title=fields.pop("title", "حسابدار"), text="-", **fields)


@pytest.fixture()
def store(db_url: str) -> Iterator[SqlStore]:
    store = SqlStore(db_url)
    yield store
    store.close()


def _vector(
    store: SqlStore | SqliteStore,
    kind: Kind,
    record_id: str,
    which: Literal["query", "passage"] = "passage",
) -> np.ndarray:
    vector = store.get_vector(kind, record_id, which)
    assert vector is not None
    return vector


def _schema_drift(url: str) -> list[Any]:
    """Differences between storage.schema and the database the migrations built."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(compare_metadata(MigrationContext.configure(conn), metadata))
    finally:
        engine.dispose()


# -- records ------------------------------------------------------------------------------


def test_round_trip_keeps_every_field(store: SqlStore) -> None:
    vacancy = Vacancy(
        id="v1",
        title="حسابدار",
        text="آشنایی با سپیدار",
        province="فارس",
        city="شیراز",
        isco_code="2411",
        min_experience_years=2,
        education=Education.bachelor,
        skills=("سپیدار", "Excel"),
        skill_ids=(SQL,),
        unmatched_phrases=("n8n",),
        posted_at="1403-02-10",
    )
    seeker = Jobseeker(id="j1", title="راننده", text="پایه یک", registered_at="1402-01-01")
    store.upsert("vacancy", [vacancy], _vectors(1), _vectors(1, 1), "enc")
    store.upsert("jobseeker", [seeker], _vectors(1), _vectors(1, 1), "enc")
    assert store.get("vacancy", "v1") == vacancy
    assert store.get("jobseeker", "j1") == seeker
    assert store.get("vacancy", "nope") is None
    assert store.get_many("vacancy", ["v1", "nope", "v1"]) == {"v1": vacancy}
    assert store.get_many("jobseeker", []) == {}
    assert store.count("vacancy") == 1 and store.count("jobseeker") == 1


def test_get_many_reads_more_ids_than_one_query_holds(store: SqlStore) -> None:
    records = [_vacancy(f"v{i:04d}") for i in range(1500)]
    store.upsert("vacancy", records, _vectors(1500), _vectors(1500), "enc")
    found = store.get_many("vacancy", [r.id for r in records[::2]] + ["missing"])
    assert sorted(found) == [r.id for r in records[::2]]


def test_vectors_generation_and_streaming(store: SqlStore) -> None:
    q, p = _vectors(3), _vectors(3, 1)
    seekers = [Jobseeker(id=f"j{i}", title="راننده", text="پایه یک") for i in range(3)]
    assert store.generation() == 0
    store.upsert("jobseeker", seekers, q, p, "enc")
    after_upsert = store.generation()
    assert after_upsert > 0
    np.testing.assert_array_equal(_vector(store, "jobseeker", "j1", "query"), q[1])
    np.testing.assert_array_equal(_vector(store, "jobseeker", "j1"), p[1])
    assert store.get_vector("jobseeker", "nope", "query") is None
    batches = list(store.iter_vectors("jobseeker", batch=2))
    assert [[r.id for r in records] for records, _ in batches] == [["j0", "j1"], ["j2"]]
    np.testing.assert_array_equal(np.concatenate([v for _, v in batches]), p)
    assert store.encoders("jobseeker") == {"enc"} and store.encoders("vacancy") == set()
    store.archive("jobseeker", [Jobseeker(id="old", title="t", text="x")])
    assert store.generation() > after_upsert
    before_delete = store.generation()
    store.delete("jobseeker", ["j0"])
    assert store.generation() > before_delete


def test_upsert_is_idempotent_by_id(store: SqlStore) -> None:
    store.upsert("vacancy", [_vacancy("v1", title="a")], _vectors(1), _vectors(1), "e1")
    key = store.read_postings("vacancy")["posting"]
    store.upsert("vacancy", [_vacancy("v1", title="c")], _vectors(1, 2), _vectors(1, 3), "e2")
    assert store.count("vacancy") == 1
    record = store.get("vacancy", "v1")
    assert record is not None and record.title == "c"
    np.testing.assert_array_equal(_vector(store, "vacancy", "v1", "query"), _vectors(1, 2)[0])
    assert store.encoders("vacancy") == {"e2"}
    assert store.read_postings("vacancy")["posting"] == key  # a report's keys stay valid
    assert store.posting_titles(key) == {key[0]: ("v1", "c")}  # type: ignore[arg-type]
    # Repeated ids in one batch: the last wins, as with one write after another.
    batch = [_vacancy("v2", title="first"), _vacancy("v2", title="last")]
    store.upsert("vacancy", batch, _vectors(2), _vectors(2), "e2")
    record = store.get("vacancy", "v2")
    assert record is not None and record.title == "last"


def test_upsert_is_idempotent_by_source_id(store: SqlStore) -> None:
    stored = store.upsert_sourced(
        "vacancy", "ams", ["100"], [_vacancy("ams-100", title="a")], _vectors(1), _vectors(1), "e"
    )
    assert stored == ["ams-100"]
    # The agency sends the same vacancy again; the caller made up another id for it.
    again = store.upsert_sourced(
        "vacancy", "ams", ["100"], [_vacancy("fresh", title="b")], _vectors(1), _vectors(1), "e"
    )
    assert again == ["ams-100"] and store.count("vacancy") == 1
    record = store.get("vacancy", "ams-100")
    assert record is not None and record.id == "ams-100" and record.title == "b"
    assert store.get("vacancy", "fresh") is None
    assert [r.id for r in store.get_many("vacancy", ["ams-100"]).values()] == ["ams-100"]
    # The same source id from another system is another record; within one batch the
    # first id given to a new source id names it.
    others = store.upsert_sourced(
        "vacancy",
        "karaj-office",
        ["100", "7", "7"],
        [_vacancy("k100"), _vacancy("k7"), _vacancy("k7-again", title="later")],
        _vectors(3),
        _vectors(3),
        "e",
    )
    assert others == ["k100", "k7", "k7"] and store.count("vacancy") == 3
    assert store.source_ids("vacancy", ["ams-100", "k7", "nope"]) == {
        "ams-100": ("ams", "100"),
        "k7": ("karaj-office", "7"),
    }
    # A plain upsert by id keeps the record's source id; records without one never clash.
    store.upsert("vacancy", [_vacancy("ams-100", title="c")], _vectors(1), _vectors(1), "e")
    store.upsert("vacancy", [_vacancy("x1"), _vacancy("x2")], _vectors(2), _vectors(2), "e")
    assert store.source_ids("vacancy", ["ams-100", "x1"]) == {"ams-100": ("ams", "100")}
    assert len(store.read_postings("vacancy")["posting"]) == 5
    with pytest.raises(ValueError):
        store.upsert_sourced("vacancy", "ams", [""], [_vacancy("z")], _vectors(1), _vectors(1), "e")


def test_live_and_archived_records_get_postings(store: SqlStore) -> None:
    live = _vacancy(
        "v1", posted_at="۱۴۰۳-۰۲-۱۰", province="تهران", isco_code="2411", skill_ids=(SQL, EXCEL)
    )
    store.upsert("vacancy", [live], _vectors(1), _vectors(1), "test")
    store.archive("vacancy", [_vacancy("v0", posted_at="1402-11-30", unmatched_phrases=("n8n",))])
    store.archive("jobseeker", [Jobseeker("j1", "t", "x", registered_at="1402-01-01")])
    store.archive("vacancy", [_vacancy("v9", posted_at="not a date")])
    columns = store.read_postings("vacancy")
    assert tuple(columns) == POSTING_COLUMNS
    codes = store.skill_code_map()
    rows = sorted(zip(*columns.values(), strict=True), key=lambda row: row[1] or 0)
    (
        (_, month9, *_),
        (_, month0, _, _, skills0, phrases0),
        (_, month1, province, isco, skills1, _),
    ) = rows
    assert month9 is None
    assert (month0, skills0, phrases0) == (1402 * 12 + 10, "", "n8n")
    assert (month1, province, isco) == (1403 * 12 + 1, "تهران", "2411")
    assert [codes[int(c)] for c in skills1.split()] == [SQL, EXCEL]
    assert store.count_archived("vacancy") == 2 and store.count("vacancy") == 1
    titles = store.posting_titles(columns["posting"])  # type: ignore[arg-type]
    assert sorted(titles.values()) == [("v0", "حسابدار"), ("v1", "حسابدار"), ("v9", "حسابدار")]
    assert len(store.read_postings("jobseeker")["posting"]) == 1
    # Known skills keep their codes; only new ones get new codes.
    store.upsert("vacancy", [_vacancy("v2", skill_ids=(EXCEL,))], _vectors(1), _vectors(1), "t")
    assert store.skill_code_map() == codes


def test_deleting_a_live_record_removes_its_facts_but_not_the_archive(store: SqlStore) -> None:
    store.upsert("vacancy", [_vacancy("v1")], _vectors(1), _vectors(1), "test")
    store.archive("vacancy", [_vacancy("v2")])
    assert store.delete("vacancy", ["v1", "v2", "nope"]) == 1
    assert store.get("vacancy", "v1") is None and store.count("vacancy") == 0
    assert len(store.read_postings("vacancy")["posting"]) == 1  # the archived one
    assert store.delete("vacancy", []) == 0


def test_an_empty_store_reads_empty_columns(store: SqlStore) -> None:
    columns = store.read_postings("vacancy")
    assert tuple(columns) == POSTING_COLUMNS
    assert all(values == [] for values in columns.values())
    assert store.posting_titles([]) == {} and store.skill_code_map() == {}


def test_failed_writes_leave_nothing(store: SqlStore, monkeypatch: pytest.MonkeyPatch) -> None:
    records = [_vacancy("v1", skill_ids=(SQL,)), _vacancy("v2")]
    with pytest.raises(ValueError):
        store.upsert("vacancy", records, _vectors(1), _vectors(2), "e")
    bad_vectors = [np.zeros(8, np.float32), object()]  # second row cannot be stored
    with pytest.raises((TypeError, ValueError)):
        store.upsert("vacancy", records, bad_vectors, _vectors(2), "e")  # type: ignore[arg-type]

    # A failure after the records went in, before their facts did: all of it rolls back.
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(SqlStore, "_write_postings", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        store.upsert("vacancy", records, _vectors(2), _vectors(2), "e")
    monkeypatch.undo()
    assert store.count("vacancy") == 0 and store.generation() == 0
    assert store.read_postings("vacancy")["posting"] == []


def test_a_database_error_rolls_back_and_is_a_store_error(store: SqlStore) -> None:
    # No organisation 999: the foreign key fails after the application row was written.
    with pytest.raises(StoreError):
        store.record_outcome("j1", "v1", "shortlisted", actor="counsellor", organisation_id=999)
    assert store.get_application("j1", "v1") is None
    assert store.application_events() == [] and store.read_audit() == []


def test_data_survives_reopen(db_url: str) -> None:
    first = SqlStore(db_url)
    first.upsert("vacancy", [_vacancy("v1")], _vectors(1), _vectors(1), "e")
    first.close()
    reopened = SqlStore(db_url)
    assert reopened.count("vacancy") == 1 and reopened.generation() == 1
    reopened.close()


def test_an_in_memory_database_works() -> None:
    store = SqlStore("sqlite://")
    store.upsert("vacancy", [_vacancy("v1")], _vectors(1), _vectors(1), "e")
    assert store.count("vacancy") == 1
    store.close()


# -- organisations, applications, audit ---------------------------------------------------


def test_organisations_are_upserted_by_source_id(store: SqlStore) -> None:
    office = store.upsert_organisation(
        "employment_office",
        "اداره کار شیراز",
        province="فارس",
        source_system="mcls",
        source_id="71",
    )
    renamed = store.upsert_organisation(
        "employment_office",
        "اداره کل کار شیراز",
        province="فارس",
        source_system="mcls",
        source_id="71",
    )
    assert renamed.id == office.id and renamed.name == "اداره کل کار شیراز"
    assert renamed.created_at == office.created_at
    assert store.find_organisation("mcls", "71") == renamed
    assert store.get_organisation(office.id) == renamed and store.get_organisation(999) is None
    # Without a source id every call adds one.
    first, second = (store.upsert_organisation("employer", "کارخانه") for _ in range(2))
    assert first.id != second.id and first.source_system is None
    with pytest.raises(ValueError):
        store.upsert_organisation("ministry", "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        store.upsert_organisation("employer", "x", source_system="mcls")


def test_outcomes_keep_their_history_and_are_audited(store: SqlStore) -> None:
    employer = store.upsert_organisation("employer", "شرکت نمونه")
    start = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    steps = [("shortlisted", 0), ("interviewed", 3), ("interviewed", 4), ("hired", 10)]
    for status, day in steps:
        application = store.record_outcome(
            "j1",
            "v1",
            status,  # type: ignore[arg-type]
            actor="counsellor-12",
            organisation_id=employer.id if day == 0 else None,
            at=start + timedelta(days=day),
        )
    assert application.status == "hired" and application.organisation_id == employer.id
    assert application.updated_at == start + timedelta(days=10)
    assert store.get_application("j1", "v1") == application
    store.record_outcome("j2", "v1", "rejected", actor="employer-portal", at=start)
    events = store.application_events(vacancy_id="v1")
    assert [(e.jobseeker_id, e.previous_status, e.status) for e in events] == [
        ("j1", None, "shortlisted"),
        ("j2", None, "rejected"),
        ("j1", "shortlisted", "interviewed"),  # the repeated "interviewed" was no change
        ("j1", "interviewed", "hired"),
    ]
    assert events[-1].at == start + timedelta(days=10) and events[-1].actor == "counsellor-12"
    recent = store.application_events(since=start + timedelta(days=5))
    assert [e.status for e in recent] == ["hired"]
    assert [a.jobseeker_id for a in store.applications(vacancy_id="v1")] == ["j1", "j2"]
    assert [a.jobseeker_id for a in store.applications(status="rejected")] == ["j2"]
    audit = store.read_audit(action="record_outcome")
    assert len(audit) == 4  # one per change
    assert audit[0].detail["status"] == "hired" and audit[0].record_id == str(application.id)
    with pytest.raises(ValueError):
        store.record_outcome("j1", "v1", "promoted", actor="x")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        store.record_outcome("j1", "v1", "hired", actor="x", at=datetime(2026, 1, 1))


def test_the_audit_log_never_keeps_phone_numbers_or_national_ids(store: SqlStore) -> None:
    store.audit(
        "counsellor-12",
        "update",
        "jobseeker",
        "j1",
        {
            "phone": "short",
            "کد_ملی": "anything",
            "note": "تماس با ۰۹۱۲۳۴۵۶۷۸۹ یا +98 912 345 6789، کد ملی 0012345678، ۳ سال سابقه",
            "fields": ["mobile", "0912-345-6789"],
            "number": 9123456789,
            "years": 3,
        },
    )
    (entry,) = store.read_audit(record_id="j1")
    assert entry.detail == {
        "phone": "[redacted]",
        "کد_ملی": "[redacted]",
        "note": "تماس با [redacted] یا [redacted]، کد ملی [redacted]، ۳ سال سابقه",
        "fields": ["mobile", "[redacted]"],
        "number": "[redacted]",
        "years": 3,
    }
    with pytest.raises(ValueError):
        store.audit("09123456789", "login", None, None)
    entry = store.audit("admin", "view", "jobseeker", "0012345678")
    assert [e.record_id for e in store.read_audit() if e.id == entry] == ["[redacted]"]


def test_the_audit_log_reads_newest_first_with_filters(store: SqlStore) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(5):
        store.audit(
            "admin" if i % 2 else "api", "view", "vacancy", f"v{i}", at=start + timedelta(hours=i)
        )
    assert [e.record_id for e in store.read_audit(limit=2)] == ["v4", "v3"]
    assert [e.record_id for e in store.read_audit(actor="admin")] == ["v3", "v1"]
    assert [e.record_id for e in store.read_audit(since=start + timedelta(hours=3))] == ["v4", "v3"]
    assert store.read_audit(kind="jobseeker") == []


# -- migrations ---------------------------------------------------------------------------


def test_migration_brings_an_empty_database_to_head(db_url: str) -> None:
    migrate.upgrade(db_url)
    migrate.upgrade(db_url)  # again: nothing to do
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert set(metadata.tables) | {"alembic_version"} == tables
    assert _schema_drift(db_url) == []


def _titles_at(db_url: str, revision: str, titles: list[str]) -> dict[str, str]:
    """Postings with ``titles`` in a store at ``revision`` (from 0004 on, their folded title
    as an older fold left it: the title itself), then the store upgraded: title → folded."""
    from alembic import command

    folded = revision >= "0004"
    engine = make_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(migrate.alembic_config(conn), revision)
        for i, title in enumerate(titles):
            conn.execute(
                text(
                    "INSERT INTO postings (kind, id, title, skills, phrases, archived"
                    + (", title_folded" if folded else "")
                    + ") VALUES ('vacancy', :id, :title, '', '', false"
                    + (", :title" if folded else "")
                    + ")"
                ),
                {"id": f"v{i}", "title": title},
            )
    engine.dispose()
    migrate.upgrade(db_url)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT title, title_folded FROM postings")).all())
    engine.dispose()
    return stored


def test_migration_folds_the_titles_stored_before_it(db_url: str) -> None:
    from storage.folding import fold_title

    titles = ["كارشناس فروش", "برنامه\u200cنویس Python", "حسابـــدار", "منشي"]
    stored = _titles_at(db_url, "0003", titles)  # before titles were folded at all
    assert stored == {title: fold_title(title) for title in titles}
    assert stored["كارشناس فروش"] == "کارشناس فروش"
    assert stored["برنامه\u200cنویس Python"] == "برنامه نویس python"


def test_migration_folds_digits_and_grades_of_titles_stored_before_it(db_url: str) -> None:
    from storage.folding import fold_title

    titles = ["راننده پایه یک", "راننده پایه ۲", "جوشکار درجه1"]
    stored = _titles_at(db_url, "0005", titles)  # folded without digits or grades
    assert stored == {title: fold_title(title) for title in titles}
    assert set(stored.values()) == {"راننده پایه 1", "راننده پایه 2", "جوشکار درجه 1"}


def test_migration_compresses_the_snapshots_stored_before_it(db_url: str) -> None:
    from alembic import command

    matches = [
        {"id": f"v{i}", "title": "برنامه\u200cنویس Python\nارشد", "score": 1 - i / 10, "rank": 1}
        for i in range(3)
    ]
    engine = make_engine(db_url)
    with engine.begin() as conn:  # a store at revision 0004, its snapshots JSON text
        command.upgrade(migrate.alembic_config(conn), "0004")
        for i in range(3):
            conn.execute(
                text(
                    "INSERT INTO recommendation_snapshots (jobseeker_id, jobseeker_seq,"
                    " watermark, depth, computed_at, matches) VALUES (:id, 1, 2, 20,"
                    " '2026-11-27 08:30:00', :matches)"
                ),
                {"id": f"js{i}", "matches": json.dumps(matches[i:], ensure_ascii=False)},
            )
    engine.dispose()
    migrate.upgrade(db_url)
    store = SqlStore(db_url)
    try:
        for i in range(3):
            snapshot = store.snapshot(f"js{i}")
            assert snapshot is not None
            assert [m.to_dict() for m in snapshot.matches] == matches[i:]
            assert (snapshot.jobseeker_seq, snapshot.watermark, snapshot.depth) == (1, 2, 20)
    finally:
        store.close()
    engine = make_engine(db_url)
    with engine.begin() as conn:  # and back: the JSON text again
        command.downgrade(migrate.alembic_config(conn), "0004")
        stored = dict(
            conn.execute(text("SELECT jobseeker_id, matches FROM recommendation_snapshots")).all()
        )
    engine.dispose()
    assert {key: json.loads(value) for key, value in stored.items()} == {
        f"js{i}": matches[i:] for i in range(3)
    }


def test_a_store_needs_a_database_its_code_knows(db_url: str) -> None:
    with pytest.raises(StoreError, match=r"run storage\.migrate\.upgrade"):
        SqlStore(db_url, migrate=False)  # a deployment that migrates separately forgot to
    migrate.upgrade(db_url)
    store = SqlStore(db_url, migrate=False)
    store.upsert("vacancy", [_vacancy("v1")], _vectors(1), _vectors(1), "e")
    store.close()
    engine = make_engine(db_url)
    with engine.begin() as conn:  # as newer code (rolled back since) left it
        conn.execute(text("UPDATE alembic_version SET version_num = 'from-the-future'"))
    engine.dispose()
    with pytest.raises(StoreError, match="from-the-future"):
        SqlStore(db_url)


def _write_with_sqlite_store(path: Path) -> SqliteStore:
    old = SqliteStore(path)
    vacancies = [
        _vacancy("v1", posted_at="1403-02-10", skill_ids=(SQL, EXCEL)),
        _vacancy("v2", posted_at="1403-03-01", skill_ids=(EXCEL,), unmatched_phrases=("n8n",)),
    ]
    old.upsert("vacancy", vacancies, _vectors(2), _vectors(2, 1), "enc")
    old.upsert("vacancy", [vacancies[0]], _vectors(1), _vectors(1, 1), "enc")  # a new rowid
    old.archive("vacancy", [_vacancy("v0", posted_at="1401-01-01", skill_ids=(SQL,))])
    old.upsert("jobseeker", [Jobseeker("j1", "راننده", "پایه یک")], _vectors(1), _vectors(1), "enc")
    return old


def test_a_file_written_by_sqlite_store_is_adopted(tmp_path: Path) -> None:
    path = tmp_path / "karyab.sqlite3"
    old = _write_with_sqlite_store(path)
    postings_before = old.read_postings("vacancy")
    titles_before = old.posting_titles(postings_before["posting"])  # type: ignore[arg-type]
    before = {
        "generation": old.generation(),
        "codes": old.skill_code_map(),
        "v1": old.get("vacancy", "v1"),
    }
    vector = _vector(old, "vacancy", "v2")
    old.close()

    store = SqlStore(sqlite_url(path))
    assert store.generation() == before["generation"]
    assert store.skill_code_map() == before["codes"]
    assert store.get("vacancy", "v1") == before["v1"]
    np.testing.assert_array_equal(_vector(store, "vacancy", "v2"), vector)
    assert store.count("vacancy") == 2 and store.count_archived("vacancy") == 1
    # Posting keys a report already handed out still name the same records.
    after = store.read_postings("vacancy")
    as_rows = sorted(zip(*after.values(), strict=True))
    assert as_rows == sorted(zip(*postings_before.values(), strict=True))
    assert store.posting_titles(after["posting"]) == titles_before  # type: ignore[arg-type]
    # What SqliteStore lacked now works, and new postings get keys after the old ones.
    assert store.upsert_sourced(
        "vacancy", "ams", ["9"], [_vacancy("v9")], _vectors(1), _vectors(1), "enc"
    ) == ["v9"]
    keys = cast(list[int], store.read_postings("vacancy")["posting"])
    assert max(keys) > max(cast(list[int], after["posting"]))
    store.record_outcome("j1", "v1", "hired", actor="counsellor")
    assert store.get_application("j1", "v1") is not None
    store.close()

    with sqlite3.connect(path) as conn:
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert tables >= NEW_TABLES and "_sqlite_store_postings" not in tables
    assert revision == (migrate.head_revision(),)
    # What the adoption left behind is what the migrations build, but for two quirks of the
    # tables SqliteStore made, kept rather than copying every vector to fix them: primary
    # keys declared without NOT NULL, and an unnamed UNIQUE on skill_codes.skill_id.
    drift = _schema_drift(sqlite_url(path))
    nullable_keys = {(d[0][2], d[0][3]) for d in drift if d[0][0] == "modify_nullable"}
    assert nullable_keys == {
        ("vacancies", "id"),
        ("jobseekers", "id"),
        ("meta", "key"),
        ("skill_codes", "code"),
    }
    others = [d for d in drift if d[0][0] != "modify_nullable"]
    assert [(d[0], d[1].table.name, [c.name for c in d[1].columns]) for d in others] == [
        ("add_constraint", "skill_codes", ["skill_id"])
    ]
    reopened = SqlStore(sqlite_url(path))  # adopted once: opening again changes nothing
    assert reopened.count("vacancy") == 3
    reopened.close()
    # A deploy can still roll back: the old store opens the adopted file and writes to it.
    old = SqliteStore(path)
    old.upsert("vacancy", [_vacancy("v5")], _vectors(1), _vectors(1), "enc")
    assert old.count("vacancy") == 4 and len(old.read_postings("vacancy")["posting"]) == 5
    old.close()


def test_an_old_file_without_analytics_facts_gets_them_on_adoption(tmp_path: Path) -> None:
    path = tmp_path / "karyab.sqlite3"
    _write_with_sqlite_store(path).close()
    with sqlite3.connect(path) as conn:  # as a SqliteStore from before the facts left it
        conn.execute("DROP TABLE postings")
        conn.execute("DROP TABLE skill_codes")
        conn.execute("DELETE FROM meta WHERE key = 'postings_backfilled'")
    store = SqlStore(sqlite_url(path))
    months = cast(list[int | None], store.read_postings("vacancy")["month"])
    assert sorted(m for m in months if m is not None) == [
        1403 * 12 + 1,
        1403 * 12 + 2,
    ]
    assert set(store.skill_code_map().values()) == {SQL, EXCEL}
    store.close()


def test_a_failed_adoption_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "karyab.sqlite3"
    _write_with_sqlite_store(path).close()

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(migrate.command, "stamp", fail)  # after every ALTER and CREATE
    with pytest.raises(RuntimeError, match="power cut"):
        SqlStore(sqlite_url(path))
    with sqlite3.connect(path) as conn:
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        columns = {row[1] for row in conn.execute("PRAGMA table_info(vacancies)")}
    assert not tables & (NEW_TABLES | {"alembic_version", "_sqlite_store_postings"})
    assert "source_id" not in columns and "postings" in tables
    monkeypatch.undo()
    store = SqlStore(sqlite_url(path))
    assert store.count("vacancy") == 2
    store.close()


def test_a_bare_postgresql_url_gets_psycopg() -> None:
    assert database_url("postgresql://u@db/karyab").drivername == "postgresql+psycopg"
    assert database_url("sqlite:///x.sqlite3").drivername == "sqlite"


# -- listing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"province": "فارس"},
        {"province": "ایلام"},  # none there
        {"title_contains": "حسابدار"},
        {"title_contains": "zzz"},
        {"offset": 7},
        {"province": "تهران", "limit": 3, "offset": 2},
        {"offset": 40},  # past the end
    ],
)
def test_vacancy_pages_are_the_same_sorted_or_walked(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch, query: dict[str, Any]
) -> None:
    # A list with few matches sorts them, with many walks the newest vacancies: the two
    # plans must give the same page, in the same order (writes share an updated_seq per
    # batch, so the id breaks ties).
    import storage.sql_store as sql_store

    provinces = ["تهران", "فارس", "تهران"]
    for batch in range(4):
        records = [
            _vacancy(
                f"v{batch}-{i}",
                title="حسابدار" if i % 2 else "كارشناس فروش",
                province=provinces[i % 3],
            )
            for i in range(6)
        ]
        store.upsert("vacancy", records, _vectors(6), _vectors(6, 1), "enc")
    store.delete("vacancy", ["v0-1"])
    pages = {}
    for limit in (0, 10_000):
        monkeypatch.setattr(sql_store, "_SORTED_PAGE_LIMIT", limit)
        page, total = store.list_vacancies(**query)
        pages[limit] = ([v.id for v in page], total)
    assert pages[0] == pages[10_000]
    ids, total = pages[0]
    if not query:
        assert total == 23 and len(ids) == 20 and "v0-1" not in ids
        assert ids[:6] == sorted(ids[:6]) and ids[0].startswith("v3-")  # newest batch first


def test_a_write_and_its_audit_entry_are_one_transaction(store: SqlStore) -> None:
    ids = [f"v{i}" for i in range(60)]
    vectors = _vectors(60)
    records = [_vacancy(i) for i in ids]
    store.upsert("vacancy", records, vectors, vectors, "e5", audit=WriteAudit("office-7", "upsert"))
    (entry,) = store.read_audit(actor="office-7")
    assert (entry.action, entry.kind, entry.record_id) == ("upsert", "vacancy", None)
    assert entry.detail == {"count": 60, "ids": ids[:50]}

    # An entry that cannot be written (an actor that looks like a phone number is refused)
    # takes its write with it: nothing stored, nothing half-done.
    with pytest.raises(ValueError):
        store.upsert(
            "vacancy",
            [_vacancy("late")],
            vectors[:1],
            vectors[:1],
            "e5",
            audit=WriteAudit("09123456789", "upsert"),
        )
    assert store.get("vacancy", "late") is None
    with pytest.raises(ValueError):
        store.delete("vacancy", ["v1"], audit=WriteAudit("09123456789", "delete"))
    assert store.get("vacancy", "v1") is not None

    assert store.delete("vacancy", ["v1", "gone"], audit=WriteAudit("office-7", "delete")) == 1
    assert store.delete("vacancy", ["gone"], audit=WriteAudit("office-7", "delete")) == 0
    deletes = store.read_audit(actor="office-7", action="delete")
    assert [(e.record_id, e.detail["count"]) for e in deletes] == [(None, 2)]

    stored = store.upsert_sourced(
        "vacancy",
        "karyabi-tehran",
        ["s-1"],
        [_vacancy("x1")],
        vectors[:1],
        vectors[:1],
        "e5",
        audit=WriteAudit("importer", "import"),
    )
    (imported,) = store.read_audit(actor="importer")
    assert imported.record_id == stored[0] and imported.detail == {"count": 1, "ids": stored}
