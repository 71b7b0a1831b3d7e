"""Snapshots keep how their ranking found and scored its candidates
(``storage.snapshots.FirstStage``), so the nightly batch patches
a snapshot with the vacancies written since instead of ranking every vacancy again.
Snapshots stored before have neither and are ranked in full once.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("recommendation_snapshots", sa.Column("first_stage", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recommendation_snapshots") as batch:
        batch.drop_column("first_stage")
