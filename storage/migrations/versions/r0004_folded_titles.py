"""Postings keep their title folded for search (``storage.folding.fold_title``): a vacancy
list filtered by title then scans one column instead of folding every title in SQL.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.migrations.refold import refold_titles

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("postings", sa.Column("title_folded", sa.Text(), nullable=True))
    refold_titles(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("postings") as batch:
        batch.drop_column("title_folded")
