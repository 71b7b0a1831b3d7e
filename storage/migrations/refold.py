"""Re-fold every stored posting title with the current ``storage.folding.fold_title``: what
a migration that changes the folds runs."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage.folding import fold_title

_BATCH = 5000

_postings = sa.table(
    "postings",
    sa.column("posting", sa.BigInteger()),
    sa.column("title", sa.Text()),
    sa.column("title_folded", sa.Text()),
)


def refold_titles(conn: Connection) -> None:
    """Folded in Python, as writes fold them (SQL's lower() differs between databases), a
    batch of postings at a time."""
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
