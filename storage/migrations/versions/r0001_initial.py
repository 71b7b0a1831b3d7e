"""The store as of SqlStore's first version: records with vectors and source ids, the
analytics postings, organisations, applications with their events, and the audit log.

Besides ``upgrade`` (an empty database), :func:`adopt_sqlite_store` brings a database that
``SqliteStore`` wrote (its tables, no ``alembic_version``) to this same revision.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of storage.schema's types as of this revision (a revision must not change
# when schema.py does).
_BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TIME = sa.DateTime(timezone=True)
_STATUSES = "'shortlisted', 'interviewed', 'hired', 'rejected'"


def _record_table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("query_vec", sa.LargeBinary(), nullable=False),
        sa.Column("passage_vec", sa.LargeBinary(), nullable=False),
        sa.Column("encoder", sa.Text(), nullable=False),
        sa.Column("updated_seq", _BIGINT, nullable=False),
        sa.Column("source_system", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )
    _source_index(name)


def _source_index(table: str) -> None:
    op.create_index(f"uq_{table}_source", table, ["source_system", "source_id"], unique=True)


def _meta() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta"),
    )


def _postings() -> None:
    op.create_table(
        "postings",
        sa.Column("posting", _BIGINT, autoincrement=True, nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.Column("province", sa.Text(), nullable=True),
        sa.Column("isco_code", sa.Text(), nullable=True),
        sa.Column("skills", sa.Text(), nullable=False),
        sa.Column("phrases", sa.Text(), nullable=False),
        sa.Column("archived", sa.Boolean(create_constraint=False), nullable=False),
        sa.PrimaryKeyConstraint("posting", name="pk_postings"),
        sa.UniqueConstraint("kind", "id", name="uq_postings_kind_id"),
    )


def _skill_codes() -> None:
    op.create_table(
        "skill_codes",
        sa.Column("code", _BIGINT, autoincrement=True, nullable=False),
        sa.Column("skill_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_skill_codes"),
        sa.UniqueConstraint("skill_id", name="uq_skill_codes_skill_id"),
    )


def _outcome_tables() -> None:
    """The tables SqliteStore never had."""
    op.create_table(
        "organisations",
        sa.Column("id", _BIGINT, autoincrement=True, nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("province", sa.Text(), nullable=True),
        sa.Column("source_system", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Text(), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.CheckConstraint(
            "kind IN ('employment_office', 'employer')", name="ck_organisations_kind"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_organisations"),
    )
    _source_index("organisations")
    op.create_table(
        "applications",
        sa.Column("id", _BIGINT, autoincrement=True, nullable=False),
        sa.Column("jobseeker_id", sa.Text(), nullable=False),
        sa.Column("vacancy_id", sa.Text(), nullable=False),
        sa.Column("organisation_id", _BIGINT, nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.CheckConstraint(f"status IN ({_STATUSES})", name="ck_applications_status"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_applications_organisation_id_organisations",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_applications"),
        sa.UniqueConstraint(
            "jobseeker_id", "vacancy_id", name="uq_applications_jobseeker_id_vacancy_id"
        ),
    )
    op.create_index("ix_applications_vacancy_id", "applications", ["vacancy_id"])
    op.create_table(
        "application_events",
        sa.Column("id", _BIGINT, autoincrement=True, nullable=False),
        sa.Column("application_id", _BIGINT, nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("previous_status", sa.Text(), nullable=True),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.CheckConstraint(f"status IN ({_STATUSES})", name="ck_application_events_status"),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name="fk_application_events_application_id_applications",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_application_events"),
    )
    op.create_index(
        "ix_application_events_application_id", "application_events", ["application_id"]
    )
    op.create_index("ix_application_events_at", "application_events", ["at"])
    op.create_table(
        "audit_log",
        sa.Column("id", _BIGINT, autoincrement=True, nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("record_id", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_kind_record_id", "audit_log", ["kind", "record_id"])


def upgrade() -> None:
    _record_table("vacancies")
    _record_table("jobseekers")
    _meta()
    _postings()
    _skill_codes()
    _outcome_tables()


def downgrade() -> None:
    for index, table in (
        ("ix_audit_log_kind_record_id", "audit_log"),
        ("ix_audit_log_at", "audit_log"),
        ("ix_application_events_at", "application_events"),
        ("ix_application_events_application_id", "application_events"),
        ("ix_applications_vacancy_id", "applications"),
        ("uq_organisations_source", "organisations"),
    ):
        op.drop_index(index, table_name=table)
    for table in ("audit_log", "application_events", "applications", "organisations"):
        op.drop_table(table)
    for table in ("vacancies", "jobseekers"):
        op.drop_index(f"uq_{table}_source", table_name=table)
    for table in ("skill_codes", "postings", "meta", "jobseekers", "vacancies"):
        op.drop_table(table)


def adopt_sqlite_store() -> None:
    """Bring a SQLite database written by ``SqliteStore`` to this revision, keeping its data.

    Records gain the (empty) source columns; ``postings`` is rebuilt with its rowid kept as
    the ``posting`` key, so keys a report already handed out still resolve; tables an older
    SqliteStore lacked, and the outcome tables, are created.
    """
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        raise RuntimeError("only SQLite databases were written by SqliteStore")
    tables = set(sa.inspect(bind).get_table_names())
    for table in ("vacancies", "jobseekers"):
        if table not in tables:
            _record_table(table)
            continue
        op.add_column(table, sa.Column("source_system", sa.Text(), nullable=True))
        op.add_column(table, sa.Column("source_id", sa.Text(), nullable=True))
        _source_index(table)
    if "meta" not in tables:
        _meta()
    if "skill_codes" not in tables:
        _skill_codes()
    if "postings" in tables:
        op.rename_table("postings", "_sqlite_store_postings")
        _postings()
        op.execute(
            "INSERT INTO postings "
            "(posting, kind, id, title, month, province, isco_code, skills, phrases, archived) "
            "SELECT rowid, kind, id, title, month, province, isco_code, skills, phrases, "
            "archived FROM _sqlite_store_postings"
        )
        op.drop_table("_sqlite_store_postings")
    else:
        _postings()
    _outcome_tables()
