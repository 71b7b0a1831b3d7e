"""SQLite store for vacancies and jobseekers, with their embedding vectors.

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
_SCHEMA = "".join(_TABLE.format(table=table) for table in _TABLES.values()) + (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
)


class StoreError(RuntimeError):
    """A store operation could not be completed."""


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
        return len(records)

    def delete(self, kind: Kind, ids: Sequence[str]) -> int:
        table = _TABLES[kind]
        with self._transaction() as conn:
            self._next_seq(conn)
            cursor = conn.executemany(f"DELETE FROM {table} WHERE id = ?", [(i,) for i in ids])
        return cursor.rowcount

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
