"""Explicit skill mentions in real-looking Persian text: (text, skill label) tables."""

from __future__ import annotations

import pytest

from nlp.normalize import normalize
from skills.gazetteer import SkillGazetteer
from taxonomy.skills import Skill, SkillTaxonomy


def _find(gazetteer: SkillGazetteer, taxonomy: SkillTaxonomy, text: str) -> set[str]:
    return {taxonomy.get(m.skill_id).label_fa for m in gazetteer.find(normalize(text))}


# (text as an ad or CV writes it, the preferred Persian label of the skill it names)
FOUND = [
    ("مسلط به Python", "پایتون"),
    ("مسلط به پايتون", "پایتون"),  # Arabic ي
    ("برنامه‌نویسی با PYTHON", "پایتون"),
    ("JavaScript و TypeScript", "جاوااسکریپت"),
    ("آشنایی با جاوا اسکریپت", "جاوااسکریپت"),
    ("تسلط بر زبان انگلیسی", "زبان انگلیسی"),
    ("زبان انگليسي", "زبان انگلیسی"),
    ("آشنا به نرم‌افزار سپیدار", "نرم‌افزار حسابداری سپیدار"),
    ("آشنا به نرم افزار سپیدار", "نرم‌افزار حسابداری سپیدار"),  # space for ZWNJ
    ("آشنا به نرمافزار سپیدار", "نرم‌افزار حسابداری سپیدار"),  # ZWNJ missing
    ("کار با نرم‌افزار هلو", "نرم‌افزار حسابداری هلو"),
    ("دارای گواهینامه پایه یک", "گواهینامه رانندگی پایه یکم"),
    ("گواهینامه پایه ۱", "گواهینامه رانندگی پایه یکم"),  # Persian digit
    ("گواهینامه پایه ١", "گواهینامه رانندگی پایه یکم"),  # Arabic-Indic digit
    ("روحیه کار تیمی", "کار تیمی"),
    ("مهارت‌های ارتباطی قوی", "مهارت‌های ارتباطی"),
    ("مهارتهای ارتباطی قوی", "مهارت‌های ارتباطی"),  # plural glued without ZWNJ
    ("مهارت های ارتباطی قوی", "مهارت‌های ارتباطی"),  # plural with a space
    ("تایپ ده انگشتی", "تایپ ده‌انگشتی"),
    ("فتوشــــاپ", "فتوشاپ"),  # kashida
    ("SQL Server و SSIS", "اس‌کیوال سرور"),
    ("فروش تلفنی و پیگیری مشتریان", "فروش تلفنی"),
    ("آشنایی با اکسلوردپاورپوینت", "کار با نرم‌افزار صفحه‌گسترده"),  # scraped: glued list
    ("آشنایی با اکسلوردپاورپوینت", "کار با نرم‌افزارهای ارائه"),
    ("سئو و تولید محتوا", "سئو"),
]


@pytest.mark.parametrize(("text", "label"), FOUND)
def test_finds_the_skill(
    gazetteer: SkillGazetteer, skill_taxonomy: SkillTaxonomy, text: str, label: str
) -> None:
    assert label in _find(gazetteer, skill_taxonomy, text)


# Text that must not yield a skill: generic words, benefits, names.
NOT_FOUND = [
    "سلام",
    "شرکت ما",
    "تهران",
    "it is a good job",  # English "it" is not the IT skill
    "مدیریت",
    "فروش",
    "",
]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_generic_text_names_no_skill(
    gazetteer: SkillGazetteer, skill_taxonomy: SkillTaxonomy, text: str
) -> None:
    assert _find(gazetteer, skill_taxonomy, text) == set()


def test_longest_match_wins(gazetteer: SkillGazetteer) -> None:
    mentions = gazetteer.find(normalize("آشنا به نرم‌افزار سپیدار"))
    assert [m.surface for m in mentions] == ["نرم‌افزار سپیدار"] * len(mentions)


def test_cue_words_raise_the_score(gazetteer: SkillGazetteer) -> None:
    plain = gazetteer.find(normalize("پایتون"))[0]
    cued = gazetteer.find(normalize("مسلط به پایتون"))[0]
    glued = gazetteer.find(normalize("اکسلوردپاورپوینت"))[0]
    assert cued.score > plain.score > glued.score


def test_evidence_is_the_matched_words(gazetteer: SkillGazetteer) -> None:
    text = normalize("سه سال سابقه کار با Python و Django")
    mention = gazetteer.find(text)[0]
    assert text[mention.start : mention.end] == mention.surface == "python"


def test_a_tiny_taxonomy_matches_plurals_and_glue() -> None:
    skill = Skill(
        id="x:1",
        label_fa="نقشه‌کشی صنعتی",
        label_en="industrial drafting",
        alt_fa=("نقشه کشی صنعتی",),
        alt_en=(),
        skill_type="skill/competence",
        collections=(),
        broader=(),
    )
    other = Skill("x:2", "حسابداری", "accounting", (), (), "knowledge", (), ())
    gazetteer = SkillGazetteer([skill, other])
    for text in (
        "نقشه‌کشی صنعتی",
        "نقشه کشی صنعتی",
        "نقشه‌کشی‌های صنعتی",  # a suffix inside the phrase
        "نقشهکشیصنعتیحسابداری",  # scraped: everything glued
    ):
        assert "x:1" in {m.skill_id for m in gazetteer.find(normalize(text))}, text
    assert {m.skill_id for m in gazetteer.find(normalize("نقشه‌کشیصنعتیحسابداری"))} == {
        "x:1",
        "x:2",
    }


# A one-word knowledge label does not match its adjective: "فیزیکی" is physical, not physics.
ADJECTIVES = [
    ("صدور فاکتور الکترونیکی", "الکترونیک"),
    ("بایگانی فیزیکی اسناد", "فیزیک"),
]


@pytest.mark.parametrize(("text", "label"), ADJECTIVES)
def test_adjective_is_not_the_field(
    gazetteer: SkillGazetteer, skill_taxonomy: SkillTaxonomy, text: str, label: str
) -> None:
    assert label not in _find(gazetteer, skill_taxonomy, text)
    assert label in _find(gazetteer, skill_taxonomy, f"آشنایی با {label}")
