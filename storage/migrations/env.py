"""Alembic environment. :mod:`storage.migrate` runs it with a connection it has already
opened (and a transaction begun), passed in ``config.attributes["connection"]``: the same
code path for SQLite files, in-memory SQLite and PostgreSQL, and no alembic.ini."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from storage.schema import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError(
        "run the store's migrations through storage.migrate (it passes the connection)"
    )
# Batch operations: SQLite alters a table only by copying it; on PostgreSQL they are plain.
context.configure(
    connection=connection, target_metadata=metadata, compare_type=True, render_as_batch=True
)
with context.begin_transaction():
    context.run_migrations()
