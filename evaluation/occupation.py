"""Occupation-coding evaluation: accuracy at each ISCO level, selective coding, calibration.

The labelled set is a TSV with ``id``, ``title``, ``code`` (the reconciled 4-digit code) and
``alternatives`` (other acceptable codes, comma-separated: where the independent coders
disagreed, or where the title is genuinely ambiguous). A prediction counts as right at a
level when its code's first ``level`` digits equal those of the code or of an alternative.
"""

from __future__ import annotations

import csv
import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from models.encoder import Encoder, TextKind
from models.occupation_coder import (
    OccupationCoder,
    OccupationPrediction,
    core_key,
    occupation_key,
)
from models.selective_coding import cut_for_target

logger = logging.getLogger(__name__)

LEVELS = (1, 2, 3, 4)


@dataclass(frozen=True)
class LabelledTitle:
    id: str
    title: str
    code: str
    alternatives: tuple[str, ...] = ()

    @property
    def acceptable(self) -> tuple[str, ...]:
        return (self.code, *self.alternatives)


class Coder(Protocol):
    def predict(self, texts: Sequence[str], top_k: int = 5) -> list[OccupationPrediction]: ...


def load_labelled(path: Path) -> list[LabelledTitle]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            LabelledTitle(
                id=row["id"],
                title=row["title"],
                code=row["code"],
                alternatives=tuple(c for c in row.get("alternatives", "").split(",") if c),
            )
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]


def _hit(predicted: str, item: LabelledTitle, level: int) -> bool:
    return any(predicted[:level] == code[:level] for code in item.acceptable)


