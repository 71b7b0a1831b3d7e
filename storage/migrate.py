"""Bring a store's database to the newest schema revision (Alembic, configured in code).

A database that ``SqliteStore`` wrote (its tables, no ``alembic_version``) is adopted first:
the initial revision's :func:`adopt_sqlite_store` adds what it lacks, and the database is
stamped at that revision, so later revisions apply to it as to any other.

New revisions go in ``storage/migrations/versions``; to draft one from ``storage.schema``::

    from alembic import command
    with make_engine(url).begin() as conn:
        command.revision(alembic_config(conn), "what changed", autogenerate=True)
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from storage.errors import StoreError
from storage.schema import for_writes, make_engine

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The revision a SqliteStore database is adopted at (its module knows how).
ADOPTED_REVISION = "0001"
# Any fixed number: PostgreSQL serialises concurrent upgrades (two API workers starting
# together) on this advisory lock instead of both creating the same tables.
_PG_LOCK = 0x6B617279  # "kary"


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the store: no alembic.ini; ``storage/migrations/env.py``
    runs against ``connection``."""
    config = Config()
    # ConfigParser would read "%" in the path as interpolation.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise StoreError(f"no migrations under {MIGRATIONS}")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision ``connection``'s database is at (None: never migrated)."""
    # Read directly rather than through Alembic's context, which logs on every call: this
    # runs each time a store opens.
    if not inspect(connection).has_table("alembic_version"):
        return None
    versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
    found = list(versions)
    if len(found) > 1:
        raise StoreError(f"the database is at several revisions at once: {found}")
    return str(found[0]) if found else None


def upgrade(url: str) -> None:
    """Bring the database at ``url`` to the newest revision (an empty database gets every
    table; a SqliteStore file is adopted). Running it again is a no-op."""
    engine = make_engine(url)
    try:
        upgrade_engine(engine)
    finally:
        engine.dispose()


def upgrade_engine(engine: Engine) -> None:
    """:func:`upgrade`, on an engine the caller owns (an in-memory SQLite database lives
    only as long as its engine). One transaction: a failed step leaves the database as it
    was, on SQLite and PostgreSQL alike (both roll back DDL)."""
    head = head_revision()
    # The common case, a database already at head, needs no write lock: opening a store
    # does not wait for a bulk load in another process.
    with engine.connect() as conn:
        if current_revision(conn) == head:
            return
    with for_writes(engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
        before = current_revision(conn)
        if before == head:  # another process upgraded it meanwhile
            return
        if before is None and _written_by_sqlite_store(conn):
            _adopt(conn)
            before = ADOPTED_REVISION
        try:
            command.upgrade(alembic_config(conn), "head")
        except CommandError as error:  # e.g. a database newer than this code
            raise StoreError(f"cannot upgrade the store from {before}: {error}") from error
    logger.info("store schema upgraded from %s to %s", before or "empty", head)


def check_at_head(connection: Connection) -> None:
    """Raise :class:`StoreError` unless the database is at the newest revision (for stores
    opened without migrating)."""
    found, head = current_revision(connection), head_revision()
    if found != head:
        raise StoreError(
            f"the store's schema is at revision {found or 'none'}, this code needs {head}: "
            "run storage.migrate.upgrade(url)"
        )


def _written_by_sqlite_store(conn: Connection) -> bool:
    tables = set(inspect(conn).get_table_names())
    if not tables & {"vacancies", "jobseekers"}:
        return False
    if conn.dialect.name != "sqlite":
        raise StoreError(
            "the database has karyab tables but no alembic_version, and only SQLite files "
            "written by SqliteStore can be adopted"
        )
    return True


def _adopt(conn: Connection) -> None:
    logger.info("adopting a database written by SqliteStore (revision %s)", ADOPTED_REVISION)
    script = ScriptDirectory.from_config(alembic_config(conn)).get_revision(ADOPTED_REVISION)
    if script is None:
        raise StoreError(f"revision {ADOPTED_REVISION} is missing from {MIGRATIONS}")
    with Operations.context(MigrationContext.configure(conn)):
        script.module.adopt_sqlite_store()
    command.stamp(alembic_config(conn), ADOPTED_REVISION)
