"""Recommendation snapshots in the store: each jobseeker's ranked vacancies as computed at a
store generation, and the change feed (records written since a generation) that patches them.

A mixin of :class:`storage.sql_store.SqlStore`: it uses the store's connections and keeps its
own table, so the record store itself stays about records.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np
import orjson
from sqlalchemy import BindParameter, Select, Table, Text, bindparam, func, select, update
from sqlalchemy.engine import Connection

from karyab.records import Jobseeker, Vacancy
from storage.schema import RECORD_TABLES, decode_record, meta
from storage.schema import recommendation_snapshots as snapshots_table

Kind = Literal["vacancy", "jobseeker"]


@dataclass(frozen=True)
class FirstStage:
    """How a ranking found and scored its candidates, so vacancies written since can be
    judged as it would have judged them: ``cuts``, for each first-stage tier in the order
    the tiers are planned, the cosine a vacancy needed to be a candidate (None: the tier
    took every vacancy it had); ``best_cosine``, the best candidate's (the re-ranker reads
    cosines relative to it); ``day``, the day recency counted from; ``document``, the
    jobseeker's document as normalised for n-grams and literal skill checks (the profile a
    patch applies to is the same, and normalising it again is a quarter of a patch);
    ``ranking``, which re-ranker, first-stage settings and normaliser made it
    (:func:`matching.batch_rank.ranking_fingerprint`): a patch by others would mix scores."""

    cuts: tuple[float | None, ...]
    best_cosine: float
    day: float
    document: str = ""
    ranking: str = ""


@dataclass(frozen=True)
class Snapshot:
    """Ranked vacancies for one jobseeker, true for the store at ``watermark`` and for the
    profile as written at ``jobseeker_seq``. ``matches`` are best first
    (:meth:`StoredMatch.to_dict` gives one as plain data); ``depth`` is how many positions
    it vouches for (fewer matches exist when the market is small). ``first_stage``: what
    patching it with the vacancies written since needs, None where not known (a snapshot
    of the request path)."""

    jobseeker_id: str
    jobseeker_seq: int
    watermark: int
    depth: int
    computed_at: datetime
    matches: tuple[StoredMatch, ...]
    first_stage: FirstStage | None = None


@dataclass(frozen=True)
class SnapshotState:
    """A jobseeker's profile version, the store generation, and its snapshot's versions
    (None where there is no such profile or snapshot)."""

    profile_seq: int | None
    generation: int
    snapshot_seq: int | None
    watermark: int | None
    depth: int | None


class SnapshotStoreMixin:
    """Snapshot and change-feed methods; the class it is mixed into provides the plumbing."""

    _dialect: str

    def _read(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def _insert(self, table: Table) -> Any:
        raise NotImplementedError

    def save_snapshots(self, snapshots: list[Snapshot]) -> None:
        """Insert or replace snapshots, all in one transaction."""
        if not snapshots:
            return
        rows = [
            {
                "jobseeker_id": s.jobseeker_id,
                "jobseeker_seq": s.jobseeker_seq,
                "watermark": s.watermark,
                "depth": s.depth,
                "computed_at": s.computed_at,
                "ranked": encode_matches(s.matches),
                "first_stage": _first_stage(s),
            }
            for s in snapshots
        ]
        stmt = self._insert(snapshots_table)
        stmt = stmt.on_conflict_do_update(
            index_elements=[snapshots_table.c.jobseeker_id],
            set_={name: stmt.excluded[name] for name in rows[0] if name != "jobseeker_id"},
        )
        with self._write() as conn:
            conn.execute(stmt, rows)

    def snapshot(self, jobseeker_id: str) -> Snapshot | None:
        return self.snapshots([jobseeker_id]).get(jobseeker_id)

    def snapshots(self, jobseeker_ids: Iterable[str]) -> dict[str, Snapshot]:
        """The snapshots of those of ``jobseeker_ids`` that have one."""
        wanted = list(dict.fromkeys(jobseeker_ids))
        found: dict[str, Snapshot] = {}
        with self._read() as conn:
            for start in range(0, len(wanted), 500):
                query = select(snapshots_table).where(
                    snapshots_table.c.jobseeker_id.in_(wanted[start : start + 500])
                )
                for row in conn.execute(query):
                    found[row.jobseeker_id] = _snapshot(row)
        return found

    def snapshot_head(
        self, jobseeker_id: str, k: int
    ) -> tuple[SnapshotState, tuple[dict[str, Any], ...]]:
        """The state and the snapshot's best ``k`` matches (none without a snapshot), in one
        round trip: the hit path of a recommendation request."""
        with self._read() as conn:
            row = conn.execute(_head_query(), {"jobseeker_id": jobseeker_id}).one()
        ranked = row[-1]
        return _state(row), () if ranked is None else decode_matches(ranked, k)

    def snapshot_states(self) -> dict[str, tuple[int, int]]:
        """Jobseeker id → (jobseeker_seq, watermark) of every snapshot: what a batch run needs
        to skip the ones already current."""
        query = select(
            snapshots_table.c.jobseeker_id,
            snapshots_table.c.jobseeker_seq,
            snapshots_table.c.watermark,
        )
        with self._read() as conn:
            return {str(i): (int(s), int(w)) for i, s, w in conn.execute(query)}

    def delete_snapshots(self, jobseeker_ids: list[str]) -> None:
        with self._write() as conn:
            for start in range(0, len(jobseeker_ids), 500):
                chunk = jobseeker_ids[start : start + 500]
                conn.execute(
                    snapshots_table.delete().where(snapshots_table.c.jobseeker_id.in_(chunk))
                )

    def record_seq(self, kind: Kind, record_id: str) -> int | None:
        """The store generation at which the record was last written; None if absent."""
        table = RECORD_TABLES[kind]
        with self._read() as conn:
            value = conn.execute(
                select(table.c.updated_seq).where(table.c.id == record_id)
            ).scalar()
        return None if value is None else int(value)

    def record_seqs(self, kind: Kind) -> Iterator[tuple[str, int]]:
        """(id, updated_seq) of every record of ``kind``, in id order."""
        table = RECORD_TABLES[kind]
        query = select(table.c.id, table.c.updated_seq).order_by(table.c.id)
        with self._read() as conn:
            for record_id, seq in conn.execute(query):
                yield str(record_id), int(seq)

    def changed_since(self, kind: Kind, generation: int, limit: int) -> list[str] | None:
        """Ids of the records of ``kind`` written after ``generation``, or None when there are
        more than ``limit`` (the caller then recomputes instead of patching)."""
        table = RECORD_TABLES[kind]
        query = (
            select(table.c.id)
            .where(table.c.updated_seq > generation)
            .order_by(table.c.updated_seq)
            .limit(limit + 1)
        )
        with self._read() as conn:
            ids = [str(row[0]) for row in conn.execute(query)]
        return None if len(ids) > limit else ids

    def changed_records(
        self, kind: Kind, generation: int, limit: int
    ) -> tuple[list[Vacancy | Jobseeker], np.ndarray] | None:
        """The records of ``kind`` written after ``generation`` with their passage vectors
        (what the index holds), or None when there are more than ``limit``."""
        table = RECORD_TABLES[kind]
        query = (
            select(table.c.record, table.c.passage_vec)
            .where(table.c.updated_seq > generation)
            .order_by(table.c.updated_seq)
            .limit(limit + 1)
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        if len(rows) > limit:
            return None
        records = [decode_record(kind, row.record) for row in rows]
        if not rows:
            return records, np.zeros((0, 0), dtype=np.float32)
        vectors = np.stack([np.frombuffer(row.passage_vec, dtype=np.float32) for row in rows])
        return records, vectors

    def meta_value(self, key: str) -> str | None:
        with self._read() as conn:
            value = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
        return None if value is None else str(value)

    def set_meta_value(self, key: str, value: str | None) -> None:
        """Set (or with None, remove) a small named value, e.g. a batch run's progress marker."""
        if key == "seq":
            raise ValueError("the store's write counter is not settable")
        with self._write() as conn:
            conn.execute(meta.delete().where(meta.c.key == key))
            if value is not None:
                conn.execute(meta.insert().values(key=key, value=value))

    def swap_meta_value(self, key: str, expected: str | None, value: str) -> bool:
        """Set a small named value only if it still holds ``expected`` (None: absent), in one
        statement, and say whether it did: of two processes claiming the same job (service
        workers), one wins."""
        if key == "seq":
            raise ValueError("the store's write counter is not settable")
        with self._write() as conn:
            if expected is None:
                stmt: Any = (
                    self._insert(meta)
                    .values(key=key, value=value)
                    .on_conflict_do_nothing(index_elements=[meta.c.key])
                )
            else:
                stmt = (
                    update(meta)
                    .where(meta.c.key == key, meta.c.value == expected)
                    .values(value=value)
                )
            # RETURNING, not rowcount: psycopg reports -1 for an INSERT that did nothing.
            return conn.execute(stmt.returning(meta.c.key)).first() is not None

    def count_snapshots(self) -> int:
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(snapshots_table)).scalar_one())


