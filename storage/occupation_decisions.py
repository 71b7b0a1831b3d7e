"""People's occupation codes in the store: the titles the coder abstained on, and the code a
person gave a title, which later records with the same title key get on write.

A mixin of :class:`storage.sql_store.SqlStore`, like :mod:`storage.snapshots`: it keeps its
own table and uses the store's connections and write plumbing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from karyab.records import Jobseeker, Vacancy
from storage.schema import RECORD_TABLES, decode_record, encode_record
from storage.schema import occupation_decisions as decisions_table
from storage.schema import postings as postings_table

if TYPE_CHECKING:
    from storage.sql_store import WriteAudit

Kind = Literal["vacancy", "jobseeker"]
_IN_CHUNK = 900


@dataclass(frozen=True)
class OccupationDecision:
    title_key: str
    code: str
    title: str
    actor: str
    decided_at: datetime


def _uncoded_live() -> tuple[Any, ...]:
    return (postings_table.c.isco_code.is_(None), postings_table.c.archived.is_(False))


class OccupationDecisionsMixin:
    """Decision and review-queue methods; the class it is mixed into provides the plumbing."""

    def _read(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def _insert(self, table: Table) -> Any:
        raise NotImplementedError

    def _next_seq(self, conn: Connection) -> int:
        raise NotImplementedError

    def _write_postings(
        self,
        conn: Connection,
        kind: Kind,
        records: Sequence[Vacancy | Jobseeker],
        *,
        archived: bool,
    ) -> None:
        raise NotImplementedError

    def _audit(
        self,
        conn: Connection,
        actor: str,
        action: str,
        kind: str | None,
        record_id: str | None,
        detail: Mapping[str, Any],
        at: datetime,
    ) -> int:
        raise NotImplementedError

    def titles_without_keys(self) -> list[tuple[str, str, str]]:
        """(kind, id, title) of the live records whose title key is not computed yet (new or
        rewritten since): uncoded ones for the queue, coded ones for corrections."""
        query = select(postings_table.c.kind, postings_table.c.id, postings_table.c.title).where(
            postings_table.c.title_key.is_(None), postings_table.c.archived.is_(False)
        )
        with self._read() as conn:
            return [(str(k), str(i), str(t)) for k, i, t in conn.execute(query)]

    def set_title_keys(self, keys: Iterable[tuple[str, str, str, str]]) -> None:
        """Keep computed title keys, as (kind, id, title, key); a record rewritten with
        another title meanwhile keeps its key empty."""
        rows = [{"k": kind, "i": i, "t": title, "key": key} for kind, i, title, key in keys]
        if not rows:
            return
        stmt = (
            update(postings_table)
            .where(
                postings_table.c.kind == bindparam("k"),
                postings_table.c.id == bindparam("i"),
                postings_table.c.title == bindparam("t"),
            )
            .values(title_key=bindparam("key"))
        )
        with self._write() as conn:
            conn.execute(stmt, rows)

    def clear_title_keys(self) -> None:
        """Forget every computed title key (the way keys are made has changed)."""
        with self._write() as conn:
            conn.execute(update(postings_table).values(title_key=None))

    def uncoded_key_counts(self, kind: Kind | None = None) -> list[tuple[str, str, int]]:
        """(title key, kind, records) over the live records without a code, keys computed
        and not empty."""
        where: list[ColumnElement[bool]] = [
            postings_table.c.title_key.is_not(None),
            postings_table.c.title_key != "",
        ]
        if kind is not None:
            where.append(postings_table.c.kind == kind)
        query = (
            select(postings_table.c.title_key, postings_table.c.kind, func.count())
            .where(*where, *_uncoded_live())
            .group_by(postings_table.c.title_key, postings_table.c.kind)
        )
        with self._read() as conn:
            return [(str(key), str(k), int(n)) for key, k, n in conn.execute(query)]

    def uncoded_with_keys(self, keys: Iterable[str]) -> list[tuple[str, str, str, str]]:
        """(title key, kind, id, title) of the live records without a code that have one of
        ``keys``."""
        return self._live_with_keys(
            keys, postings_table.c.title, postings_table.c.isco_code.is_(None)
        )

    def coded_with_keys(self, keys: Iterable[str]) -> list[tuple[str, str, str, str]]:
        """(title key, kind, id, ISCO code) of the live coded records that have one of
        ``keys``."""
        code = postings_table.c.isco_code
        return self._live_with_keys(keys, code, code.is_not(None))

    def _live_with_keys(
        self, keys: Iterable[str], column: Any, condition: ColumnElement[bool]
    ) -> list[tuple[str, str, str, str]]:
        """(title key, kind, id, ``column``) of the live records meeting ``condition`` that
        have one of ``keys``."""
        wanted = sorted(set(keys))
        found: list[tuple[str, str, str, str]] = []
        columns = (postings_table.c.title_key, postings_table.c.kind, postings_table.c.id)
        with self._read() as conn:
            for start in range(0, len(wanted), _IN_CHUNK):
                query = select(*columns, column).where(
                    postings_table.c.title_key.in_(wanted[start : start + _IN_CHUNK]),
                    condition,
                    postings_table.c.archived.is_(False),
                )
                found += [(str(a), str(b), str(c), str(d)) for a, b, c, d in conn.execute(query)]
        return found

    def coded_sample(self, n: int, kind: Kind | None = None) -> list[tuple[str, str, str, str]]:
        """(kind, id, title, ISCO code) of up to ``n`` live coded records with a title,
        drawn at random: a sample of the coding to check."""
        where: list[ColumnElement[bool]] = [
            postings_table.c.isco_code.is_not(None),
            postings_table.c.archived.is_(False),
            postings_table.c.title.is_not(None),
            postings_table.c.title != "",
        ]
        if kind is not None:
            where.append(postings_table.c.kind == kind)
        columns = (postings_table.c.kind, postings_table.c.id, postings_table.c.title)
        query = select(*columns, postings_table.c.isco_code).where(*where)
        query = query.order_by(func.random()).limit(n)
        with self._read() as conn:
            return [(str(a), str(b), str(c), str(d)) for a, b, c, d in conn.execute(query)]

    def uncoded_key_titles(
        self, keys: Iterable[str], kind: Kind | None = None
    ) -> list[tuple[str, str, int]]:
        """(title key, title, records) over the live records without a code that have one
        of ``keys``: how each key is written."""
        wanted = sorted(set(keys))
        found: list[tuple[str, str, int]] = []
        key, title = postings_table.c.title_key, postings_table.c.title
        with self._read() as conn:
            for start in range(0, len(wanted), _IN_CHUNK):
                where = [key.in_(wanted[start : start + _IN_CHUNK]), *_uncoded_live()]
                if kind is not None:
                    where.append(postings_table.c.kind == kind)
                query = select(key, title, func.count()).where(*where).group_by(key, title)
                found += [(str(k), str(t), int(n)) for k, t, n in conn.execute(query)]
        return found

    def decided_codes(self, keys: Iterable[str]) -> dict[str, str]:
        """Title key → the code a person decided, for the keys among ``keys`` that have one."""
        wanted = sorted(set(keys))
        found: dict[str, str] = {}
        with self._read() as conn:
            for start in range(0, len(wanted), _IN_CHUNK):
                chunk = wanted[start : start + _IN_CHUNK]
                query = select(decisions_table.c.title_key, decisions_table.c.code).where(
                    decisions_table.c.title_key.in_(chunk)
                )
                found.update((str(k), str(c)) for k, c in conn.execute(query))
        return found

    def replace_occupation_decisions(self, decisions: Sequence[OccupationDecision]) -> None:
        """Replace every decision with ``decisions`` in one transaction (re-keyed after the
        way keys are made has changed)."""
        keys = [d.title_key for d in decisions]
        if len(set(keys)) != len(keys):
            raise ValueError("decisions must be one per title key")
        with self._write() as conn:
            conn.execute(decisions_table.delete())
            if decisions:
                conn.execute(decisions_table.insert(), [asdict(d) for d in decisions])

    def occupation_decisions(self, limit: int = 100, offset: int = 0) -> list[OccupationDecision]:
        """Decisions, the newest first."""
        query = (
            select(decisions_table)
            .order_by(decisions_table.c.decided_at.desc(), decisions_table.c.title_key)
            .limit(limit)
            .offset(offset)
        )
        with self._read() as conn:
            return [OccupationDecision(**row._mapping) for row in conn.execute(query)]

    def decide_occupations(
        self,
        decisions: Sequence[OccupationDecision],
        recoded: Mapping[Kind, Sequence[Vacancy | Jobseeker]],
        audit: WriteAudit,
    ) -> None:
        """Keep ``decisions`` (each replacing an earlier one for its title key) and store the
        ``recoded`` records, which carry their codes now, all in one transaction with one
        audit entry. The records' vectors do not change (the code is not part of the
        embedded text); their write sequence does, so indexes and snapshots pick them up."""
        keys = [d.title_key for d in decisions]
        if not decisions or len(set(keys)) != len(keys):
            raise ValueError("decisions must be non-empty, one per title key")
        with self._write() as conn:
            stmt = self._insert(decisions_table)
            stmt = stmt.on_conflict_do_update(
                index_elements=[decisions_table.c.title_key],
                set_={c: stmt.excluded[c] for c in ("code", "title", "actor", "decided_at")},
            )
            conn.execute(stmt, [asdict(d) for d in decisions])
            seq = self._next_seq(conn)
            ids: dict[str, list[str]] = {}
            for kind, records in recoded.items():
                if records:
                    self._rewrite_codes(conn, kind, records, seq)
                    ids[kind] = [record.id for record in records]
            named = audit.named_ids
            detail = {
                "decisions": len(decisions),
                "codes": {d.title_key: d.code for d in decisions[:named]},
                "count": {kind: len(listed) for kind, listed in ids.items()},
                "ids": {kind: listed[:named] for kind, listed in ids.items()},
            }
            self._audit(
                conn, audit.actor, audit.action, None, None, detail, decisions[0].decided_at
            )

    def live_records(
        self, kind: Kind, after: str | None, limit: int
    ) -> list[tuple[Vacancy | Jobseeker, int]]:
        """Up to ``limit`` live records with ids after ``after``, in id order, each with its
        write sequence: one page of a pass over all of them."""
        table = RECORD_TABLES[kind]
        query = select(table.c.id, table.c.record, table.c.updated_seq).order_by(table.c.id)
        if after is not None:
            query = query.where(table.c.id > after)
        with self._read() as conn:
            rows = conn.execute(query.limit(limit)).all()
        return [(decode_record(kind, payload), int(seq)) for _, payload, seq in rows]

    def recode_occupations(
        self, kind: Kind, records: Sequence[tuple[Vacancy | Jobseeker, int]], audit: WriteAudit
    ) -> list[str]:
        """Store records whose occupations were coded again, each as (record, the write
        sequence it was read at), in one transaction with one audit entry. A record written
        since it was read is left: that write coded it with what holds now. Returns the
        ids stored."""
        if not records:
            return []
        table = RECORD_TABLES[kind]
        read_at = {record.id: seq for record, seq in records}
        with self._write() as conn:
            now: dict[str, int] = {}
            for chunk in _chunks(sorted(read_at)):
                # FOR UPDATE: no other writer changes them until this commits (PostgreSQL;
                # SQLite's write transaction holds the whole file already).
                query = (
                    select(table.c.id, table.c.updated_seq)
                    .where(table.c.id.in_(chunk))
                    .with_for_update()
                )
                now.update((str(i), int(seq)) for i, seq in conn.execute(query))
            unchanged = [r for r, seq in records if now.get(r.id) == seq]
            if not unchanged:
                return []
            self._rewrite_codes(conn, kind, unchanged, self._next_seq(conn))
            ids = [r.id for r in unchanged]
            detail = {"count": {kind: len(ids)}, "ids": {kind: ids[: audit.named_ids]}}
            self._audit(conn, audit.actor, audit.action, None, None, detail, datetime.now(UTC))
        return ids

    def _rewrite_codes(
        self, conn: Connection, kind: Kind, records: Sequence[Vacancy | Jobseeker], seq: int
    ) -> None:
        """Store records whose occupation codes changed. Their vectors stay (the code is not
        part of the embedded text); their write sequence moves, so indexes and snapshots
        pick them up."""
        table = RECORD_TABLES[kind]
        stmt = (
            update(table)
            .where(table.c.id == bindparam("record_id"))
            .values(record=bindparam("payload"), updated_seq=seq)
        )
        conn.execute(stmt, [{"record_id": r.id, "payload": encode_record(r)} for r in records])
        self._write_postings(conn, kind, records, archived=False)


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]
