"""The nightly batch on Ray: chunks of jobseekers ranked by actors, each holding its own
engine opened on the shared store, and saving its snapshots there itself.

Locally (``address=None``) Ray starts a one-machine cluster for the run and stops it after;
in production ``address`` names a running cluster whose nodes reach the same store (a
PostgreSQL URL) and data folder (the trained models). Planning, resumability and progress
are the driver's (:func:`matching.batch.batch_match`): a killed run, on any engine,
continues where it stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from matching.batch import Chunk, ChunkResult, ChunkRunner, settle, snapshot_chunk
from matching.batch_rank import BlockRanker, VacancyPool

logger = logging.getLogger(__name__)

IN_FLIGHT = 2  # chunks queued per actor, so none waits between chunks


class ChunkRanker:
    """A Ray actor's state: one engine and one vacancy pool, loaded once, ranking chunk
    after chunk."""

    def __init__(self, settings: dict[str, Any], depth: int) -> None:
        from karyab.service import Karyab
        from karyab.settings import Settings

        self.engine = Karyab.open(Settings(**settings))
        self.depth = depth
        self.ranker: BlockRanker | None = None

    def run(self, chunk: Chunk) -> ChunkResult:
        if self.ranker is None:
            matcher = self.engine.matcher
            pool = VacancyPool.load(
                self.engine.store, matcher, lexical_cache=self.engine.settings.lexical_cache
            )
            self.ranker = settle(BlockRanker(matcher, pool))
        return snapshot_chunk(self.engine.store, self.ranker, chunk, self.depth)


def ray_runner(
    settings: dict[str, Any],
    depth: int,
    *,
    address: str | None = None,
    workers: int = 2,
) -> ChunkRunner:
    """Chunks ranked by ``workers`` Ray actors (each loads the models: mind the memory)."""
    if workers < 1:
        raise ValueError("workers must be at least 1")

    def run(chunks: list[Chunk], done: Callable[[int, ChunkResult], object]) -> None:
        if not chunks:
            return
        import ray

        started_here = not ray.is_initialized()
        if started_here:
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if address is None:
                options["num_cpus"] = workers
            ray.init(address=address, logging_level=logging.WARNING, **options)
        try:
            remote = ray.remote(num_cpus=1)(ChunkRanker)
            actors = [remote.remote(settings, depth) for _ in range(min(workers, len(chunks)))]
            queue = list(chunks)
            pending: dict[Any, tuple[Any, int]] = {}

            def submit(actor: Any) -> None:
                if queue:
                    chunk = queue.pop(0)
                    pending[actor.run.remote(chunk)] = (actor, len(chunk))

            for actor in actors:
                for _ in range(IN_FLIGHT):
                    submit(actor)
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                actor, size = pending.pop(ready[0])
                result = ray.get(ready[0])  # an actor's error stops the run here, resumable
                done(size, result)
                submit(actor)
        finally:
            if started_here:
                ray.shutdown()

    return run
