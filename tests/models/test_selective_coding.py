"""Where to cut confidence for a target error, and what a cut does to checked titles."""

from __future__ import annotations

import numpy as np
import pytest

from models.selective_coding import (
    CheckedCut,
    cut_at,
    cut_for_target,
    threshold_for_error,
    wilson_interval,
)

CONFIDENCE = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
CORRECT = np.array([True, True, True, False, False])


def test_threshold_for_error_accepts_the_most_confident_within_the_target() -> None:
    assert threshold_for_error(CONFIDENCE, CORRECT, 0.0) == pytest.approx(0.7)
    assert threshold_for_error(CONFIDENCE, CORRECT, 0.25) == pytest.approx(0.6)
    assert threshold_for_error(CONFIDENCE, ~CORRECT, 0.0) == 1.01  # nothing is safe


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (0.95, CheckedCut(0.95, 5, 0, 0)),
        (0.7, CheckedCut(0.7, 5, 3, 0)),
        (0.6, CheckedCut(0.6, 5, 4, 1)),
        (0.0, CheckedCut(0.0, 5, 5, 2)),
    ],
)
def test_cut_at(threshold: float, expected: CheckedCut) -> None:
    assert cut_at(CONFIDENCE, CORRECT, threshold) == expected


def test_a_cut_reports_share_error_and_interval() -> None:
    cut = CheckedCut(0.6, 5, 4, 1)
    assert cut.share == pytest.approx(0.8)
    assert cut.error == pytest.approx(0.25)
    low, high = cut.interval or (0.0, 0.0)
    assert low < 0.25 < high
    empty = CheckedCut(0.99, 5, 0, 0)
    assert empty.error is None and empty.interval is None and empty.share == 0.0


def test_cut_for_target_takes_the_lowest_cut_within_the_target() -> None:
    cut = cut_for_target(CONFIDENCE, CORRECT, 0.25, min_auto_coded=1)
    assert cut == CheckedCut(0.6, 5, 4, 1)
    assert cut_for_target(CONFIDENCE, CORRECT, 0.0, min_auto_coded=1) == CheckedCut(0.7, 5, 3, 0)


def test_cut_for_target_needs_enough_checks() -> None:
    assert cut_for_target(CONFIDENCE, CORRECT, 0.25, min_auto_coded=5) is None
    assert cut_for_target(CONFIDENCE, ~CORRECT, 0.0, min_auto_coded=1) is None
    assert cut_for_target(np.array([]), np.array([], dtype=bool), 0.05) is None


def test_tied_confidences_are_accepted_or_refused_together() -> None:
    # The calibration is a step function: the two 0.8s cannot be split, and together
    # they err half the time.
    confidence = np.array([0.9, 0.9, 0.8, 0.8])
    correct = np.array([True, True, True, False])
    assert cut_for_target(confidence, correct, 0.3, min_auto_coded=1) == CheckedCut(0.8, 4, 4, 1)
    assert cut_for_target(confidence, correct, 0.2, min_auto_coded=1) == CheckedCut(0.9, 4, 2, 0)


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (0, 50, 0.0, 0.0714),
        (2, 50, 0.0110, 0.1346),
        (5, 100, 0.0215, 0.1118),
        (10, 10, 0.7225, 1.0),
    ],
)
def test_wilson_interval(successes: int, n: int, low: float, high: float) -> None:
    found = wilson_interval(successes, n)
    assert found == pytest.approx((low, high), abs=1e-3)


def test_wilson_interval_needs_trials() -> None:
    with pytest.raises(ValueError):
        wilson_interval(0, 0)
