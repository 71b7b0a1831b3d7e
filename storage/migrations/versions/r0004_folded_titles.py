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

from storage.folding import fold_title

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 5000

_postings = sa.table(
    "postings",
    sa.column("posting", sa.BigInteger()),
    sa.column("title", sa.Text()),
    sa.column("title_folded", sa.Text()),
)


def upgrade() -> None:
    op.add_column("postings", sa.Column("title_folded", sa.Text(), nullable=True))
    # Folded in Python, as writes fold them: SQL's lower() differs between databases.
    conn = op.get_bind()
    update = (
        _postings.update()
        .where(_postings.c.posting == sa.bindparam("key"))
        .values(title_folded=sa.bindparam("folded"))
    )
    last = None
    while True:
        query = sa.select(_postings.c.posting, _postings.c.title).order_by(_postings.c.posting)
        if last is not None:
            query = query.where(_postings.c.posting > last)
        rows = conn.execute(query.limit(_BATCH)).all()
        if not rows:
            break
        conn.execute(update, [{"key": key, "folded": fold_title(title)} for key, title in rows])
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("postings") as batch:
        batch.drop_column("title_folded")
