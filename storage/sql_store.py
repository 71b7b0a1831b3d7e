"""SQL store for vacancies and jobseekers with their vectors, and for placement outcomes.

On SQLAlchemy 2 Core: a SQLite file by default (WAL, so the API reads while a bulk load
writes), PostgreSQL by URL. Opening a store brings its database to the newest schema
(see :mod:`storage.migrate`).

Each write is one transaction: a record and its vectors land together or not at all. Bulk
writes go to the database as one executemany of ``INSERT ... ON CONFLICT DO UPDATE``.
Errors from the database surface as :class:`StoreError`; bad arguments as ``ValueError``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
from sqlalchemy import BigInteger, Row, Table, Text, cast, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from analytics.periods import PeriodError, parse_month
from karyab.records import Jobseeker, Vacancy
from storage.errors import StoreError
from storage.folding import fold_title
from storage.migrate import check_at_head, upgrade_engine
from storage.occupation_decisions import OccupationDecisionsMixin
from storage.schema import (
    APPLICATION_STATUSES,
    ORGANISATION_KINDS,
    POSTING_COLUMNS,
    RECORD_TABLES,
    ROLES,
    ApplicationStatus,
    Kind,
    OrganisationKind,
    Role,
    api_keys,
    application_events,
    applications,
    audit_log,
    decode_record,
    encode_record,
    for_writes,
    make_engine,
    meta,
    organisations,
    skill_codes,
)
from storage.schema import postings as postings_table
from storage.schema import recommendation_snapshots as snapshots_table
from storage.snapshots import SnapshotStoreMixin

__all__ = [
    "POSTING_COLUMNS",
    "ApiKey",
    "Application",
    "ApplicationEvent",
    "ApplicationStatus",
    "AuditEntry",
    "Kind",
    "Organisation",
    "OrganisationKind",
    "Role",
    "SqlStore",
    "StoreError",
    "sqlite_url",
]

logger = logging.getLogger(__name__)

# A vacancy list with at most this many matches sorts them; with more, it walks the newest.
_SORTED_PAGE_LIMIT = 2000
# Ids per IN (...) query: far below SQLite's 32,766 and PostgreSQL's 65,535 parameters.
_IN_CHUNK = 1000
_REDACTED = "[redacted]"
# Keys whose values the audit log never keeps, whatever they hold.
_PERSONAL_KEYS = frozenset(
    {"phone", "mobile", "tel", "telephone", "phone_number", "national_id", "national_code"}
    | {"melli_code", "code_melli", "تلفن", "موبایل", "شماره_تلفن", "کد_ملی", "کدملی"}
)
# A run of ten or more digits, maybe with a leading + and single spaces or hyphens inside:
# covers mobile (09121234567, +98 912 123 4567) and landline numbers and national IDs.
# (\d also matches Persian and Arabic-Indic digits.)
_PERSONAL_NUMBER = re.compile(r"\+?\d(?:[ -]?\d){9,}")
_KINDS: tuple[Kind, ...] = ("vacancy", "jobseeker")


@dataclass(frozen=True)
class Organisation:
    id: int
    kind: OrganisationKind
    name: str
    province: str | None
    source_system: str | None
    source_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class Application:
    """A jobseeker's standing for one vacancy (one row per pair)."""

    id: int
    jobseeker_id: str
    vacancy_id: str
    organisation_id: int | None
    status: ApplicationStatus
    updated_at: datetime


@dataclass(frozen=True)
class ApplicationEvent:
    """One change of an application's status: the outcome history a ranker learns from."""

    id: int
    application_id: int
    jobseeker_id: str
    vacancy_id: str
    status: ApplicationStatus
    previous_status: ApplicationStatus | None
    at: datetime
    actor: str


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    kind: str | None
    record_id: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class WriteAudit:
    """Who makes a write, logged in the write's own transaction: a record is never stored
    without its audit entry, nor an entry left for a write that failed. The entry names
    the first ``named_ids`` ids and the write's size."""

    actor: str
    action: str
    named_ids: int = 50


def sqlite_url(path: Path | str) -> str:
    """The store URL of a SQLite file."""
    return f"sqlite:///{Path(path)}"


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


