"""Recommendations served from snapshots: ranked once (by the nightly batch or the first
request), then patched with the vacancies written since, instead of searched again.

A snapshot holds a jobseeker's best ``depth`` vacancies at a store generation. A request
is answered from it when the profile is unchanged: vacancies removed since are dropped,
vacancies written since (a day's intake, found through the store's change feed) are scored
for this jobseeker alone and merged in by score. A changed profile, a snapshot that lost too
many of its vacancies, or more changes than ``max_changes`` mean a full search, whose
result becomes the new snapshot.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from typing import Any, Literal, Protocol

from karyab.records import Match
from storage.errors import StoreError
from storage.snapshots import FirstStage, Snapshot, SnapshotState, StoredMatch, now

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SnapshotPolicy:
    """``depth``: matches kept per jobseeker (requests for more search live);
    ``max_changes``: vacancies written since a snapshot beyond which it is recomputed."""

    depth: int = 50
    max_changes: int = 2_000

    def __post_init__(self) -> None:
        if self.depth < 1 or self.max_changes < 0:
            raise ValueError("depth must be at least 1 and max_changes not negative")


class SnapshotStore(Protocol):
    def snapshot(self, jobseeker_id: str) -> Snapshot | None: ...
    def snapshot_head(
        self, jobseeker_id: str, k: int
    ) -> tuple[SnapshotState, tuple[dict[str, Any], ...]]: ...
    def save_snapshots(self, snapshots: list[Snapshot]) -> None: ...
    def record_seq(self, kind: Literal["vacancy", "jobseeker"], record_id: str) -> int | None: ...
    def generation(self) -> int: ...
    def changed_since(
        self, kind: Literal["vacancy", "jobseeker"], generation: int, limit: int
    ) -> list[str] | None: ...


class Ranker(Protocol):
    def recommend_vacancies(self, jobseeker_id: str, k: int = 10) -> list[Match]: ...
    def recommend_among(
        self, jobseeker_id: str, vacancy_ids: Iterable[str], k: int
    ) -> list[Match]: ...


_MATCH_FIELDS = tuple(field.name for field in fields(Match))


def match_to_dict(match: Match) -> dict[str, Any]:
    """The match's fields, for JSON: shallow, since the details are only read (``asdict``
    copies every nested dict and list, a cost the nightly batch pays per match)."""
    return {name: getattr(match, name) for name in _MATCH_FIELDS}


def match_from_dict(data: dict[str, Any]) -> Match:
    return Match(
        **{
            **data,
            "matched_skills": tuple(data.get("matched_skills") or ()),
            "missing_skills": tuple(data.get("missing_skills") or ()),
        }
    )


def _holds(state: SnapshotState, k: int) -> bool:
    """A snapshot exists for the profile as it is now and vouches for ``k`` positions."""
    return (
        state.snapshot_seq is not None
        and state.snapshot_seq == state.profile_seq
        and k <= (state.depth or 0)
    )


def _current(state: SnapshotState, head: tuple[dict[str, Any], ...], k: int) -> list[Match] | None:
    """The best ``k`` from a snapshot that holds them and is current (no vacancy written
    since it was computed), else None."""
    if not _holds(state, k) or state.watermark != state.generation:
        return None
    return [match_from_dict(m) for m in head]


def merge(kept: list[Match], fresh: list[Match], depth: int) -> list[Match]:
    """Best ``depth`` of both lists by score (ties by id), ranks renumbered from 1."""
    best = sorted([*kept, *fresh], key=lambda m: (-m.score, m.id))[:depth]
    return [replace(m, rank=rank) for rank, m in enumerate(best, start=1)]


class SnapshotRecommender:
    """Recommendations for stored jobseekers through snapshots (see the module docstring).

    ``live_vacancies`` says whether a vacancy is still searchable (the index's membership);
    ``ranker`` does the full search and the scoring of new vacancies, and is called under
    ``guard`` (the engine's lock) since it reads the index; ``sync(generation)`` brings the
    index up to the store first (another process may have written), and is skipped when
    the snapshot answers alone.
    """

    def __init__(
        self,
        store: SnapshotStore,
        ranker: Ranker,
        live_vacancies: Callable[[str], bool],
        guard: Any,
        sync: Callable[[int], object] | None = None,
        policy: SnapshotPolicy | None = None,
    ) -> None:
        self.store = store
        self.sync = sync or (lambda generation: None)
        self.ranker = ranker
        self.live_vacancies = live_vacancies
        self.guard = guard
        self.policy = policy or SnapshotPolicy()

    def cached(self, jobseeker_id: str, k: int) -> list[Match] | None:
        """The answer when a current snapshot holds it, else None: one small query, and
        only the ``k`` matches returned are decoded (no lock, no index, about 0.5 ms), cheap
        enough to run on the server's event loop. Every call decodes its own matches, so
        callers may change them."""
        if k > self.policy.depth:
            return None
        state, head = self.store.snapshot_head(jobseeker_id, k)
        return _current(state, head, k)

    def recommend(self, jobseeker_id: str, k: int) -> list[Match]:
        """The best ``k`` vacancies (``k`` ≤ depth), from the snapshot where it still holds."""
        if k > self.policy.depth:
            self.sync(self.store.generation())
            with self.guard:
                return self.ranker.recommend_vacancies(jobseeker_id, k)
        state, head = self.store.snapshot_head(jobseeker_id, k)
        found = _current(state, head, k)
        if found is not None:
            return found
        profile_seq, generation = state.profile_seq, state.generation
        if not _holds(state, k):
            return self.refresh(jobseeker_id, profile_seq, generation)[:k]
        assert profile_seq is not None  # _holds checked it
        version = (jobseeker_id, profile_seq, state.watermark)
        snapshot = self.store.snapshot(jobseeker_id)
        if snapshot is None or (snapshot.jobseeker_seq, snapshot.watermark) != version[1:]:
            return self.refresh(jobseeker_id, profile_seq, generation)[:k]  # raced a writer
        self.sync(generation)
        changed = self.store.changed_since("vacancy", snapshot.watermark, self.policy.max_changes)
        if changed is None:
            return self.refresh(jobseeker_id, profile_seq, generation)[:k]
        touched = set(changed)
        kept = [
            match_from_dict(m.to_dict())
            for m in snapshot.matches
            if m.id not in touched and self.live_vacancies(m.id)
        ]
        # The unchanged vacancies it holds are still the best unchanged ones down to its depth
        # less those it dropped (rewritten ones are scored again below, removed ones are gone).
        vouched = snapshot.depth - (len(snapshot.matches) - len(kept))
        if len(snapshot.matches) < snapshot.depth:  # it held every candidate there was
            vouched = snapshot.depth
        if k > vouched:
            return self.refresh(jobseeker_id, profile_seq, generation)[:k]
        with self.guard:
            fresh = self.ranker.recommend_among(jobseeker_id, changed, snapshot.depth)
        merged = merge(kept, fresh, snapshot.depth)
        # The nightly batch's first stage still describes this profile's ranking (every
        # changed vacancy was scored, cut or not), so tonight's batch can patch it again.
        self._save(jobseeker_id, profile_seq, generation, merged, vouched, snapshot.first_stage)
        return merged[:k]

    def refresh(
        self, jobseeker_id: str, profile_seq: int | None = None, generation: int | None = None
    ) -> list[Match]:
        """Search in full and keep the result as the jobseeker's snapshot."""
        if profile_seq is None:
            profile_seq = self.store.record_seq("jobseeker", jobseeker_id)
        if generation is None:
            generation = self.store.generation()
        self.sync(generation)
        with self.guard:
            matches = self.ranker.recommend_vacancies(jobseeker_id, self.policy.depth)
        if profile_seq is not None:
            self._save(jobseeker_id, profile_seq, generation, matches, self.policy.depth)
        return matches

    def _save(
        self,
        jobseeker_id: str,
        profile_seq: int,
        watermark: int,
        matches: list[Match],
        depth: int,
        first_stage: FirstStage | None = None,
    ) -> None:
        snapshot = Snapshot(
            jobseeker_id=jobseeker_id,
            jobseeker_seq=profile_seq,
            watermark=watermark,
            depth=depth,
            computed_at=now(),
            matches=tuple(StoredMatch.from_dict(match_to_dict(m)) for m in matches),
            first_stage=first_stage,
        )
        try:
            self.store.save_snapshots([snapshot])
        except StoreError as error:  # a busy store costs the next request a search, no more
            logger.warning("could not keep the snapshot of %s: %s", jobseeker_id, error)
