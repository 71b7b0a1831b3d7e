"""The first store (raw sqlite3), kept only to write the files that ``SqlStore`` adopts.

Data folders written before the SQLAlchemy store have this schema and no Alembic version;
the adoption tests write them with this exact code. Not used by the product.

SQLite store for vacancies and jobseekers, with their embedding vectors.

The store is the source of truth: the vector index can always be rebuilt from the vectors
kept here, without encoding again. Each write is one transaction, so a record and its
vectors land together or not at all. WAL mode lets the API read while a bulk load writes.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Literal

import numpy as np

from analytics.periods import PeriodError, parse_month
from karyab.records import Jobseeker, Vacancy

logger = logging.getLogger(__name__)

Kind = Literal["vacancy", "jobseeker"]
_TABLES: dict[Kind, str] = {"vacancy": "vacancies", "jobseeker": "jobseekers"}

_TABLE = """
CREATE TABLE IF NOT EXISTS {table} (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    query_vec BLOB NOT NULL,
    passage_vec BLOB NOT NULL,
    encoder TEXT NOT NULL,
    updated_seq INTEGER NOT NULL
);
"""
# The analytics view of every record, live or archived: small columns only, so a report
# over a million vacancies reads them without parsing records. Skills are stored as integer
# codes (``skill_codes``) joined by spaces; unmatched phrases joined by "|".
_FACTS = """
CREATE TABLE IF NOT EXISTS postings (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    month INTEGER,
    province TEXT,
    isco_code TEXT,
    skills TEXT NOT NULL,
    phrases TEXT NOT NULL,
    archived INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS skill_codes (code INTEGER PRIMARY KEY, skill_id TEXT UNIQUE NOT NULL);
"""
_SCHEMA = (
    "".join(_TABLE.format(table=table) for table in _TABLES.values())
    + "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    + _FACTS
)
POSTING_COLUMNS = ("posting", "month", "province", "isco_code", "skills", "phrases")


class StoreError(RuntimeError):
    """A store operation could not be completed."""


def _month_of(record: Vacancy | Jobseeker) -> int | None:
    """The Jalali month ordinal of a record's date (posted or registered), if it has one."""
    day = record.posted_at if isinstance(record, Vacancy) else record.registered_at
    if not day:
        return None
    try:
        return parse_month(day)
    except PeriodError:
        logger.warning("%s: date %r is not a Jalali date; left out of trends", record.id, day)
        return None


def _record_json(record: Vacancy | Jobseeker) -> str:
    data = asdict(record)
    if data.get("education") is not None:
        data["education"] = record.education.value if record.education else None
    data["skills"] = list(record.skills)
    return json.dumps(data, ensure_ascii=False)


class SqliteStore:
    """Vacancies and jobseekers with their query and passage vectors."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._backfill_postings()

    def _backfill_postings(self) -> None:
        """Give records stored before the analytics facts existed their postings rows, once:
        every write since keeps them, so later opens skip the scan."""
        done = self._conn.execute("SELECT 1 FROM meta WHERE key = 'postings_backfilled'")
        if done.fetchone():
            return
        for kind, table in _TABLES.items():
            rows = self._conn.execute(
                f"SELECT t.record FROM {table} t LEFT JOIN postings p "
                "ON p.kind = ? AND p.id = t.id WHERE p.id IS NULL",
                (kind,),
            ).fetchall()
            if rows:
                logger.info("adding analytics facts for %d stored %s records", len(rows), kind)
                with self._transaction() as conn:
                    records = [self._decode(kind, row[0]) for row in rows]
                    self._write_postings(conn, kind, records, archived=False)
        self._conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('postings_backfilled', '1')"
        )

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _next_seq(self, conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()
        seq = int(row[0]) + 1 if row else 1
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('seq', ?)", (str(seq),))
        return seq

    def generation(self) -> int:
        """A counter that grows with every write: the index records the one it matches."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()
        return int(row[0]) if row else 0

    def upsert(
        self,
        kind: Kind,
        records: Sequence[Vacancy | Jobseeker],
        query_vectors: np.ndarray,
        passage_vectors: np.ndarray,
        encoder: str,
    ) -> int:
        """Insert or replace records with their vectors, all in one transaction."""
        if not (len(records) == len(query_vectors) == len(passage_vectors)):
            raise ValueError("records and vectors differ in length")
        table = _TABLES[kind]
        with self._transaction() as conn:
            seq = self._next_seq(conn)
            conn.executemany(
                f"INSERT OR REPLACE INTO {table} "
                "(id, record, query_vec, passage_vec, encoder, updated_seq) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        record.id,
                        _record_json(record),
                        np.asarray(q, dtype=np.float32).tobytes(),
                        np.asarray(p, dtype=np.float32).tobytes(),
                        encoder,
                        seq,
                    )
                    for record, q, p in zip(records, query_vectors, passage_vectors, strict=True)
                ],
            )
            self._write_postings(conn, kind, records, archived=False)
        return len(records)

    def archive(self, kind: Kind, records: Sequence[Vacancy | Jobseeker]) -> int:
        """Keep past records (closed vacancies, old registrations) for analytics only: they
        are counted in reports but never matched."""
        with self._transaction() as conn:
            self._next_seq(conn)
            self._write_postings(conn, kind, records, archived=True)
        return len(records)

    def _skill_codes(self, conn: sqlite3.Connection, skill_ids: set[str]) -> dict[str, int]:
        conn.executemany(
            "INSERT OR IGNORE INTO skill_codes (skill_id) VALUES (?)", [(s,) for s in skill_ids]
        )
        codes: dict[str, int] = {}
        ids = sorted(skill_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                f"SELECT skill_id, code FROM skill_codes WHERE skill_id IN ({marks})", chunk
            ).fetchall()
            codes.update(rows)
        return codes

    def _write_postings(
        self,
        conn: sqlite3.Connection,
        kind: Kind,
        records: Sequence[Vacancy | Jobseeker],
        *,
        archived: bool,
    ) -> None:
        codes = self._skill_codes(conn, {s for r in records for s in r.skill_ids})
        conn.executemany(
            "INSERT OR REPLACE INTO postings "
            "(kind, id, title, month, province, isco_code, skills, phrases, archived) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    kind,
                    r.id,
                    r.title,
                    _month_of(r),
                    r.province,
                    r.isco_code,
                    " ".join(str(codes[s]) for s in r.skill_ids),
                    "|".join(r.unmatched_phrases) if isinstance(r, Vacancy) else "",
                    int(archived),
                )
                for r in records
            ],
        )

    def read_postings(self, kind: Kind) -> dict[str, list[object]]:
        """Every live and archived record of ``kind`` as analytics columns (plain lists, one
        per :data:`POSTING_COLUMNS`); ``posting`` is the row's key for :meth:`posting_titles`.
        Ids and titles stay behind: a report needs them only for a few examples."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT rowid, month, province, isco_code, skills, phrases "
                "FROM postings WHERE kind = ?",
                (kind,),
            ).fetchall()
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(POSTING_COLUMNS)
        return {name: list(values) for name, values in zip(POSTING_COLUMNS, columns, strict=True)}

    def posting_titles(self, postings: Sequence[int]) -> dict[int, tuple[str, str]]:
        """``posting`` key → (record id, title), for the examples a report shows."""
        keys = [int(p) for p in postings]
        found: dict[int, tuple[str, str]] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, record_id, title in self._conn.execute(
                    f"SELECT rowid, id, title FROM postings WHERE rowid IN ({marks})", chunk
                ):
                    found[int(key)] = (str(record_id), str(title))
        return found

    def skill_code_map(self) -> dict[int, str]:
        """Integer code → skill id, for the ``skills`` column of :meth:`read_postings`."""
        with self._lock:
            rows = self._conn.execute("SELECT code, skill_id FROM skill_codes").fetchall()
        return {int(code): str(skill_id) for code, skill_id in rows}

    def delete(self, kind: Kind, ids: Sequence[str]) -> int:
        table = _TABLES[kind]
        with self._transaction() as conn:
            self._next_seq(conn)
            cursor = conn.executemany(f"DELETE FROM {table} WHERE id = ?", [(i,) for i in ids])
            removed = cursor.rowcount
            # Erasing a record erases its analytics facts too (archive it to keep history).
            conn.executemany(
                "DELETE FROM postings WHERE kind = ? AND id = ? AND archived = 0",
                [(kind, i) for i in ids],
            )
        return removed

    def get(self, kind: Kind, record_id: str) -> Vacancy | Jobseeker | None:
        table = _TABLES[kind]
        with self._lock:
            row = self._conn.execute(
                f"SELECT record FROM {table} WHERE id = ?", (record_id,)
            ).fetchone()
        if row is None:
            return None
        return self._decode(kind, row[0])

    def get_vector(
        self, kind: Kind, record_id: str, which: Literal["query", "passage"]
    ) -> np.ndarray | None:
        table = _TABLES[kind]
        column = "query_vec" if which == "query" else "passage_vec"
        with self._lock:
            row = self._conn.execute(
                f"SELECT {column} FROM {table} WHERE id = ?", (record_id,)
            ).fetchone()
        return None if row is None else np.frombuffer(row[0], dtype=np.float32).copy()

    def count(self, kind: Kind) -> int:
        with self._lock:
            return int(self._conn.execute(f"SELECT COUNT(*) FROM {_TABLES[kind]}").fetchone()[0])

    def count_archived(self, kind: Kind) -> int:
        with self._lock:
            row = self._conn.execute(
                "SELECT COUNT(*) FROM postings WHERE kind = ? AND archived = 1", (kind,)
            ).fetchone()
        return int(row[0])

    def encoders(self, kind: Kind) -> set[str]:
        """Names of the encoders whose vectors are stored (more than one means stale rows)."""
        with self._lock:
            rows = self._conn.execute(f"SELECT DISTINCT encoder FROM {_TABLES[kind]}").fetchall()
        return {row[0] for row in rows}

    def iter_vectors(
        self, kind: Kind, batch: int = 2000
    ) -> Iterator[tuple[list[Vacancy | Jobseeker], np.ndarray]]:
        """Stream (records, passage vectors) in id order, for rebuilding the index."""
        table = _TABLES[kind]
        last = ""
        while True:
            with self._lock:
                rows = self._conn.execute(
                    f"SELECT id, record, passage_vec FROM {table} WHERE id > ? ORDER BY id LIMIT ?",
                    (last, batch),
                ).fetchall()
            if not rows:
                return
            records = [self._decode(kind, row[1]) for row in rows]
            vectors = np.stack([np.frombuffer(row[2], dtype=np.float32) for row in rows])
            last = rows[-1][0]
            yield records, vectors

    @staticmethod
    def _decode(kind: Kind, payload: str) -> Vacancy | Jobseeker:
        data = json.loads(payload)
        return Vacancy.from_dict(data) if kind == "vacancy" else Jobseeker.from_dict(data)
