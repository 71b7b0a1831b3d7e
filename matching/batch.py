"""The nightly batch: bring every jobseeker's snapshot up to the store and keep it.

A snapshot ranked in full keeps its first stage (``Snapshot.first_stage``); the next night
it is *patched* instead of ranked again (:meth:`BlockRanker.patch`): the vacancies written
since are scored where they pass a tier's cut, together with the ones it holds that are
unchanged; a vacancy it held that was removed or rewritten costs it a position it vouches
for. A snapshot without a first stage, of an older profile, vouching for under half its
depth, or older than a quarter of the market is ranked in full.

A run fixes its reference generation when it starts and records it in the store, so a run
that was killed continues where it stopped: the next run finds the marker, keeps the
reference, and skips every jobseeker whose snapshot is already at least that new. A profile
written since its snapshot is always redone. Snapshots are saved in chunks, one transaction
each, so at most one chunk of work is lost to a kill.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
from tqdm import tqdm

from karyab.records import Jobseeker, Match, Vacancy
from matching.batch_rank import BlockRanker, Ranked, VacancyPool
from matching.snapshots import match_to_dict
from storage.snapshots import FirstStage, Snapshot, StoredMatch, now

logger = logging.getLogger(__name__)

RUN_MARKER = "batch_match_reference"


class BatchStore(Protocol):
    def generation(self) -> int: ...
    def record_seqs(self, kind: Literal["vacancy", "jobseeker"]) -> Iterable[tuple[str, int]]: ...
    def snapshot_states(self) -> dict[str, tuple[int, int]]: ...
    def snapshots(self, jobseeker_ids: Iterable[str]) -> dict[str, Snapshot]: ...
    def save_snapshots(self, snapshots: list[Snapshot]) -> None: ...
    def meta_value(self, key: str) -> str | None: ...
    def set_meta_value(self, key: str, value: str | None) -> None: ...
    def get_many(
        self, kind: Literal["vacancy", "jobseeker"], ids: Iterable[str]
    ) -> dict[str, Vacancy | Jobseeker]: ...
    def get_vectors(
        self, kind: Literal["vacancy", "jobseeker"], ids: Iterable[str], which: Literal["query"]
    ) -> dict[str, np.ndarray]: ...


@dataclass(frozen=True)
class BatchReport:
    reference: int  # the store generation the snapshots are at least as new as
    resumed: bool  # an interrupted run's marker was found and kept
    jobseekers: int
    skipped: int  # already current
    matched: int
    seconds: float
    patched: int = 0  # of those matched, the snapshots patched instead of ranked in full

    @property
    def per_second(self) -> float:
        return self.matched / self.seconds if self.seconds else 0.0


def due(
    profiles: Iterable[tuple[str, int]], states: dict[str, tuple[int, int]], reference: int
) -> list[str]:
    """Jobseekers whose snapshot is missing, older than ``reference``, or of an older
    profile."""
    out = []
    for jobseeker_id, seq in profiles:
        state = states.get(jobseeker_id)
        if state is None or state[0] != seq or state[1] < reference:
            out.append(jobseeker_id)
    return out


# A slice of the run: (jobseeker id, the profile's updated_seq when the run listed it).
Chunk = list[tuple[str, int]]
# Ranks chunks and saves their snapshots wherever it runs, calling back with each chunk's
# size and result as it is done (for progress).
ChunkRunner = Callable[[list[Chunk], Callable[[int, "ChunkResult"], object]], None]

# A snapshot is patched while the vacancies written since are at most this share of the
# market, and while it still vouches for at least half its depth.
PATCH_SHARE = 0.25


@dataclass(frozen=True)
class ChunkResult:
    saved: int
    patched: int


@dataclass(frozen=True)
class _Patch:
    kept: list[StoredMatch]  # its matches still in the market as they were ranked
    vouched: int
    watermark: int
    stage: FirstStage | None  # of its last ranking


def _plan_patch(
    snapshot: Snapshot | None,
    profile_seq: int,
    pool: VacancyPool,
    depth: int,
    needs_stage: bool,
    new_since: dict[int, int],
) -> _Patch | None:
    """What patching ``snapshot`` keeps, or None when it is ranked in full instead.
    ``new_since``: watermark → vacancies written after it (a chunk's snapshots share few)."""
    if snapshot is None or snapshot.jobseeker_seq != profile_seq:
        return None
    if needs_stage and snapshot.first_stage is None:
        return None
    if new_since[snapshot.watermark] > PATCH_SHARE * len(pool):
        return None
    kept = [m for m in snapshot.matches if pool.unchanged_since(m.id, snapshot.watermark)]
    vouched = snapshot.depth - (len(snapshot.matches) - len(kept))
    if len(snapshot.matches) < snapshot.depth:  # it held every candidate there was
        vouched = snapshot.depth
    if vouched * 2 < depth:
        return None
    return _Patch(kept, vouched, snapshot.watermark, snapshot.first_stage)


def snapshot_chunk(store: BatchStore, ranker: BlockRanker, chunk: Chunk, depth: int) -> ChunkResult:
    """Patch or rank one chunk as a block and save its snapshots in one transaction. The
    snapshots are as new as the ranker's vacancy pool: a vacancy written since is patched
    in when the snapshot is served."""
    ids = [jobseeker_id for jobseeker_id, _ in chunk]
    stored = store.get_many("jobseeker", ids)
    vectors = store.get_vectors("jobseeker", ids, "query")
    # A jobseeker removed since the run listed it is skipped.
    present = [
        (j, seq) for j, seq in chunk if isinstance(stored.get(j), Jobseeker) and j in vectors
    ]
    if not present:
        return ChunkResult(0, 0)
    seekers: list[Jobseeker] = [stored[j] for j, _ in present]  # type: ignore[misc]
    queries = np.stack([vectors[j] for j, _ in present])
    pool = ranker.pool
    previous = store.snapshots([j for j, _ in present])
    needs_stage = ranker.matcher.reranking is not None
    new_since = {w: len(pool.written_after(w)) for w in {s.watermark for s in previous.values()}}
    plans = {
        position: plan
        for position, (j, seq) in enumerate(present)
        if (plan := _plan_patch(previous.get(j), seq, pool, depth, needs_stage, new_since))
        is not None
    }
    planned = list(plans)
    patches = ranker.patch(
        [seekers[p] for p in planned],
        queries[planned],
        [plans[p].watermark for p in planned],
        [plans[p].stage for p in planned],
        [plans[p].kept for p in planned],
        depth,
    )
    made: dict[int, tuple[Ranked, int]] = {}  # position → (ranked, the depth it vouches for)
    for position, patch in zip(planned, patches, strict=True):
        if patch is not None:
            made[position] = (patch, plans[position].vouched)
    patched = len(made)
    full = [p for p in range(len(present)) if p not in made]
    ranked = ranker.rank_block([seekers[p] for p in full], queries[full], depth)
    for position, one in zip(full, ranked, strict=True):
        made[position] = (one, depth)
    snapshots = [
        Snapshot(
            jobseeker_id=jobseeker_id,
            jobseeker_seq=profile_seq,
            watermark=pool.generation,
            depth=made[position][1],
            computed_at=now(),
            matches=tuple(_stored(m) for m in made[position][0].matches),
            first_stage=made[position][0].stage,
        )
        for position, (jobseeker_id, profile_seq) in enumerate(present)
    ]
    store.save_snapshots(snapshots)
    return ChunkResult(len(snapshots), patched)


def _stored(match: Match | StoredMatch) -> StoredMatch:
    return match if isinstance(match, StoredMatch) else StoredMatch.from_dict(match_to_dict(match))


def settle(ranker: BlockRanker) -> BlockRanker:
    """Take a freshly loaded ranker's objects out of the cyclic garbage collector's reach.

    A pool of 100,000 vacancies is over a million long-lived Python objects, and every full
    collection walks them all: 10 % of a night's time, measured. Frozen objects are still
    freed when their last reference goes; only cycles among them wait for ``gc.unfreeze``.
    """
    gc.collect()
    gc.freeze()
    return ranker


def local_runner(
    store: BatchStore, make_ranker: Callable[[], BlockRanker], depth: int
) -> ChunkRunner:
    """Chunks ranked one after another in this process; the ranker (and its vacancy pool)
    is made only when there is work."""

    def run(chunks: list[Chunk], done: Callable[[int, ChunkResult], object]) -> None:
        ranker: BlockRanker | None = None
        try:
            for chunk in chunks:
                ranker = ranker or settle(make_ranker())
                done(len(chunk), snapshot_chunk(store, ranker, chunk, depth))
        finally:
            if ranker is not None:
                gc.unfreeze()  # this process lives on (a test, a server): collect as usual

    return run


def batch_match(
    store: BatchStore,
    runner: ChunkRunner,
    *,
    chunk_size: int = 500,
    limit: int | None = None,
    show_progress: bool = False,
) -> BatchReport:
    """Snapshot the best vacancies of every jobseeker that is due, chunk by chunk through
    ``runner`` (:func:`local_runner`, or :func:`matching.batch_ray.ray_runner`).

    ``limit`` stops after that many jobseekers (a slice, for measuring), leaving the run
    resumable like a killed one.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    started = time.perf_counter()
    marker = store.meta_value(RUN_MARKER)
    resumed = marker is not None
    reference = int(marker) if marker is not None else store.generation()
    if not resumed:
        store.set_meta_value(RUN_MARKER, str(reference))
    profiles = list(store.record_seqs("jobseeker"))
    seqs = dict(profiles)
    todo = due(profiles, store.snapshot_states(), reference)
    skipped = len(profiles) - len(todo)
    if limit is not None:
        todo = todo[:limit]
    logger.info(
        "batch-match: %d jobseekers, %d current, %d to match (reference generation %d%s)",
        len(profiles),
        skipped,
        len(todo),
        reference,
        ", resumed" if resumed else "",
    )
    chunks = [
        [(j, seqs[j]) for j in todo[start : start + chunk_size]]
        for start in range(0, len(todo), chunk_size)
    ]
    matched = patched = 0

    def done(size: int, result: ChunkResult) -> None:
        nonlocal matched, patched
        matched += size
        patched += result.patched
        bar.update(size)

    progress = tqdm(total=len(todo), desc="batch-match", unit="profile", disable=not show_progress)
    with progress as bar:
        runner(chunks, done)
    if limit is None or matched == len(profiles) - skipped:
        store.set_meta_value(RUN_MARKER, None)  # finished: the next run starts afresh
    return BatchReport(
        reference=reference,
        resumed=resumed,
        jobseekers=len(profiles),
        skipped=skipped,
        matched=matched,
        seconds=time.perf_counter() - started,
        patched=patched,
    )