def _vector_bytes(vector: object) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def _chunks(values: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _now(at: datetime | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    if at.tzinfo is None:
        raise ValueError(f"naive datetime {at!r}: give the zone (UTC)")
    return at


def _has_personal_number(text: str) -> bool:
    return _PERSONAL_NUMBER.search(text) is not None


def _redact(value: Any) -> Any:
    """``value`` with phone numbers and national IDs masked, at any depth."""
    if isinstance(value, str):
        return _PERSONAL_NUMBER.sub(_REDACTED, value)
    if isinstance(value, Mapping):
        return {
            str(k): _REDACTED if str(k).strip().lower() in _PERSONAL_KEYS else _redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**9:
        return _REDACTED  # a number stored as an int is still that number
    return value


class SqlStore(SnapshotStoreMixin, OccupationDecisionsMixin):
    """Vacancies and jobseekers with their query and passage vectors; organisations,
    applications and their outcome history; an audit log.

    ``url``: ``sqlite:///path/to/file.sqlite3`` (see :func:`sqlite_url`) or
    ``postgresql+psycopg://user:password@host/db``. ``migrate=False`` skips bringing the
    database to the newest schema on open (for deployments that migrate separately).
    """

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self._engine: Engine = make_engine(url)
        self._writer = for_writes(self._engine)
        self._dialect = self._engine.dialect.name
        try:
            if migrate:
                upgrade_engine(self._engine)
            else:
                with self._engine.connect() as conn:
                    check_at_head(conn)
            self._backfill_postings()
        except SQLAlchemyError as error:
            self._engine.dispose()
            raise StoreError(f"cannot open the store: {error}") from error
        except BaseException:
            self._engine.dispose()
            raise

    def close(self) -> None:
        self._engine.dispose()

    # -- plumbing ---------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        try:
            with self._writer.begin() as conn:
                yield conn
        except SQLAlchemyError as error:
            raise StoreError(f"store write failed: {error}") from error

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as conn:
                yield conn
        except SQLAlchemyError as error:
            raise StoreError(f"store read failed: {error}") from error

    def _insert(self, table: Table) -> Any:
        """A dialect INSERT that knows ``ON CONFLICT`` (SQLite and PostgreSQL spell it alike)."""
        if self._dialect == "postgresql":
            return postgresql.insert(table)
        if self._dialect == "sqlite":
            return sqlite.insert(table)
        raise StoreError(f"unsupported database {self._dialect!r}: use SQLite or PostgreSQL")

    def _next_seq(self, conn: Connection) -> int:
        # One atomic statement: concurrent writers on PostgreSQL each get their own number.
        stmt = self._insert(meta).values(key="seq", value="1")
        stmt = stmt.on_conflict_do_update(
            index_elements=[meta.c.key],
            set_={"value": cast(cast(meta.c.value, BigInteger) + 1, Text)},
        ).returning(meta.c.value)
        return int(conn.execute(stmt).scalar_one())

    def _backfill_postings(self) -> None:
        """Give records stored before the analytics facts existed their postings rows, once:
        every write since keeps them, so later opens skip the scan."""
        with self._read() as conn:
            done = conn.execute(
                select(meta.c.value).where(meta.c.key == "postings_backfilled")
            ).first()
        if done is not None:
            return
        with self._write() as conn:
            for kind in _KINDS:
                table = RECORD_TABLES[kind]
                missing = (
                    select(table.c.record)
                    .outerjoin(
                        postings_table,
                        (postings_table.c.kind == kind) & (postings_table.c.id == table.c.id),
                    )
                    .where(postings_table.c.id.is_(None))
                )
                records = [decode_record(kind, row[0]) for row in conn.execute(missing)]
                if records:
                    logger.info(
                        "adding analytics facts for %d stored %s records", len(records), kind
                    )
                    self._write_postings(conn, kind, records, archived=False)
            stmt = self._insert(meta).values(key="postings_backfilled", value="1")
            conn.execute(stmt.on_conflict_do_nothing(index_elements=[meta.c.key]))

    # -- records ----------------------------------------------------------------------

    def generation(self) -> int:
        """A counter that grows with every write: the index records the one it matches."""
        with self._read() as conn:
            value = conn.execute(select(meta.c.value).where(meta.c.key == "seq")).scalar()
        return int(value) if value is not None else 0

    def upsert(
        self,
        kind: Kind,
        records: Sequence[Vacancy | Jobseeker],
        query_vectors: np.ndarray,
        passage_vectors: np.ndarray,
        encoder: str,
        *,
        audit: WriteAudit | None = None,
    ) -> int:
        """Insert or replace records with their vectors, all in one transaction (with
        ``audit``'s entry, if given). A replaced record keeps its source id (see
        :meth:`upsert_sourced`)."""
        if not (len(records) == len(query_vectors) == len(passage_vectors)):
            raise ValueError("records and vectors differ in length")
        rows = self._record_rows(records, query_vectors, passage_vectors, encoder, None)
        with self._write() as conn:
            self._write_records(conn, kind, rows, with_source=False)
            self._write_postings(conn, kind, records, archived=False)
            if audit is not None:
                self._audit_write(conn, audit, kind, [r.id for r in records])
        return len(records)

    def upsert_sourced(
        self,
        kind: Kind,
        source_system: str,
        source_ids: Sequence[str],
        records: Sequence[Vacancy | Jobseeker],
        query_vectors: np.ndarray,
        passage_vectors: np.ndarray,
        encoder: str,
        *,
        audit: WriteAudit | None = None,
    ) -> list[str]:
        """Insert or replace records that another agency knows by ``source_ids``: loading
        the same agency record again updates the row it created, whatever id the caller
        gave it this time. Returns the stored id of each record (the earlier one where the
        source id was already stored)."""
        if not source_system:
            raise ValueError("source_system is empty")
        if not (len(records) == len(source_ids) == len(query_vectors) == len(passage_vectors)):
            raise ValueError("records, source ids and vectors differ in length")
        if not all(source_ids):
            raise ValueError("a source id is empty")
        table = RECORD_TABLES[kind]
        with self._write() as conn:
            known: dict[str, str] = {}
            for chunk in _chunks(sorted(set(source_ids))):
                query = select(table.c.source_id, table.c.id).where(
                    table.c.source_system == source_system, table.c.source_id.in_(chunk)
                )
                known.update((str(s), str(i)) for s, i in conn.execute(query))
            stored: list[Vacancy | Jobseeker] = []
            for record, source_id in zip(records, source_ids, strict=True):
                # The first record with a new source id names it for the rest of the batch.
                record_id = known.setdefault(source_id, record.id)
                stored.append(record if record.id == record_id else replace(record, id=record_id))
            sources = [(source_system, s) for s in source_ids]
            rows = self._record_rows(stored, query_vectors, passage_vectors, encoder, sources)
            self._write_records(conn, kind, rows, with_source=True)
            self._write_postings(conn, kind, stored, archived=False)
            if audit is not None:
                self._audit_write(conn, audit, kind, [record.id for record in stored])
        return [record.id for record in stored]

    @staticmethod
    def _record_rows(
        records: Sequence[Vacancy | Jobseeker],
        query_vectors: np.ndarray,
        passage_vectors: np.ndarray,
        encoder: str,
        sources: Sequence[tuple[str, str]] | None,
    ) -> list[dict[str, Any]]:
        rows = [
            {
                "id": record.id,
                "record": encode_record(record),
                "query_vec": _vector_bytes(q),
                "passage_vec": _vector_bytes(p),
                "encoder": encoder,
            }
            for record, q, p in zip(records, query_vectors, passage_vectors, strict=True)
        ]
        if sources is not None:
            for row, (system, source_id) in zip(rows, sources, strict=True):
                row["source_system"], row["source_id"] = system, source_id
        # The last of repeated ids wins, as in one INSERT OR REPLACE after another
        # (PostgreSQL refuses to update one row twice in a statement).
        return list({row["id"]: row for row in rows}.values())

    def _write_records(
        self, conn: Connection, kind: Kind, rows: list[dict[str, Any]], *, with_source: bool
    ) -> None:
        seq = self._next_seq(conn)
        if not rows:
            return
        for row in rows:
            row["updated_seq"] = seq
        table = RECORD_TABLES[kind]
        stmt = self._insert(table)
        columns = ["record", "query_vec", "passage_vec", "encoder", "updated_seq"]
        if with_source:
            columns += ["source_system", "source_id"]
        else:  # every row must bind the same keys
            for row in rows:
                row.pop("source_system", None)
                row.pop("source_id", None)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.id], set_={c: stmt.excluded[c] for c in columns}
        )
        conn.execute(stmt, rows)

    def archive(self, kind: Kind, records: Sequence[Vacancy | Jobseeker]) -> int:
        """Keep past records (closed vacancies, old registrations) for analytics only: they
        are counted in reports but never matched."""
        with self._write() as conn:
            self._next_seq(conn)
            self._write_postings(conn, kind, records, archived=True)
        return len(records)

    def _skill_codes(self, conn: Connection, skill_ids: set[str]) -> dict[str, int]:
        def lookup(ids: Sequence[str]) -> dict[str, int]:
            found: dict[str, int] = {}
            for chunk in _chunks(ids):
                query = select(skill_codes.c.skill_id, skill_codes.c.code).where(
                    skill_codes.c.skill_id.in_(chunk)
                )
                found.update((str(s), int(c)) for s, c in conn.execute(query))
            return found

        codes = lookup(sorted(skill_ids))
        missing = sorted(skill_ids - codes.keys())
        if missing:
            # Insert only the new ones: on PostgreSQL every attempted insert spends a
            # sequence number, and codes are written out in every postings row.
            stmt = self._insert(skill_codes).on_conflict_do_nothing(
                index_elements=[skill_codes.c.skill_id]
            )
            conn.execute(stmt, [{"skill_id": s} for s in missing])
            codes.update(lookup(missing))
        return codes

    def _write_postings(
        self,
        conn: Connection,
        kind: Kind,
        records: Sequence[Vacancy | Jobseeker],
        *,
        archived: bool,
    ) -> None:
        if not records:
            return
        codes = self._skill_codes(conn, {s for r in records for s in r.skill_ids})
        rows = {
            r.id: {
                "kind": kind,
                "id": r.id,
                "title": r.title,
                "title_folded": fold_title(r.title),
                "title_key": None,  # computed again by the coding review when needed
                "month": _month_of(r),
                "province": r.province,
                "isco_code": r.isco_code,
                "skills": " ".join(str(codes[s]) for s in r.skill_ids),
                "phrases": "|".join(r.unmatched_phrases) if isinstance(r, Vacancy) else "",
                "archived": archived,
            }
            for r in records
        }
        stmt = self._insert(postings_table)
        columns = [
            "title",
            "title_folded",
            "title_key",
            "month",
            "province",
            "isco_code",
            "skills",
            "phrases",
            "archived",
        ]
        stmt = stmt.on_conflict_do_update(
            index_elements=[postings_table.c.kind, postings_table.c.id],
            set_={c: stmt.excluded[c] for c in columns},
        )
        conn.execute(stmt, list(rows.values()))

    def read_postings(self, kind: Kind) -> dict[str, list[object]]:
        """Every live and archived record of ``kind`` as analytics columns (plain lists, one
        per :data:`POSTING_COLUMNS`); ``posting`` is the row's key for :meth:`posting_titles`.
        Ids and titles stay behind: a report needs them only for a few examples."""
        query = (
            select(
                postings_table.c.posting,
                postings_table.c.month,
                postings_table.c.province,
                postings_table.c.isco_code,
                postings_table.c.skills,
                postings_table.c.phrases,
            )
            .where(postings_table.c.kind == kind)
            .order_by(postings_table.c.posting)
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(POSTING_COLUMNS)
        return {name: list(values) for name, values in zip(POSTING_COLUMNS, columns, strict=True)}

    def posting_titles(self, postings: Sequence[int]) -> dict[int, tuple[str, str]]:
        """``posting`` key → (record id, title), for the examples a report shows."""
        keys = [int(p) for p in postings]
        found: dict[int, tuple[str, str]] = {}
        with self._read() as conn:
            for chunk in _chunks(keys):
                query = select(
                    postings_table.c.posting, postings_table.c.id, postings_table.c.title
                ).where(postings_table.c.posting.in_(chunk))
                for key, record_id, title in conn.execute(query):
                    found[int(key)] = (str(record_id), str(title))
        return found

    def skill_code_map(self) -> dict[int, str]:
        """Integer code → skill id, for the ``skills`` column of :meth:`read_postings`."""
        with self._read() as conn:
            rows = conn.execute(select(skill_codes.c.code, skill_codes.c.skill_id)).all()
        return {int(code): str(skill_id) for code, skill_id in rows}

    def delete(self, kind: Kind, ids: Sequence[str], *, audit: WriteAudit | None = None) -> int:
        """Erase records; ``audit``'s entry is written in the same transaction when any
        record was there to erase."""
        table = RECORD_TABLES[kind]
        unique = sorted(set(ids))
        removed = 0
        with self._write() as conn:
            self._next_seq(conn)
            for chunk in _chunks(unique):
                removed += conn.execute(table.delete().where(table.c.id.in_(chunk))).rowcount
                # Erasing a record erases its analytics facts too (archive it to keep history).
                conn.execute(
                    postings_table.delete().where(
                        postings_table.c.kind == kind,
                        postings_table.c.id.in_(chunk),
                        postings_table.c.archived.is_(False),
                    )
                )
                if kind == "jobseeker":
                    conn.execute(
                        snapshots_table.delete().where(snapshots_table.c.jobseeker_id.in_(chunk))
                    )
            if audit is not None and removed:
                self._audit_write(conn, audit, kind, list(ids))
        return removed

    def get(self, kind: Kind, record_id: str) -> Vacancy | Jobseeker | None:
        table = RECORD_TABLES[kind]
        with self._read() as conn:
            payload = conn.execute(select(table.c.record).where(table.c.id == record_id)).scalar()
        return None if payload is None else decode_record(kind, payload)

    def get_many(self, kind: Kind, ids: Iterable[str]) -> dict[str, Vacancy | Jobseeker]:
        """The stored records among ``ids``, by id (one query per thousand ids)."""
        table = RECORD_TABLES[kind]
        wanted = sorted(set(ids))
        found: dict[str, Vacancy | Jobseeker] = {}
        with self._read() as conn:
            for chunk in _chunks(wanted):
                query = select(table.c.id, table.c.record).where(table.c.id.in_(chunk))
                found.update(
                    (str(i), decode_record(kind, payload)) for i, payload in conn.execute(query)
                )
        return found

    def source_ids(self, kind: Kind, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Stored id → (source system, source id), for the records among ``ids`` that have
        one."""
        table = RECORD_TABLES[kind]
        found: dict[str, tuple[str, str]] = {}
        with self._read() as conn:
            for chunk in _chunks(sorted(set(ids))):
                query = select(table.c.id, table.c.source_system, table.c.source_id).where(
                    table.c.id.in_(chunk), table.c.source_system.is_not(None)
                )
                found.update((str(i), (str(s), str(t))) for i, s, t in conn.execute(query))
        return found

    def get_vector(
        self, kind: Kind, record_id: str, which: Literal["query", "passage"]
    ) -> np.ndarray | None:
        table = RECORD_TABLES[kind]
        column = table.c.query_vec if which == "query" else table.c.passage_vec
        with self._read() as conn:
            payload = conn.execute(select(column).where(table.c.id == record_id)).scalar()
        return None if payload is None else np.frombuffer(payload, dtype=np.float32).copy()

    def get_vectors(
        self, kind: Kind, ids: Iterable[str], which: Literal["query", "passage"]
    ) -> dict[str, np.ndarray]:
        """The stored vectors of the records among ``ids``, by id (one query per thousand)."""
        table = RECORD_TABLES[kind]
        column = table.c.query_vec if which == "query" else table.c.passage_vec
        found: dict[str, np.ndarray] = {}
        with self._read() as conn:
            for chunk in _chunks(sorted(set(ids))):
                query = select(table.c.id, column).where(table.c.id.in_(chunk))
                for record_id, payload in conn.execute(query):
                    found[str(record_id)] = np.frombuffer(payload, dtype=np.float32).copy()
        return found

    def count(self, kind: Kind) -> int:
        table = RECORD_TABLES[kind]
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    def count_archived(self, kind: Kind) -> int:
        query = (
            select(func.count())
            .select_from(postings_table)
            .where(postings_table.c.kind == kind, postings_table.c.archived.is_(True))
        )
        with self._read() as conn:
            return int(conn.execute(query).scalar_one())

    def encoders(self, kind: Kind) -> set[str]:
        """Names of the encoders whose vectors are stored (more than one means stale rows)."""
        table = RECORD_TABLES[kind]
        with self._read() as conn:
            return {str(e) for e in conn.execute(select(table.c.encoder).distinct()).scalars()}

    def iter_vectors(
        self, kind: Kind, batch: int = 2000
    ) -> Iterator[tuple[list[Vacancy | Jobseeker], np.ndarray]]:
        """Stream (records, passage vectors) in id order, for rebuilding the index."""
        table = RECORD_TABLES[kind]
        last = ""
        while True:
            query = (
                select(table.c.id, table.c.record, table.c.passage_vec)
                .where(table.c.id > last)
                .order_by(table.c.id)
                .limit(batch)
            )
            # A connection per batch: a slow consumer does not hold a read open.
            with self._read() as conn:
                rows = conn.execute(query).all()
            if not rows:
                return
            records = [decode_record(kind, row.record) for row in rows]
            vectors = np.stack([np.frombuffer(row.passage_vec, dtype=np.float32) for row in rows])
            last = rows[-1].id
            yield records, vectors

    # -- organisations ----------------------------------------------------------------

    def upsert_organisation(
        self,
        kind: OrganisationKind,
        name: str,
        *,
        province: str | None = None,
        source_system: str | None = None,
        source_id: str | None = None,
    ) -> Organisation:
        """Add an employment office or employer. With a (source system, source id), loading
        it again updates the one row (its kind, name and province) instead of adding one."""
        if kind not in ORGANISATION_KINDS:
            raise ValueError(f"organisation kind {kind!r} is not one of {ORGANISATION_KINDS}")
        if not name:
            raise ValueError("organisation name is empty")
        if (source_system is None) != (source_id is None):
            raise ValueError("give both source_system and source_id, or neither")
        values = {
            "kind": kind,
            "name": name,
            "province": province,
            "source_system": source_system,
            "source_id": source_id,
            "created_at": datetime.now(UTC),
        }
        stmt = self._insert(organisations).values(**values)
        if source_system is not None:
            stmt = stmt.on_conflict_do_update(
                index_elements=[organisations.c.source_system, organisations.c.source_id],
                set_={c: stmt.excluded[c] for c in ("kind", "name", "province")},
            )
        with self._write() as conn:
            row = conn.execute(stmt.returning(*organisations.c)).one()
        return _organisation(row)

    def get_organisation(self, organisation_id: int) -> Organisation | None:
        query = select(organisations).where(organisations.c.id == organisation_id)
        with self._read() as conn:
            row = conn.execute(query).first()
        return None if row is None else _organisation(row)

    def find_organisation(self, source_system: str, source_id: str) -> Organisation | None:
        query = select(organisations).where(
            organisations.c.source_system == source_system,
            organisations.c.source_id == source_id,
        )
        with self._read() as conn:
            row = conn.execute(query).first()
        return None if row is None else _organisation(row)

    # -- applications -----------------------------------------------------------------

    def record_outcome(
        self,
        jobseeker_id: str,
        vacancy_id: str,
        status: ApplicationStatus,
        *,
        actor: str,
        organisation_id: int | None = None,
        at: datetime | None = None,
    ) -> Application:
        """Set where a jobseeker stands for a vacancy, in one transaction: the application
        is created or updated, the change appended to its events and written to the audit
        log. Recording the status it already has changes nothing (retries are safe).
        ``organisation_id`` None keeps the organisation already recorded."""
        if status not in APPLICATION_STATUSES:
            raise ValueError(f"status {status!r} is not one of {APPLICATION_STATUSES}")
        if not jobseeker_id or not vacancy_id:
            raise ValueError("jobseeker_id and vacancy_id must not be empty")
        _check_not_personal(actor=actor)
        when = _now(at)
        pair = (applications.c.jobseeker_id == jobseeker_id) & (
            applications.c.vacancy_id == vacancy_id
        )
        with self._write() as conn:
            # Insert-or-nothing first, then lock the row: two workers recording the same
            # pair at once both end up updating one application, one after the other.
            created = conn.execute(
                self._insert(applications)
                .values(
                    jobseeker_id=jobseeker_id,
                    vacancy_id=vacancy_id,
                    organisation_id=organisation_id,
                    status=status,
                    updated_at=when,
                )
                .on_conflict_do_nothing(
                    index_elements=[applications.c.jobseeker_id, applications.c.vacancy_id]
                )
                .returning(applications.c.id)
            ).scalar()
            row = conn.execute(select(applications).where(pair).with_for_update()).one()
            previous: str | None = None
            if created is None:
                unchanged = row.status == status and organisation_id in (
                    None,
                    row.organisation_id,
                )
                if unchanged:
                    return _application(row)
                previous = row.status
                conn.execute(
                    update(applications)
                    .where(applications.c.id == row.id)
                    .values(
                        status=status,
                        updated_at=when,
                        organisation_id=(
                            row.organisation_id if organisation_id is None else organisation_id
                        ),
                    )
                )
                row = conn.execute(select(applications).where(applications.c.id == row.id)).one()
            if previous != status:
                conn.execute(
                    application_events.insert().values(
                        application_id=row.id,
                        status=status,
                        previous_status=previous,
                        at=when,
                        actor=actor,
                    )
                )
            detail = {
                "jobseeker_id": jobseeker_id,
                "vacancy_id": vacancy_id,
                "status": status,
                "previous_status": previous,
                "organisation_id": row.organisation_id,
            }
            self._audit(conn, actor, "record_outcome", "application", str(row.id), detail, when)
        return _application(row)

    def get_application(self, jobseeker_id: str, vacancy_id: str) -> Application | None:
        query = select(applications).where(
            applications.c.jobseeker_id == jobseeker_id, applications.c.vacancy_id == vacancy_id
        )
        with self._read() as conn:
            row = conn.execute(query).first()
        return None if row is None else _application(row)

    def applications(
        self,
        *,
        jobseeker_id: str | None = None,
        vacancy_id: str | None = None,
        status: ApplicationStatus | None = None,
    ) -> list[Application]:
        query = select(applications).order_by(applications.c.id)
        if jobseeker_id is not None:
            query = query.where(applications.c.jobseeker_id == jobseeker_id)
        if vacancy_id is not None:
            query = query.where(applications.c.vacancy_id == vacancy_id)
        if status is not None:
            query = query.where(applications.c.status == status)
        with self._read() as conn:
            return [_application(row) for row in conn.execute(query)]

    def application_events(
        self,
        *,
        jobseeker_id: str | None = None,
        vacancy_id: str | None = None,
        since: datetime | None = None,
    ) -> list[ApplicationEvent]:
        """Status changes, oldest first; ``since`` (inclusive) for the ones a ranker has
        not seen yet."""
        query = (
            select(
                application_events,
                applications.c.jobseeker_id,
                applications.c.vacancy_id,
            )
            .join(applications, applications.c.id == application_events.c.application_id)
            .order_by(application_events.c.at, application_events.c.id)
        )
        if jobseeker_id is not None:
            query = query.where(applications.c.jobseeker_id == jobseeker_id)
        if vacancy_id is not None:
            query = query.where(applications.c.vacancy_id == vacancy_id)
        if since is not None:
            query = query.where(application_events.c.at >= _now(since))
        with self._read() as conn:
            return [
                ApplicationEvent(
                    id=int(row.id),
                    application_id=int(row.application_id),
                    jobseeker_id=row.jobseeker_id,
                    vacancy_id=row.vacancy_id,
                    status=row.status,
                    previous_status=row.previous_status,
                    at=row.at,
                    actor=row.actor,
                )
                for row in conn.execute(query)
            ]

    # -- audit log --------------------------------------------------------------------

    def audit(
        self,
        actor: str,
        action: str,
        kind: str | None,
        record_id: str | None,
        detail: Mapping[str, Any] | None = None,
        *,
        at: datetime | None = None,
    ) -> int:
        """Log that ``actor`` did ``action`` to a record; returns the entry's id.

        Phone numbers and national IDs never reach the log: values under keys such as
        ``phone`` or ``national_id``, and any run of ten or more digits in ``detail``, are
        replaced by "[redacted]", and so is a ``record_id`` holding one (agencies number
        records as they like: the write it logs must not fail for it). An ``actor`` holding
        one is refused (ValueError): actors are key names the service chose.
        """
        with self._write() as conn:
            return self._audit(conn, actor, action, kind, record_id, detail or {}, _now(at))

    def _audit_write(
        self, conn: Connection, audit: WriteAudit, kind: str, ids: Sequence[str]
    ) -> None:
        # One entry a write: a bulk load of 10,000 records names its first ids and its size.
        self._audit(
            conn,
            audit.actor,
            audit.action,
            kind,
            ids[0] if len(ids) == 1 else None,
            {"count": len(ids), "ids": list(ids[: audit.named_ids])},
            _now(None),
        )

    def _audit(
        self,
        conn: Connection,
        actor: str,
        action: str,
        kind: str | None,
        record_id: str | None,
        detail: Mapping[str, Any],
        at: datetime,
    ) -> int:
        if not actor or not action:
            raise ValueError("actor and action must not be empty")
        _check_not_personal(actor=actor, action=action, kind=kind)
        if record_id is not None:
            record_id = _redact(record_id)
        values = {
            "at": at,
            "actor": actor,
            "action": action,
            "kind": kind,
            "record_id": record_id,
            "detail": _redact(dict(detail)),
        }
        stmt = audit_log.insert().values(**values).returning(audit_log.c.id)
        return int(conn.execute(stmt).scalar_one())

    def read_audit(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        kind: str | None = None,
        record_id: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Audit entries, newest first."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        query = select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
        for column, value in (
            (audit_log.c.actor, actor),
            (audit_log.c.action, action),
            (audit_log.c.kind, kind),
            (audit_log.c.record_id, record_id),
        ):
            if value is not None:
                query = query.where(column == value)
        if since is not None:
            query = query.where(audit_log.c.at >= _now(since))
        with self._read() as conn:
            return [
                AuditEntry(
                    id=int(row.id),
                    at=row.at,
                    actor=row.actor,
                    action=row.action,
                    kind=row.kind,
                    record_id=row.record_id,
                    detail=dict(row.detail),
                )
                for row in conn.execute(query.limit(limit))
            ]

    # -- API keys ---------------------------------------------------------------------

    def create_api_key(
        self,
        name: str,
        role: Role,
        *,
        province: str | None = None,
        jobseeker_id: str | None = None,
        actor: str = "system",
    ) -> tuple[ApiKey, str]:
        """A new key and its secret, which is returned once and never stored (only its
        SHA-256). An office key needs its province; a jobseeker key its profile's id."""
        if role not in ROLES:
            raise ValueError(f"role {role!r} is not one of {ROLES}")
        if not name.strip():
            raise ValueError("a key needs a name")
        if (role == "office") != (province is not None):
            raise ValueError("an office key, and only an office key, has a province")
        if (role == "jobseeker") != (jobseeker_id is not None):
            raise ValueError("a jobseeker key, and only a jobseeker key, has a jobseeker_id")
        secret = "ky_" + secrets.token_urlsafe(32)
        values = {
            "name": name,
            "role": role,
            "province": province,
            "jobseeker_id": jobseeker_id,
            "key_hash": _key_hash(secret),
            "created_at": datetime.now(UTC),
        }
        with self._write() as conn:
            row = conn.execute(api_keys.insert().values(**values).returning(*api_keys.c)).one()
            key = _api_key(row)
            detail = {"name": name, "role": role, "province": province}
            self._audit(conn, actor, "create_key", "api_key", str(key.id), detail, _now(None))
        return key, secret

    def api_key(self, secret: str) -> ApiKey | None:
        """The live key with this secret, if any."""
        query = select(api_keys).where(
            api_keys.c.key_hash == _key_hash(secret), api_keys.c.revoked_at.is_(None)
        )
        with self._read() as conn:
            row = conn.execute(query).first()
        return None if row is None else _api_key(row)

    def revoke_api_key(self, key_id: int, *, actor: str = "system") -> bool:
        with self._write() as conn:
            done = conn.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            ).rowcount
            if done:
                self._audit(conn, actor, "revoke_key", "api_key", str(key_id), {}, _now(None))
        return bool(done)

    def count_api_keys(self) -> int:
        """Live keys."""
        query = select(func.count()).select_from(api_keys).where(api_keys.c.revoked_at.is_(None))
        with self._read() as conn:
            return int(conn.execute(query).scalar_one())

    # -- listing ----------------------------------------------------------------------

    def list_vacancies(
        self,
        *,
        province: str | None = None,
        title_contains: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> tuple[list[Vacancy], int]:
        """A page of live vacancies, the most recently written first, and how many match in
        all (for a picker: an office choosing the vacancy to shortlist for).

        ``province`` is compared with the stored spelling exactly; ``title_contains`` is a
        substring of the title, Latin letters in any case, Arabic ي/ك as Persian ی/ک, ZWNJ as
        a space and kashida ignored on both sides, ``%`` and ``_`` taken literally.
        Filters read the small ``postings`` columns, so records are parsed for the page only.
        """
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        table = RECORD_TABLES["vacancy"]
        facts = postings_table
        joined = table.join(facts, (facts.c.kind == "vacancy") & (facts.c.id == table.c.id))
        where = []
        if province is not None:
            where.append(facts.c.province == province)
        if title_contains:
            # Folded when written: a scan of one column, no per-row replace() chain (that
            # took 0.32 s on 100,000 vacancies against 0.10 s).
            where.append(facts.c.title_folded.contains(fold_title(title_contains), autoescape=True))
        total = select(func.count()).select_from(joined).where(*where)
        newest_first = (table.c.updated_seq.desc(), table.c.id)
        with self._read() as conn:
            count = int(conn.execute(total).scalar_one())
            if count == 0 or offset >= count:
                return [], count
            if count <= _SORTED_PAGE_LIMIT:
                # Few matches: sort them (walking the newest for them would read most rows).
                page = select(table.c.record).select_from(joined).where(*where)
            else:
                # Many: walk the newest vacancies, checking each one's posting, and stop at
                # the page's end. Joined, SQLite sorted all of them first (0.31 s against
                # 0.03 s for the first page of 100,000 unfiltered).
                posted = select(facts.c.id).where(
                    facts.c.kind == "vacancy", facts.c.id == table.c.id, *where
                )
                page = select(table.c.record).where(posted.exists())
            page = page.order_by(*newest_first).limit(limit).offset(offset)
            payloads = conn.execute(page).scalars().all()
        records = [decode_record("vacancy", payload) for payload in payloads]
        return [record for record in records if isinstance(record, Vacancy)], count


@dataclass(frozen=True)
class ApiKey:
    """Who a request is: a named key with a role, bound to a province (office) or to one
    jobseeker's profile (jobseeker)."""

    id: int
    name: str
    role: Role
    province: str | None
    jobseeker_id: str | None
    created_at: datetime


def _key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _api_key(row: Row[Any]) -> ApiKey:
    return ApiKey(
        id=int(row.id),
        name=row.name,
        role=row.role,
        province=row.province,
        jobseeker_id=row.jobseeker_id,
        created_at=row.created_at,
    )


def _check_not_personal(**fields: str | None) -> None:
    for name, value in fields.items():
        if value is not None and _has_personal_number(value):
            raise ValueError(f"{name} looks like a phone number or national ID; not logged")


def _organisation(row: Row[Any]) -> Organisation:
    return Organisation(
        id=int(row.id),
        kind=row.kind,
        name=row.name,
        province=row.province,
        source_system=row.source_system,
        source_id=row.source_id,
        created_at=row.created_at,
    )


def _application(row: Row[Any]) -> Application:
    return Application(
        id=int(row.id),
        jobseeker_id=row.jobseeker_id,
        vacancy_id=row.vacancy_id,
        organisation_id=None if row.organisation_id is None else int(row.organisation_id),
        status=row.status,
        updated_at=row.updated_at,
    )
