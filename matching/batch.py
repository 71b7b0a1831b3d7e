"""The nightly batch: rank every jobseeker's vacancies again and keep them as snapshots.

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

from karyab.records import Jobseeker, Vacancy
from matching.batch_rank import BlockRanker
from matching.snapshots import match_to_dict
from storage.snapshots import Snapshot, now

logger = logging.getLogger(__name__)

RUN_MARKER = "batch_match_reference"


class BatchStore(Protocol):
    def generation(self) -> int: ...
    def record_seqs(self, kind: Literal["vacancy", "jobseeker"]) -> Iterable[tuple[str, int]]: ...
    def snapshot_states(self) -> dict[str, tuple[int, int]]: ...
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
# size as it is done (for progress).
ChunkRunner = Callable[[list[Chunk], Callable[[int], object]], None]


def snapshot_chunk(store: BatchStore, ranker: BlockRanker, chunk: Chunk, depth: int) -> int:
    """Rank one chunk as a block and save its snapshots in one transaction; returns how
    many. The snapshots are as new as the ranker's vacancy pool: a vacancy written since is
    patched in when the snapshot is served."""
    ids = [jobseeker_id for jobseeker_id, _ in chunk]
    stored = store.get_many("jobseeker", ids)
    vectors = store.get_vectors("jobseeker", ids, "query")
    # A jobseeker removed since the run listed it is skipped.
    present = [
        (j, seq) for j, seq in chunk if isinstance(stored.get(j), Jobseeker) and j in vectors
    ]
    if not present:
        return 0
    seekers = [stored[j] for j, _ in present]
    ranked = ranker.rank(
        seekers,  # type: ignore[arg-type]
        np.stack([vectors[j] for j, _ in present]),
        depth,
    )
    snapshots = [
        Snapshot(
            jobseeker_id=jobseeker_id,
            jobseeker_seq=profile_seq,
            watermark=ranker.pool.generation,
            depth=depth,
            computed_at=now(),
            matches=tuple(match_to_dict(m) for m in matches),
        )
        for (jobseeker_id, profile_seq), matches in zip(present, ranked, strict=True)
    ]
    store.save_snapshots(snapshots)
    return len(snapshots)


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

    def run(chunks: list[Chunk], done: Callable[[int], object]) -> None:
        ranker: BlockRanker | None = None
        try:
            for chunk in chunks:
                ranker = ranker or settle(make_ranker())
                snapshot_chunk(store, ranker, chunk, depth)
                done(len(chunk))
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
    matched = 0

    def done(size: int) -> None:
        nonlocal matched
        matched += size
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
    )
