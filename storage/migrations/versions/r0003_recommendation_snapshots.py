"""Recommendation snapshots (the nightly batch's ranked vacancies per jobseeker) and an index
on each record table's updated_seq to find the records written since a snapshot.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "recommendation_snapshots",
        sa.Column("jobseeker_id", sa.Text(), nullable=False),
        sa.Column("jobseeker_seq", _BIGINT, nullable=False),
        sa.Column("watermark", _BIGINT, nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("computed_at", _TIME, nullable=False),
        sa.Column("matches", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("jobseeker_id", name="pk_recommendation_snapshots"),
    )
    for table in ("vacancies", "jobseekers"):
        op.create_index(f"ix_{table}_updated_seq", table, ["updated_seq"])


def downgrade() -> None:
    for table in ("vacancies", "jobseekers"):
        op.drop_index(f"ix_{table}_updated_seq", table_name=table)
    op.drop_table("recommendation_snapshots")