@functools.cache
def _head_query() -> Select[Any]:
    """Built once: the hit path of every recommendation request runs it."""
    table = RECORD_TABLES["jobseeker"]
    snap = snapshots_table.c
    wanted: BindParameter[str] = bindparam("jobseeker_id", type_=Text)

    def of_snapshot(column: Any) -> Any:
        return select(column).where(snap.jobseeker_id == wanted).scalar_subquery()

    return select(
        select(table.c.updated_seq).where(table.c.id == wanted).scalar_subquery(),
        select(meta.c.value).where(meta.c.key == "seq").scalar_subquery(),
        of_snapshot(snap.jobseeker_seq),
        of_snapshot(snap.watermark),
        of_snapshot(snap.depth),
        of_snapshot(snap.ranked),
    )


def _snapshot(row: Any) -> Snapshot:
    return Snapshot(
        jobseeker_id=row.jobseeker_id,
        jobseeker_seq=int(row.jobseeker_seq),
        watermark=int(row.watermark),
        depth=int(row.depth),
        computed_at=row.computed_at,
        matches=decode_stored(row.ranked),
        first_stage=_read_first_stage(row.first_stage),
    )


def _first_stage(snapshot: Snapshot) -> str | None:
    stage = snapshot.first_stage
    if stage is None:
        return None
    fields = {
        "cuts": list(stage.cuts),
        "best_cosine": stage.best_cosine,
        "day": stage.day,
        "document": stage.document,
        "ranking": stage.ranking,
    }
    return orjson.dumps(fields).decode()


