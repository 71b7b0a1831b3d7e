"""Title search folds digits and grades too (``storage.folding.fold_title``): «پایه ۱»,
«پایه 1», «پایه یک» and «پایه1» find each other. The stored titles are folded again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from storage.migrations.refold import refold_titles

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    refold_titles(op.get_bind())


def downgrade() -> None:
    # No schema change to undo. Titles stay folded the new way, so under revision 0005's
    # code a search typed with Persian digits misses them (it found them before only where
    # the title was written with the same digits).
    pass
