"""Coding stored records again in the background, for the API: an administrator who sets a
stricter auto-coding cut (``PUT /v1/occupations/threshold``) starts the pass that applies it
to the records already stored, and follows it, without a shell on the server.

The pass's state lives in the store, not in the process: with ``serve --workers N`` any
worker answers for it, and one pass runs at a time across them. A pass stores each page in
its own transaction and leaves records written meanwhile to their writes
(:meth:`karyab.coding_review.CodingReview.recode`), so one stopped by a shutdown, or by a
worker that died, is safe to start again.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from karyab.coding_review import Kind, RecodeCounts

logger = logging.getLogger(__name__)

RecodeState = Literal["running", "done", "stopped", "failed"]
JOB_KEY = "recode_job"
# A running pass writes after every page (a few seconds at most): one silent this long died
# with its process.
SILENT_AFTER = timedelta(minutes=2)


class Recode(Protocol):
    """:meth:`karyab.service.Karyab.recode_occupations`."""

    def __call__(
        self,
        kind: Kind | None = None,
        *,
        actor: str,
        dry_run: bool = False,
        stop: Callable[[], bool] | None = None,
        progress: Callable[[str, RecodeCounts], None] | None = None,
    ) -> dict[str, RecodeCounts]: ...


class JobStore(Protocol):
    """The store's small named values (:class:`storage.sql_store.SqlStore`)."""

    def meta_value(self, key: str) -> str | None: ...

    def swap_meta_value(self, key: str, expected: str | None, value: str) -> bool: ...


@dataclass(frozen=True)
class RecodeJob:
    """One pass: what was asked, where it stands, and its counts by kind so far."""

    id: int
    kind: Kind | None
    dry_run: bool
    actor: str
    state: RecodeState
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None
    counts: Mapping[str, RecodeCounts] = field(default_factory=dict)
    error: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=datetime.isoformat, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> RecodeJob:
        data: dict[str, Any] = json.loads(raw)
        for name in ("started_at", "updated_at", "finished_at"):
            if data[name] is not None:
                data[name] = datetime.fromisoformat(data[name])
        data["counts"] = {kind: RecodeCounts(**tally) for kind, tally in data["counts"].items()}
        return cls(**data)


class RecodeBusyError(Exception):
    """A pass is already running."""


class RecodeRunner:
    """Runs :class:`Recode` passes on a thread of this process, one at a time across the
    processes sharing ``store``, and reads the latest pass's state from it."""

    def __init__(self, recode: Recode, store: JobStore) -> None:
        self._recode = recode
        self._store = store
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, kind: Kind | None = None, *, actor: str, dry_run: bool = False) -> RecodeJob:
        """Start a pass (:class:`RecodeBusyError` while one runs) and return its job."""
        if self._stop.is_set():
            raise RecodeBusyError("the service is shutting down")
        raw = self._store.meta_value(JOB_KEY)
        latest = _alive(RecodeJob.from_json(raw)) if raw else None
        if latest is not None and latest.state == "running":
            raise RecodeBusyError(
                f"recoding pass {latest.id} is still running (started "
                f"{latest.started_at.isoformat(timespec='seconds')})"
            )
        now = datetime.now(UTC)
        number = latest.id + 1 if latest else 1
        job = RecodeJob(number, kind, dry_run, actor, "running", now, now)
        written = job.to_json()
        if not self._store.swap_meta_value(JOB_KEY, raw, written):
            raise RecodeBusyError("another recoding pass was started at the same moment")
        self._thread = threading.Thread(
            target=self._run, args=(job, written), name=f"recode-{number}", daemon=True
        )
        self._thread.start()
        return job

    def latest(self) -> RecodeJob | None:
        """The running pass, or the last one; None before the first. A pass whose process
        died mid-way reads as stopped."""
        raw = self._store.meta_value(JOB_KEY)
        return _alive(RecodeJob.from_json(raw)) if raw else None

    def close(self, timeout: float = 60.0) -> None:
        """Stop a running pass after its current page and wait for it (at most ``timeout``
        seconds): the store closes after this."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                logger.warning("recoding pass still running after %.0f s at shutdown", timeout)

    def _run(self, job: RecodeJob, written: str) -> None:
        # Each state is written over the one this pass wrote last. Should that fail, another
        # process took the job over (this one had gone silent): stop.
        lost = threading.Event()

        def stop() -> bool:
            return self._stop.is_set() or lost.is_set()

        def write(next_job: RecodeJob) -> None:
            nonlocal job, written
            fresh = next_job.to_json()
            if self._store.swap_meta_value(JOB_KEY, written, fresh):
                job, written = next_job, fresh
            else:
                logger.warning("recoding pass %d was taken over; stopping it", job.id)
                lost.set()

        def progress(kind: str, tally: RecodeCounts) -> None:
            write(replace(job, counts={**job.counts, kind: tally}, updated_at=datetime.now(UTC)))

        state: RecodeState = "done"
        error = None
        counts: dict[str, RecodeCounts] = {}
        try:
            counts = self._recode(
                job.kind, actor=job.actor, dry_run=job.dry_run, stop=stop, progress=progress
            )
            if stop():
                state = "stopped"
        except Exception as failure:  # the job reports it; the service goes on
            logger.exception("recoding pass %d failed", job.id)
            state, error = "failed", f"{type(failure).__name__}: {failure}"
        if lost.is_set():
            return
        now = datetime.now(UTC)
        write(
            replace(
                job,
                state=state,
                updated_at=now,
                finished_at=now,
                counts={**job.counts, **counts},
                error=error,
            )
        )


def _alive(job: RecodeJob) -> RecodeJob:
    """``job``, or, when it says it runs but has written nothing for too long, the same job
    as stopped."""
    if job.state == "running" and datetime.now(UTC) - job.updated_at > SILENT_AFTER:
        return replace(job, state="stopped")
    return job
