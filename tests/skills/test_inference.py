"""Skills inference: sources, evidence, boilerplate, bad input."""

from __future__ import annotations

import numpy as np

from models.encoder import HashingEncoder
from skills.implicit import ImplicitConfig, ImplicitSkillMatcher
from skills.inference import OccupationHint, SkillInferencer
from taxonomy.skills import SkillTaxonomy

AD = """استخدام حسابدار (خانم) - تهران
درباره ما:
شرکت آوا با ۲۰ سال سابقه، تولیدکننده نرم‌افزارهای حسابداری و مجری آموزش اکسل.
شرایط احراز:
- مسلط به نرم افزار سپیدار و اکسل
- آشنایی با زبان انگليسي
- روحیه کار تیمی
مزایا:
بیمه تکمیلی، عیدی و سنوات طبق قانون کار
"""


def _by_label(skills: list) -> dict[str, object]:  # type: ignore[type-arg]
    return {s.label_fa: s for s in skills}


def test_explicit_skills_with_evidence(skill_inferencer: SkillInferencer) -> None:
    found = _by_label(skill_inferencer.infer(AD, code_occupation=False))
    sepidar = found["نرم‌افزار حسابداری سپیدار"]
    assert sepidar.source == "explicit"  # type: ignore[attr-defined]
    # Evidence is quoted from the normalised text (the ZWNJ restored).
    assert sepidar.evidence == "نرم‌افزار سپیدار"  # type: ignore[attr-defined]
    assert 0.8 <= sepidar.score <= 0.99  # type: ignore[attr-defined]
    assert "زبان انگلیسی" in found
    assert "کار تیمی" in found


def test_boilerplate_is_not_mined(skill_inferencer: SkillInferencer) -> None:
    found = _by_label(skill_inferencer.infer(AD, code_occupation=False))
    # "قانون کار" stands only in the benefits; "بیمه تکمیلی" likewise.
    assert "قانون کار" not in found
    assert all("بیمه" not in label for label in found)


def test_ranked_by_score_and_cut_at_top_k(skill_inferencer: SkillInferencer) -> None:
    found = skill_inferencer.infer(AD, top_k=3, code_occupation=False)
    assert len(found) == 3
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)


def test_occupation_skills_are_marked_and_ranked_below_explicit(
    skill_inferencer: SkillInferencer,
) -> None:
    found = skill_inferencer.infer(AD, top_k=60, occupation=OccupationHint("3313", 1.0))
    sources = [s.source for s in found]
    assert "occupation" in sources
    occupation = [s for s in found if s.source == "occupation"]
    explicit = [s for s in found if s.source == "explicit"]
    assert max(s.score for s in occupation) < min(s.score for s in explicit)
    assert all(s.evidence and s.evidence.startswith("ISCO 3313") for s in occupation)


def test_skill_record_shape(skill_inferencer: SkillInferencer) -> None:
    [first, *_] = skill_inferencer.infer("مسلط به پایتون", code_occupation=False)
    record = first.to_dict()
    assert set(record) == {"id", "label_fa", "label_en", "labels", "score", "source", "evidence"}
    assert "Python" in record["labels"] or "python" in [
        label.lower()
        for label in record["labels"]  # type: ignore[union-attr]
    ]


def test_empty_and_meaningless_texts(skill_inferencer: SkillInferencer) -> None:
    assert skill_inferencer.infer("") == []
    assert skill_inferencer.infer("   \n ") == []
    assert skill_inferencer.infer("با ما آینده را بسازید!", code_occupation=False) == []


def test_scraped_glued_list(skill_inferencer: SkillInferencer) -> None:
    found = _by_label(
        skill_inferencer.infer("مهارت‌ها: اکسلوردپاورپوینت، تایپسریع", code_occupation=False)
    )
    assert "کار با نرم‌افزار صفحه‌گسترده" in found
    assert "کار با نرم‌افزارهای ارائه" in found


def test_many_texts_keep_their_order(skill_inferencer: SkillInferencer) -> None:
    texts = ["مسلط به پایتون", "", "گواهینامه پایه یک"]
    results = skill_inferencer.infer_many(texts, code_occupations=False)
    assert [bool(r) for r in results] == [True, False, True]
    assert results[2][0].label_fa == "گواهینامه رانندگی پایه یکم"


def test_implicit_matcher_needs_shared_words(skill_taxonomy: SkillTaxonomy) -> None:
    """The implicit view keeps only labels close in embedding space that share content
    words with the sentence; with a lexical encoder the match is the label's own phrase."""
    matcher = ImplicitSkillMatcher(
        skill_taxonomy, HashingEncoder(), ImplicitConfig(min_similarity=0.3, min_margin=0.0)
    )
    hits = matcher.match(["پنج سال تهیه اظهارنامه مالیاتی شرکت‌ها را انجام داده‌ام"])
    assert hits
    labels = {skill_taxonomy.get(h.skill_id).label_fa for h in hits}
    assert any("اظهارنامه" in label or "مالیات" in label for label in labels), labels
    assert matcher.match(["کوتاه"]) == []
    assert np.isfinite([h.similarity for h in hits]).all()
