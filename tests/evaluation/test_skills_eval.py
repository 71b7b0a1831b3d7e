"""Skill-extraction metrics on hand-made predictions, and the bundled annotated set."""

from __future__ import annotations

import pytest

from evaluation.skills import (
    AnnotatedDocument,
    DocumentResult,
    SkillExtractionEvaluator,
    load_annotated,
)
from skills.inference import InferredSkill


def _skill(skill_id: str, source: str = "explicit", labels: tuple[str, ...] = ()) -> InferredSkill:
    return InferredSkill(skill_id, skill_id, skill_id, labels or (skill_id,), 0.9, source, None)  # type: ignore[arg-type]


def test_precision_recall_and_alternatives() -> None:
    document = AnnotatedDocument(
        id="d1",
        kind="vacancy",
        style="form",
        text="...",
        tags=("Python", "اکسل", "Git"),
        gold=(frozenset({"a", "a-alt"}), frozenset({"b"}), frozenset({"c"})),
    )
    predicted = [
        _skill("a-alt", labels=("پایتون", "Python")),  # an accepted alternative of "a"
        _skill("b", labels=("صفحه‌گسترده", "اکسل")),
        _skill("x"),  # wrong
        _skill("c", source="occupation"),  # not explicit: recall@k only
    ]
    metrics = SkillExtractionEvaluator([document]).metrics([DocumentResult(document, predicted)])
    assert metrics["explicit_precision"] == pytest.approx(2 / 3)
    assert metrics["explicit_recall"] == pytest.approx(2 / 3)
    assert metrics["expected_recall@20"] == pytest.approx(1.0)
    assert metrics["tag_recovery@20"] == pytest.approx(2 / 3)
    assert metrics["explicit_precision[form]"] == pytest.approx(2 / 3)


def test_tags_compare_without_spaces_or_zwnj() -> None:
    document = AnnotatedDocument("d", "vacancy", "form", "", ("صندوقداری", "تایپ ده انگشتی"))
    predicted = [_skill("s", labels=("صندوق‌داری",)), _skill("t", labels=("تایپ ده‌انگشتی",))]
    metrics = SkillExtractionEvaluator([document]).metrics([DocumentResult(document, predicted)])
    assert metrics["tag_recovery@20"] == 1.0


def test_nothing_predicted_scores_zero_not_error() -> None:
    document = AnnotatedDocument("d", "cv", "form", "", (), (frozenset({"a"}),))
    metrics = SkillExtractionEvaluator([document]).metrics([DocumentResult(document, [])])
    assert metrics["explicit_precision"] == 0.0 and metrics["explicit_recall"] == 0.0


def test_bundled_set_is_well_formed() -> None:
    documents = load_annotated()
    assert len(documents) >= 100
    assert {d.kind for d in documents} == {"vacancy", "cv"}
    assert sum(len(d.gold) for d in documents) >= 800
    for document in documents:
        assert document.text.strip() and document.gold, document.id
        if document.kind == "vacancy":
            assert document.tags, document.id