def _read_first_stage(text: str | None) -> FirstStage | None:
    if text is None:
        return None
    fields = orjson.loads(text)
    return FirstStage(
        tuple(fields["cuts"]),
        fields["best_cosine"],
        fields["day"],
        fields.get("document", ""),
        fields.get("ranking", ""),
    )


def _state(row: Any) -> SnapshotState:
    profile, generation, seq, watermark, depth = row[:5]
    return SnapshotState(
        profile_seq=None if profile is None else int(profile),
        generation=0 if generation is None else int(generation),
        snapshot_seq=None if seq is None else int(seq),
        watermark=None if watermark is None else int(watermark),
        depth=None if depth is None else int(depth),
    )


_HEAD = ("id", "score", "rank")


@dataclass(frozen=True)
class StoredMatch:
    """One ranked match as stored: what scoring changes (score, rank, the re-ranker's
    ``features``, kept in the details) apart from ``rest``, every other field as its stored
    JSON. Re-scoring yesterday's matches, as a nightly patch does for each of them, then
    neither decodes nor encodes what they explain: that was a third of a patch."""

    id: str
    score: float
    rank: int
    features: dict[str, Any] | None  # the details' "features"; None where there are none
    rest: bytes

    @classmethod
    def from_dict(cls, match: dict[str, Any]) -> StoredMatch:
        rest = {name: value for name, value in match.items() if name not in _HEAD}
        details = rest.get("details")
        features = None
        if isinstance(details, dict) and "features" in details:
            features = details["features"]
            rest["details"] = {name: v for name, v in details.items() if name != "features"}
        return cls(
            str(match["id"]),
            float(match["score"]),
            int(match["rank"]),
            features,
            orjson.dumps(rest, option=orjson.OPT_SERIALIZE_NUMPY),
        )

    def to_dict(self) -> dict[str, Any]:
        match: dict[str, Any] = {"id": self.id, "score": self.score, "rank": self.rank}
        match.update(orjson.loads(self.rest))
        if self.features is not None:
            match["details"] = {**(match.get("details") or {}), "features": self.features}
        return match

    def rescored(self, score: float, rank: int, features: dict[str, Any]) -> StoredMatch:
        return StoredMatch(self.id, score, rank, features, self.rest)

    def line(self) -> bytes:
        head = orjson.dumps([self.id, self.score, self.rank, self.features])
        return head + b"\t" + self.rest

    @classmethod
    def from_line(cls, line: bytes) -> StoredMatch:
        head, tab, rest = line.partition(b"\t")
        if not tab:  # stored before the split (one JSON document per match)
            return cls.from_dict(orjson.loads(line))
        match_id, score, rank, features = orjson.loads(head)
        return cls(match_id, score, rank, features, rest)


def encode_matches(matches: Sequence[StoredMatch | dict[str, Any]]) -> bytes:
    """Ranked matches as stored: one line per match, compressed.

    A line is the match's score fields, a tab, and the rest of the match (see
    :class:`StoredMatch`); JSON escapes tabs and line breaks inside strings, so each line is
    one match and the best ``k`` decode without the rest. The matches repeat skill ids,
    course titles and feature names, so compression takes 20 of them from about 75 KB to
    about 5 KB: less to read from the store on every request, and less to write each night.
    """
    lines = b"\n".join(
        (m if isinstance(m, StoredMatch) else StoredMatch.from_dict(m)).line() for m in matches
    )
    return zlib.compress(lines, 1)


def decode_stored(payload: bytes, limit: int | None = None) -> tuple[StoredMatch, ...]:
    """The stored matches (see :func:`encode_matches`), or only the best ``limit``."""
    text = zlib.decompress(payload)
    if not text or limit == 0:
        return ()
    lines = text.split(b"\n") if limit is None else text.split(b"\n", limit)[:limit]
    return tuple(StoredMatch.from_line(line) for line in lines)


def decode_matches(payload: bytes, limit: int | None = None) -> tuple[dict[str, Any], ...]:
    """The stored matches as plain dicts, or only the best ``limit``."""
    return tuple(m.to_dict() for m in decode_stored(payload, limit))


def now() -> datetime:
    return datetime.now(UTC)
