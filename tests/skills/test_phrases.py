"""Unmatched requirement phrases: what is left of a requirement once known skills are cut."""

from __future__ import annotations

import pytest

from skills.inference import SkillInferencer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A cue, then an unknown tool: the tool alone.
        ("شرایط احراز:\n- آشنایی با LangChain", ["langchain"]),
        ("- تسلط کامل به پرامپت‌نویسی الزامی است", ["پرامپت نویسی"]),
        ("- مسلط به پرامپت نویسی", ["پرامپت نویسی"]),
        # Known skills are cut out; list separators split what remains.
        ("مهارت‌ها: Python، n8n و Midjourney", ["n8n", "midjourney"]),
        ("داوطلبان باید به Python و LangChain مسلط باشند.", ["langchain"]),
        # A word glued to a known skill qualifies it: not a new skill.
        ("- آشنایی با مفاهیم هوش مصنوعی", []),
        ("- آشنایی با ابزارهای هوش مصنوعی", []),
        # Benefits, form fields and degree lines are never read.
        ("مزایا:\n- بیمه تکمیلی و ناهار", []),
        ("محل کار: تهران", []),
        ("- مدرک کارشناسی مهندسی نرم افزار", []),
        # Only known skills: nothing is left.
        ("- تسلط به Excel و Word", []),
        # Long clauses are sentences, not skill names.
        ("- آشنایی با فرایندهای داخلی شرکت‌های بزرگ صنعتی کشور", []),
    ],
)
def test_unmatched_phrases(
    skill_inferencer: SkillInferencer, text: str, expected: list[str]
) -> None:
    found = skill_inferencer.analyse_many([text], code_occupations=False)[0]
    assert found.unmatched_phrases == expected


def test_infer_many_is_analyse_many_without_phrases(skill_inferencer: SkillInferencer) -> None:
    text = "شرایط احراز:\n- تسلط به Python و LangChain"
    skills = skill_inferencer.infer_many([text], code_occupations=False)[0]
    analysed = skill_inferencer.analyse_many([text], code_occupations=False)[0]
    assert [s.id for s in skills] == [s.id for s in analysed.skills]
