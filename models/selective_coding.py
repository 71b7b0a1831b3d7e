"""Selective coding arithmetic: where to cut confidence so that auto-coded titles err at most
a target rate, and what error a cut shows on titles people have coded.

The coder sets its own cut out of fold on the title index when it is trained. People's codes
for real titles (the coding review's decisions) measure the cut on the office's own data and
can set it again: statistical offices check a sample of their automatic coding the same way.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

# Fewer auto-coded checks than this cannot set a cut: at a 5 % target, 50 checks allow two
# errors, and the 95 % interval still spans 0.5 % to 13 %.
MIN_AUTO_CODED_CHECKS = 50
# A target error at or above this is not selective coding.
MAX_TARGET_ERROR = 0.5


@dataclass(frozen=True)
class CheckedCut:
    """What a confidence cut does to checked titles: of ``checked``, ``auto_coded`` are at
    or above it, and ``errors`` of those the coder got wrong."""

    threshold: float
    checked: int
    auto_coded: int
    errors: int

    @property
    def share(self) -> float:
        return self.auto_coded / self.checked if self.checked else 0.0

    @property
    def error(self) -> float | None:
        return self.errors / self.auto_coded if self.auto_coded else None

    @property
    def interval(self) -> tuple[float, float] | None:
        """The error's 95 % Wilson interval."""
        return wilson_interval(self.errors, self.auto_coded) if self.auto_coded else None

    def as_dict(self) -> dict[str, object]:
        """The counts with their share, error and interval, as plain data."""
        return {
            **asdict(self),
            "share": self.share,
            "error": self.error,
            "error_interval": self.interval,
        }


def threshold_for_error(confidence: np.ndarray, correct: np.ndarray, target: float) -> float:
    """Lowest confidence cut whose accepted predictions err at most ``target`` of the time
    (most confident first); 1.01, accepting nothing, where none does."""
    order = np.argsort(-confidence)
    errors = np.cumsum(~correct[order])
    accepted = np.arange(1, len(order) + 1)
    ok = errors / accepted <= target
    if not ok.any():
        return 1.01
    last = int(np.flatnonzero(ok).max())
    return float(confidence[order][last])


def cut_at(confidence: np.ndarray, correct: np.ndarray, threshold: float) -> CheckedCut:
    """:class:`CheckedCut` of accepting every confidence at or above ``threshold``."""
    accepted = confidence >= threshold
    return CheckedCut(
        threshold=float(threshold),
        checked=len(confidence),
        auto_coded=int(accepted.sum()),
        errors=int((accepted & ~correct).sum()),
    )


def cut_for_target(
    confidence: np.ndarray,
    correct: np.ndarray,
    target: float,
    min_auto_coded: int = MIN_AUTO_CODED_CHECKS,
) -> CheckedCut | None:
    """The lowest cut at which the checks accepted err at most ``target`` and number at
    least ``min_auto_coded``; None where no cut does. Ties in confidence (the calibration
    is a step function) are accepted or refused together, as the running coder does."""
    best: CheckedCut | None = None
    for threshold in np.unique(confidence)[::-1]:
        cut = cut_at(confidence, correct, float(threshold))
        if cut.auto_coded and cut.errors <= target * cut.auto_coded:
            best = cut
    if best is None or best.auto_coded < min_auto_coded:
        return None
    return best


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion (sound at 0 and with few trials)."""
    if n <= 0:
        raise ValueError("n must be positive")
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)
