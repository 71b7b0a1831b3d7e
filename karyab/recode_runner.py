"""Coding stored records again in the background, for the API: an administrator who sets a
stricter auto-coding cut (``PUT /v1/occupations/threshold``) starts the pass that applies it
to the records already stored, and follows it, without a shell on the server.

One pass runs at a time. A pass stores each page in its own transaction and leaves records
written meanwhile to their writes (:meth:`karyab.coding_review.CodingReview.recode`), so one
stopped by a shutdown is safe to start again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal, Protocol

from karyab.coding_review import Kind, RecodeCounts

logger = logging.getLogger(__name__)

RecodeState = Literal["running", "done", "stopped", "failed"]


class Recode(Protocol):
    """:meth:`karyab.service.Karyab.recode_occupations`."""

    def __call__(
        self,
        kind: Kind | None = None,
        *,
        actor: str,
        dry_run: bool = False,
        stop: threading.Event | None = None,
        progress: Callable[[str, RecodeCounts], None] | None = None,
    ) -> dict[str, RecodeCounts]: ...


@dataclass(frozen=True)
class RecodeJob:
    """One pass: what was asked, where it stands, and its counts by kind so far."""

    id: int
    kind: Kind | None
    dry_run: bool
    actor: str
    state: RecodeState
    started_at: datetime
    finished_at: datetime | None = None
    counts: Mapping[str, RecodeCounts] = field(default_factory=dict)
    error: str | None = None


class RecodeBusyError(Exception):
    """A pass is already running."""


class RecodeRunner:
    """Runs :class:`Recode` passes on a thread of their own, one at a time, and keeps the
    latest pass's state for whoever asks."""

    def __init__(self, recode: Recode) -> None:
        self._recode = recode
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._job: RecodeJob | None = None

    def start(self, kind: Kind | None = None, *, actor: str, dry_run: bool = False) -> RecodeJob:
        """Start a pass (:class:`RecodeBusyError` while one runs) and return its job."""
        with self._lock:
            if self._job is not None and self._job.state == "running":
                raise RecodeBusyError(
                    f"recoding pass {self._job.id} is still running (started "
                    f"{self._job.started_at.isoformat(timespec='seconds')})"
                )
            if self._stop.is_set():
                raise RecodeBusyError("the service is shutting down")
            number = self._job.id + 1 if self._job else 1
            job = RecodeJob(number, kind, dry_run, actor, "running", datetime.now(UTC))
            self._job = job
            self._thread = threading.Thread(
                target=self._run, args=(job,), name=f"recode-{number}", daemon=True
            )
            self._thread.start()
            return job

    def latest(self) -> RecodeJob | None:
        """The running pass, or the last one that ran; None before the first."""
        with self._lock:
            return self._job

    def close(self, timeout: float = 60.0) -> None:
        """Stop a running pass after its current page and wait for it (at most ``timeout``
        seconds): the store closes after this."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                logger.warning("recoding pass still running after %.0f s at shutdown", timeout)

    def _run(self, job: RecodeJob) -> None:
        def progress(kind: str, tally: RecodeCounts) -> None:
            with self._lock:
                if self._job is not None and self._job.id == job.id:
                    self._job = replace(self._job, counts={**self._job.counts, kind: tally})

        state: RecodeState = "done"
        error = None
        counts: dict[str, RecodeCounts] = {}
        try:
            counts = self._recode(
                job.kind, actor=job.actor, dry_run=job.dry_run, stop=self._stop, progress=progress
            )
            if self._stop.is_set():
                state = "stopped"
        except Exception as failure:  # the job reports it; the service goes on
            logger.exception("recoding pass %d failed", job.id)
            state, error = "failed", f"{type(failure).__name__}: {failure}"
        with self._lock:
            current = self._job if self._job is not None else job
            self._job = replace(
                current,
                state=state,
                finished_at=datetime.now(UTC),
                counts={**current.counts, **counts},
                error=error,
            )
