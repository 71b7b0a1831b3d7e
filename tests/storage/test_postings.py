"""The store's analytics columns: written with every record, live or archived."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from karyab.records import Jobseeker, Vacancy
from storage.sql_store import SqlStore, sqlite_url

SQL = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"
EXCEL = "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"


def _vectors(n: int) -> np.ndarray:
    return np.ones((n, 4), dtype=np.float32)


def _vacancy(record_id: str, **fields: object) -> Vacancy:
    return Vacancy(id=record_id, title="حسابدار", text="-", **fields)  # type: ignore[arg-type]


def test_live_and_archived_records_get_postings(tmp_path: Path) -> None:
    store = SqlStore(sqlite_url(tmp_path / "s.sqlite3"))
    live = _vacancy(
        "v1", posted_at="۱۴۰۳-۰۲-۱۰", province="تهران", isco_code="2411", skill_ids=(SQL, EXCEL)
    )
    store.upsert("vacancy", [live], _vectors(1), _vectors(1), "test")
    store.archive("vacancy", [_vacancy("v0", posted_at="1402-11-30", unmatched_phrases=("n8n",))])
    store.archive("jobseeker", [Jobseeker("j1", "t", "x", registered_at="1402-01-01")])
    columns = store.read_postings("vacancy")
    codes = store.skill_code_map()
    rows = sorted(zip(*columns.values(), strict=True), key=lambda row: row[1])
    (_, month0, _, _, skills0, phrases0), (_, month1, province, isco, skills1, _) = rows
    assert (month0, skills0, phrases0) == (1402 * 12 + 10, "", "n8n")
    assert (month1, province, isco) == (1403 * 12 + 1, "تهران", "2411")
    assert [codes[int(c)] for c in skills1.split()] == [SQL, EXCEL]
    assert store.count_archived("vacancy") == 1 and store.count("vacancy") == 1
    titles = store.posting_titles(columns["posting"])  # type: ignore[arg-type]
    assert sorted(titles.values()) == [("v0", "حسابدار"), ("v1", "حسابدار")]
    assert len(store.read_postings("jobseeker")["posting"]) == 1


def test_deleting_a_live_record_removes_its_facts_but_not_the_archive(tmp_path: Path) -> None:
    store = SqlStore(sqlite_url(tmp_path / "s.sqlite3"))
    store.upsert("vacancy", [_vacancy("v1")], _vectors(1), _vectors(1), "test")
    store.archive("vacancy", [_vacancy("v2")])
    store.delete("vacancy", ["v1", "v2"])
    assert len(store.read_postings("vacancy")["posting"]) == 1  # the archived one


def test_an_empty_store_reads_empty_columns(tmp_path: Path) -> None:
    columns = SqlStore(sqlite_url(tmp_path / "s.sqlite3")).read_postings("vacancy")
    assert all(values == [] for values in columns.values())


def test_records_stored_before_the_facts_existed_get_them_on_open(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    store = SqlStore(sqlite_url(path))
    store.upsert("vacancy", [_vacancy("v1", posted_at="1402-05-01")], _vectors(1), _vectors(1), "t")
    store.close()
    with sqlite3.connect(path) as conn:  # as an older version left it
        conn.execute("DELETE FROM postings")
        conn.execute("DELETE FROM meta WHERE key = 'postings_backfilled'")
    reopened = SqlStore(sqlite_url(path))
    assert reopened.read_postings("vacancy")["month"] == [1402 * 12 + 4]
