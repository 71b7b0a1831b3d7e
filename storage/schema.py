"""The store's tables (SQLAlchemy 2 Core) and the engine that holds them.

``metadata`` is what the code reads and writes; ``storage/migrations`` is how a database gets
there. A test compares the two, so a table changed here without a revision fails.

Records (vacancies, jobseekers) keep the columns ``SqliteStore`` wrote, so its files can be
adopted. New tables hold what a placement produces: organisations, applications with the
history of their status (what a ranker learns from) and an audit log.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_args

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    Engine,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool
from sqlalchemy.types import TypeDecorator

from karyab.records import Jobseeker, Vacancy

Kind = Literal["vacancy", "jobseeker"]
# The analytics columns ``SqlStore.read_postings`` returns, in order.
POSTING_COLUMNS = ("posting", "month", "province", "isco_code", "skills", "phrases")
OrganisationKind = Literal["employment_office", "employer"]
ApplicationStatus = Literal["shortlisted", "interviewed", "hired", "rejected"]
Role = Literal["jobseeker", "office", "analyst", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
ORGANISATION_KINDS: tuple[str, ...] = get_args(OrganisationKind)
APPLICATION_STATUSES: tuple[str, ...] = get_args(ApplicationStatus)

# Deterministic constraint names: migrations drop and compare constraints by name.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# 64-bit keys on PostgreSQL (an upsert spends a sequence value even when it updates), plain
# INTEGER on SQLite, where only INTEGER PRIMARY KEY is the auto-numbered rowid.
BIGINT = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every backend (SQLite keeps no
    zone: without this, values read back naive there and aware on PostgreSQL)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give the zone (UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _check_in(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)


def _record_table(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Text, primary_key=True),
        Column("record", Text, nullable=False),  # the record as JSON
        Column("query_vec", LargeBinary, nullable=False),  # float32 bytes
        Column("passage_vec", LargeBinary, nullable=False),
        Column("encoder", Text, nullable=False),
        Column("updated_seq", BIGINT, nullable=False),
        # Another agency's id for the record, for idempotent loads from that agency.
        Column("source_system", Text),
        Column("source_id", Text),
        # An index, not a constraint: SQLite can add only indexes to an existing table.
        # NULLs never collide, so records without a source are not constrained.
        Index(f"uq_{name}_source", "source_system", "source_id", unique=True),
        # Finds the records written since a recommendation snapshot was taken.
        Index(f"ix_{name}_updated_seq", "updated_seq"),
    )


vacancies = _record_table("vacancies")
jobseekers = _record_table("jobseekers")

meta = Table(
    "meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

# The analytics view of every record, live or archived: small columns only, so a report over
# a million vacancies reads them without parsing records. ``posting`` is the key reports use
# to fetch a few titles back (it was SQLite's rowid in SqliteStore, and adoption keeps it).
postings = Table(
    "postings",
    metadata,
    Column("posting", BIGINT, primary_key=True, autoincrement=True),
    Column("kind", Text, nullable=False),
    Column("id", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("title_folded", Text),  # storage.folding.fold_title(title), what a search reads
    # The title's occupational key (models.occupation_coder.occupation_key), filled in by
    # the coding review for live records, "" for a title with nothing to code;
    # NULL when not yet computed (every rewrite of the record clears it).
    Column("title_key", Text),
    Column("month", Integer),
    Column("province", Text),
    Column("isco_code", Text),
    Column("skills", Text, nullable=False),  # skill codes joined by spaces
    Column("phrases", Text, nullable=False),  # unmatched phrases joined by "|"
    Column("archived", Boolean(create_constraint=False), nullable=False),
    UniqueConstraint("kind", "id"),
    Index("ix_postings_title_key", "title_key"),
)

skill_codes = Table(
    "skill_codes",
    metadata,
    Column("code", BIGINT, primary_key=True, autoincrement=True),
    Column("skill_id", Text, nullable=False, unique=True),
)

organisations = Table(
    "organisations",
    metadata,
    Column("id", BIGINT, primary_key=True, autoincrement=True),
    Column("kind", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("province", Text),
    Column("source_system", Text),
    Column("source_id", Text),
    Column("created_at", UtcDateTime, nullable=False),
    _check_in("kind", ORGANISATION_KINDS, "kind"),
    Index("uq_organisations_source", "source_system", "source_id", unique=True),
)

# No foreign keys to vacancies/jobseekers: an outcome outlives the live record (a filled
# vacancy is deleted or archived), and that history is what a ranker learns from.
applications = Table(
    "applications",
    metadata,
    Column("id", BIGINT, primary_key=True, autoincrement=True),
    Column("jobseeker_id", Text, nullable=False),
    Column("vacancy_id", Text, nullable=False),
    Column(
        "organisation_id",
        BIGINT,
        ForeignKey("organisations.id", ondelete="SET NULL"),
    ),
    Column("status", Text, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    _check_in("status", APPLICATION_STATUSES, "status"),
    UniqueConstraint("jobseeker_id", "vacancy_id"),
    Index("ix_applications_vacancy_id", "vacancy_id"),
)

application_events = Table(
    "application_events",
    metadata,
    Column("id", BIGINT, primary_key=True, autoincrement=True),
    Column(
        "application_id",
        BIGINT,
        ForeignKey("applications.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("status", Text, nullable=False),
    Column("previous_status", Text),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", Text, nullable=False),
    _check_in("status", APPLICATION_STATUSES, "status"),
    Index("ix_application_events_application_id", "application_id"),
    Index("ix_application_events_at", "at"),
)

# Who did what to which record. ``detail`` never holds phone numbers or national IDs: the
# store redacts them before writing (see SqlStore.audit).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BIGINT, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("kind", Text),
    Column("record_id", Text),
    Column("detail", JSON, nullable=False),
    Index("ix_audit_log_at", "at"),
    Index("ix_audit_log_kind_record_id", "kind", "record_id"),
)

# API keys: only a SHA-256 of each key is kept, so a copy of the database opens nothing.
# An office key is bound to its province, a jobseeker key to its own profile.
api_keys = Table(
    "api_keys",
    metadata,
    Column("id", BIGINT, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("province", Text),
    Column("jobseeker_id", Text),
    Column("key_hash", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    _check_in("role", ROLES, "role"),
    UniqueConstraint("key_hash"),
)

# Each jobseeker's ranked vacancies as the nightly batch (or an earlier request) computed
# them: served while the profile is unchanged, patched with the vacancies written since.
recommendation_snapshots = Table(
    "recommendation_snapshots",
    metadata,
    Column("jobseeker_id", Text, primary_key=True),
    Column("jobseeker_seq", BIGINT, nullable=False),  # the profile's updated_seq it reflects
    Column("watermark", BIGINT, nullable=False),  # the store generation it reflects
    Column("depth", Integer, nullable=False),
    Column("computed_at", UtcDateTime, nullable=False),
    # The ranked matches, best first: storage.snapshots.encode_matches.
    Column("ranked", LargeBinary, nullable=False),
    # JSON of storage.snapshots.FirstStage; NULL where not known.
    Column("first_stage", Text),
)

# A person's ISCO code for a title the coder abstained on, by the title's key (its
# occupational part, normalised: models.occupation_coder.occupation_key). Later records
# with the same key get this code on write, before the coder is asked.
occupation_decisions = Table(
    "occupation_decisions",
    metadata,
    Column("title_key", Text, primary_key=True),
    Column("code", Text, nullable=False),
    Column("title", Text, nullable=False),  # the title as the person saw it
    Column("actor", Text, nullable=False),
    Column("decided_at", UtcDateTime, nullable=False),
)


def encode_record(record: Vacancy | Jobseeker) -> str:
    """The record as JSON, as the first (sqlite3-only) store wrote it. Shallow: every field
    is a str, int, None, tuple of str or an Education (a str enum, written as its value);
    ``asdict``'s deep copy was half the time of a bulk upsert."""
    return json.dumps({f.name: getattr(record, f.name) for f in fields(record)}, ensure_ascii=False)


