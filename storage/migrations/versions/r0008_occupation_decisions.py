"""People's ISCO codes for titles the coder abstained on (``occupation_decisions``): later
records with the same title key get the decided code on write. Postings keep their title's
key (``postings.title_key``, filled in by the coding review), so the review queue groups
uncoded records in SQL.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "occupation_decisions",
        sa.Column("title_key", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("title_key", name="pk_occupation_decisions"),
    )
    op.add_column("postings", sa.Column("title_key", sa.Text(), nullable=True))
    op.create_index("ix_postings_title_key", "postings", ["title_key"])


def downgrade() -> None:
    op.drop_index("ix_postings_title_key", table_name="postings")
    with op.batch_alter_table("postings") as batch:
        batch.drop_column("title_key")
    op.drop_table("occupation_decisions")
