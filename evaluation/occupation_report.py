"""Write the occupation-coding evaluation report: metrics, reliability curve, worst errors."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from evaluation.occupation import (
    LabelledTitle,
    OccupationCodingEvaluator,
    reliability_curve,
)
from models.occupation_coder import OccupationPrediction

logger = logging.getLogger(__name__)


def worst_errors(
    items: Sequence[LabelledTitle], predictions: Sequence[OccupationPrediction], n: int = 20
) -> list[dict[str, object]]:
    """The wrong top codes the coder was most sure of."""
    wrong = [
        (p.confidence, item, p)
        for item, p in zip(items, predictions, strict=True)
        if not p.candidates or p.candidates[0].code not in item.acceptable
    ]
    wrong.sort(key=lambda row: -row[0])
    return [
        {
            "id": item.id,
            "title": item.title,
            "expected": ",".join(item.acceptable),
            "predicted": p.candidates[0].code if p.candidates else "",
            "predicted_title": p.candidates[0].title_en if p.candidates else "",
            "confidence": round(confidence, 3),
            "abstain": p.abstain,
            "rank_of_expected": next(
                (r for r, c in enumerate(p.candidates, start=1) if c.code in item.acceptable),
                0,
            ),
        }
        for confidence, item, p in wrong[:n]
    ]


def _plot_reliability(curve: list[dict[str, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(5, 5))
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    axes.plot(
        [b["confidence"] for b in curve],
        [b["accuracy"] for b in curve],
        marker="o",
        label="karyab coder",
    )
    for b in curve:
        axes.annotate(str(b["count"]), (b["confidence"], b["accuracy"]), fontsize=7)
    axes.set_xlabel("confidence (calibrated)")
    axes.set_ylabel("observed 4-digit accuracy")
    axes.set_title("Occupation coding: reliability")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.legend(loc="upper left")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def write_report(
    evaluator: OccupationCodingEvaluator,
    predictions: Sequence[OccupationPrediction],
    out_dir: Path,
    extra: dict[str, object] | None = None,
) -> dict[str, float]:
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics = evaluator.score(predictions)
    confidence = np.array([p.confidence for p in predictions])
    correct = np.array(
        [
            bool(p.candidates) and p.candidates[0].code in item.acceptable
            for p, item in zip(predictions, evaluator.items, strict=True)
        ]
    )
    curve = reliability_curve(confidence, correct)
    (out_dir / "metrics.json").write_text(
        json.dumps({"metrics": metrics, "reliability": curve, **(extra or {})}, indent=2)
    )
    errors = worst_errors(evaluator.items, predictions)
    with (out_dir / "worst_errors.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=list(errors[0]) if errors else ["id"], delimiter="\t"
        )
        writer.writeheader()
        writer.writerows(errors)
    _plot_reliability(curve, out_dir / "reliability.png")
    logger.info("wrote the occupation-coding report to %s", out_dir)
    return metrics