def decode_record(kind: str, payload: str) -> Vacancy | Jobseeker:
    """A record table's ``record`` column back as the record."""
    data = json.loads(payload)
    return Vacancy.from_dict(data) if kind == "vacancy" else Jobseeker.from_dict(data)


RECORD_TABLES: dict[str, Table] = {"vacancy": vacancies, "jobseeker": jobseekers}

# Execution option that makes a SQLite transaction take the write lock at BEGIN: a deferred
# transaction that reads first and writes later fails at once ("database is locked") when
# another writer got in between, instead of waiting for it.
_IMMEDIATE = "karyab_begin_immediate"


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _: ConnectionPoolEntry) -> None:
    # Autocommit at the driver, so the "begin" hook below decides where transactions start
    # (pysqlite's own implicit BEGIN comes late and never before a SELECT).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for a bulk load
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe in WAL; fsync at checkpoints only
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def database_url(url: str | URL) -> URL:
    """``url`` as the store connects to it: a bare ``postgresql://`` gets psycopg 3 (the
    driver installed; SQLAlchemy would otherwise look for psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL) -> Engine:
    """An engine for ``url``: SQLite gets WAL, synchronous=NORMAL and foreign keys on every
    connection; PostgreSQL checks pooled connections before use."""
    parsed = database_url(url)
    # Records are personal data: keep bound values out of error messages and logs.
    options: dict[str, Any] = {"hide_parameters": True, "json_serializer": _json_dumps}
    if parsed.get_backend_name() != "sqlite":
        # Room for the API's 40 request threads: a checkout past the pool opens a connection
        # and closes it after, which under load costs more than the query.
        return create_engine(parsed, pool_pre_ping=True, pool_size=20, max_overflow=30, **options)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or "mode=memory" in str(parsed)
    if in_memory:
        # One shared connection, or every checkout would see its own empty database.
        options["poolclass"] = StaticPool
    else:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        # A SQLite connection is a file handle: keep one for each of the API's 40 request
        # threads rather than open and close one per request under load.
        options.update(pool_size=40, max_overflow=10)
    engine = create_engine(
        parsed, connect_args={"timeout": 30, "check_same_thread": False}, **options
    )
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def for_writes(engine: Engine) -> Engine:
    """``engine`` whose transactions take SQLite's write lock at BEGIN (no-op elsewhere)."""
    return engine.execution_options(**{_IMMEDIATE: True})