def reliability_curve(
    confidence: np.ndarray, correct: np.ndarray, bins: int = 10
) -> list[dict[str, float]]:
    """Mean confidence against observed accuracy per equal-width confidence bin."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    curve = []
    for low, high in itertools.pairwise(edges):
        inside = (confidence >= low) & ((confidence < high) | (high == 1.0))
        if inside.any():
            curve.append(
                {
                    "low": float(low),
                    "high": float(high),
                    "count": int(inside.sum()),
                    "confidence": float(confidence[inside].mean()),
                    "accuracy": float(correct[inside].mean()),
                }
            )
    return curve


def coverage_at_error(confidence: np.ndarray, correct: np.ndarray, error: float) -> float:
    """Largest share of items that can be auto-coded, most confident first, within ``error``."""
    if len(confidence) == 0:
        return 0.0
    order = np.argsort(-confidence, kind="stable")
    errors = np.cumsum(~correct[order])
    rates = errors / np.arange(1, len(order) + 1)
    ok = np.flatnonzero(rates <= error)
    return float((ok.max() + 1) / len(order)) if len(ok) else 0.0


def checked_cut_holdout(
    confidence: np.ndarray, correct: np.ndarray, target: float, splits: int = 50, seed: int = 0
) -> tuple[float, float]:
    """The cut set from people's checks (:func:`models.selective_coding.cut_for_target`),
    measured honestly: set on a random half of the labelled titles, as if people had coded
    them, and applied to the other half. Returns the share of the held-out halves
    auto-coded and the error of those, pooled over ``splits`` random halvings."""
    rng = np.random.default_rng(seed)
    accepted = wrong = seen = 0
    for _ in range(splits):
        order = rng.permutation(len(confidence))
        checked, held = order[: len(order) // 2], order[len(order) // 2 :]
        seen += len(held)
        cut = cut_for_target(confidence[checked], correct[checked], target)
        if cut is None:
            continue
        taken = confidence[held] >= cut.threshold
        accepted += int(taken.sum())
        wrong += int((taken & ~correct[held]).sum())
    return (accepted / seen if seen else 0.0), (wrong / accepted if accepted else 0.0)


def decision_learning_holdout(
    items: Sequence[LabelledTitle],
    base: OccupationCoder,
    texts: Sequence[str],
    codes: Sequence[str],
    splits: int = 3,
    seed: int = 0,
) -> dict[str, float]:
    """What an office's decisions teach the coder, measured honestly: on each of ``splits``
    random halvings of the labelled titles, one half is taught as people's decisions
    (``karyab train-occupations --from-decisions`` does the same with a store's) and both
    the project's coder ``base`` (trained on ``texts``/``codes``) and the taught one code
    the other half. Returns both coders' 4-digit accuracy@1/@5, major-group accuracy@1
    and coverage at 5 % error, averaged over the halvings."""
    from models.occupation_training import DecisionExample, with_decisions

    encoder = _Remembering(base.encoder, base.keys_, base.vectors_)
    rng = np.random.default_rng(seed)
    rows: dict[str, list[float]] = {}
    for split in range(splits):
        order = rng.permutation(len(items))
        taught = [items[i] for i in order[: len(order) // 2]]
        held = OccupationCodingEvaluator([items[i] for i in order[len(order) // 2 :]])
        decisions = [DecisionExample(item.id, item.title, item.code) for item in taught]
        all_texts, all_codes, always = with_decisions(texts, codes, decisions)
        coder = OccupationCoder(base.taxonomy, encoder, random_state=base.random_state)
        coder.fit(all_texts, all_codes, always_train=always)
        for name, each in (("project", base), ("taught", coder)):
            metrics = held.score(held.predictions(each))
            for metric in FORM_METRICS:
                rows.setdefault(f"{name}_{metric}", []).append(metrics[metric])
        logger.info("decision learning: halving %d of %d done", split + 1, splits)
    return {name: float(np.mean(values)) for name, values in rows.items()}


def index_agreement(
    items: Sequence[LabelledTitle],
    coder: OccupationCoder,
    predictions: Sequence[OccupationPrediction],
) -> dict[str, float]:
    """How far the coder's training titles and the labels follow the same conventions, with
    no ranking involved: on the labelled titles whose key (or key without brackets) is a
    training title's, verbatim, the share where a code the training data gives that title
    is acceptable to the labels, and the coder's accuracy@1 on them. Where such lookups err
    more often than the target error, the coder's surest codes, which follow them, do too."""
    codes_by_key: dict[str, set[str]] = {}
    for key, code in zip(coder.keys_, coder.labels_, strict=True):
        codes_by_key.setdefault(key, set()).add(str(code))
    agree: list[bool] = []
    right: list[bool] = []
    for item, prediction in zip(items, predictions, strict=True):
        key = occupation_key(item.title)
        codes = codes_by_key.get(key) or codes_by_key.get(core_key(key))
        if codes is None:
            continue
        agree.append(any(_hit(code, item, 4) for code in codes))
        right.append(bool(prediction.candidates) and _hit(prediction.candidates[0].code, item, 4))
    return {
        "titles": float(len(agree)),
        "share": len(agree) / len(items) if items else 0.0,
        "lookup_agreement": float(np.mean(agree)) if agree else 0.0,
        "coder_accuracy@1": float(np.mean(right)) if right else 0.0,
    }


class _Remembering:
    """An encoder that answers titles the project's coder has already encoded from its
    vectors: teaching a coder a few hundred titles then encodes only those."""

    def __init__(self, encoder: Encoder, keys: Sequence[str], vectors: np.ndarray) -> None:
        self.encoder = encoder
        self.name, self.dim = encoder.name, encoder.dim
        self.known = dict(zip(keys, vectors, strict=True))

    def encode(
        self,
        texts: Sequence[str],
        kind: TextKind,
        *,
        batch_size: int = 32,
        show_progress: bool = False,
    ) -> np.ndarray:
        if kind != "query" or not texts:  # the coder's vectors are query vectors
            return self.encoder.encode(texts, kind, batch_size=batch_size)
        missing = [t for t in dict.fromkeys(texts) if t not in self.known]
        if missing:
            fresh = self.encoder.encode(missing, kind, batch_size=batch_size)
            self.known.update(zip(missing, fresh, strict=True))
        return np.stack([self.known[t] for t in texts])


# How a labelled title is presented to the coder: as itself, or inside a vacancy text or a CV
# (project-written templates around it), to measure that longer texts are coded by the
# line naming the occupation.
TEXT_FORMS = ("title", "vacancy", "cv_labelled", "cv_history")
FORM_METRICS = ("accuracy@1_4digit", "accuracy@5_4digit", "accuracy@1_1digit", "coverage@error0.05")
_NAMES = ("علی رضایی", "مریم احمدی", "حسین کریمی", "زهرا موسوی", "Reza Karimi")
_EMPLOYERS = ("شرکت آلفا", "گروه صنعتی پارس", "فروشگاه رفاه", "Snapp", "کارخانه نمونه")


def as_text(item: LabelledTitle, form: str) -> str:
    """``item``'s title as the coder meets it in ``form`` (one of :data:`TEXT_FORMS`)."""
    if form == "title":
        return item.title
    pick = sum(item.id.encode()) % len(_NAMES)
    name, employer = _NAMES[pick], _EMPLOYERS[pick]
    if form == "vacancy":
        return (
            f"{item.title}\nشرح وظایف: پیگیری امور محوله و همکاری با تیم\n"
            "ساعت کاری: شنبه تا چهارشنبه ۸ تا ۱۷\nسابقه کار:\n- حداقل ۲ سال\nمزایا: بیمه"
        )
    if form == "cv_labelled":
        return (
            f"رزومه\nنام و نام خانوادگی: {name}\nتلفن: ۰۹۱۲۳۴۵۶۷۸۹\n"
            f"عنوان شغلی: {item.title}\nتحصیلات: کارشناسی"
        )
    if form == "cv_history":
        # The current post comes second, after an older one in another occupation.
        return (
            f"رزومه\n{name}\nتلفن: ۰۹۱۲۳۴۵۶۷۸۹\nسوابق کاری\n"
            f"- فروشنده، {employer} (۱۳۹۵-۱۳۹۸)\n- {item.title}، {employer} (۱۳۹۸ تا کنون)\n"
            "تحصیلات\nکارشناسی"
        )
    raise ValueError(f"unknown text form {form!r}; expected one of {TEXT_FORMS}")


@dataclass
class OccupationCodingEvaluator:
    """``evaluator(coder) -> dict``: flat metric names, primary ``accuracy@1_4digit``."""

    items: Sequence[LabelledTitle]
    target_error: float = 0.05
    primary_metric: str = "accuracy@1_4digit"

    def predictions(self, coder: Coder, form: str = "title") -> list[OccupationPrediction]:
        return coder.predict([as_text(item, form) for item in self.items], top_k=5)

    def __call__(self, coder: Coder) -> dict[str, float]:
        return self.score(self.predictions(coder))

    def score(self, predictions: Sequence[OccupationPrediction]) -> dict[str, float]:
        metrics: dict[str, float] = {}
        for level in LEVELS:
            at1 = [
                bool(p.candidates) and _hit(p.candidates[0].code, item, level)
                for p, item in zip(predictions, self.items, strict=True)
            ]
            at5 = [
                any(_hit(c.code, item, level) for c in p.candidates[:5])
                for p, item in zip(predictions, self.items, strict=True)
            ]
            name = f"{level}digit"
            metrics[f"accuracy@1_{name}"] = float(np.mean(at1))
            metrics[f"accuracy@5_{name}"] = float(np.mean(at5))
        confidence = np.array([p.confidence for p in predictions])
        correct = np.array(
            [
                bool(p.candidates) and _hit(p.candidates[0].code, item, 4)
                for p, item in zip(predictions, self.items, strict=True)
            ]
        )
        accepted = np.array([not p.abstain for p in predictions])
        metrics[f"coverage@error{self.target_error:g}"] = coverage_at_error(
            confidence, correct, self.target_error
        )
        metrics["auto_coded_share"] = float(accepted.mean())
        metrics["auto_coded_error"] = float(1 - correct[accepted].mean()) if accepted.any() else 0.0
        share, error = checked_cut_holdout(confidence, correct, self.target_error)
        metrics["checked_cut_share"] = share
        metrics["checked_cut_error"] = error
        metrics["n"] = float(len(self.items))
        return metrics
