"""The Persian skills taxonomy as package data."""

from __future__ import annotations

import re

from taxonomy.isco import load_isco
from taxonomy.skills import LOCAL_PREFIX, SkillTaxonomy

ESCO_URI = re.compile(r"^http://data\.europa\.eu/esco/skill/[0-9a-f-]{36}$")
ARABIC_LETTERS = re.compile("[يك]")


def test_size_and_ids(skill_taxonomy: SkillTaxonomy) -> None:
    assert len(skill_taxonomy) >= 3000
    for skill in skill_taxonomy:
        assert ESCO_URI.match(skill.id) or skill.id.startswith(LOCAL_PREFIX), skill.id


def test_every_skill_has_persian_and_english(skill_taxonomy: SkillTaxonomy) -> None:
    for skill in skill_taxonomy:
        assert skill.label_fa.strip() and skill.label_en.strip(), skill.id
        assert not ARABIC_LETTERS.search(skill.label_fa), skill.label_fa
        assert skill.labels[0] == skill.label_fa
        assert len(set(skill.labels)) == len(skill.labels)


def test_collections_are_covered(skill_taxonomy: SkillTaxonomy) -> None:
    counts: dict[str, int] = {}
    for skill in skill_taxonomy:
        for name in skill.collections:
            counts[name] = counts.get(name, 0) + 1
    assert counts["digital"] >= 1000
    assert counts["transversal"] >= 90
    assert counts["language"] >= 300
    assert counts["iran"] >= 100


def test_iran_specific_skills(skill_taxonomy: SkillTaxonomy) -> None:
    local = {s.label_fa for s in skill_taxonomy if s.local}
    for label in ("نرم‌افزار حسابداری سپیدار", "نرم‌افزار حسابداری هلو", "قانون کار"):
        assert any(label in found for found in local) or label == "قانون کار", label


def test_hierarchy_reaches_a_root(skill_taxonomy: SkillTaxonomy) -> None:
    python = next(s for s in skill_taxonomy if s.label_fa == "پایتون")
    ancestors = skill_taxonomy.ancestors(python.id)
    assert ancestors and all(skill_taxonomy.group_label(a) for a in ancestors[:3])


def test_occupation_relations(skill_taxonomy: SkillTaxonomy) -> None:
    isco = load_isco()
    developers = skill_taxonomy.for_occupation("2512", "essential")
    assert len(developers) >= 10
    assert all(r.skill_id in skill_taxonomy for r in developers)
    assert [r.share for r in developers] == sorted((r.share for r in developers), reverse=True)
    covered = [u.code for u in isco.units() if skill_taxonomy.for_occupation(u.code)]
    assert len(covered) >= 400
    assert skill_taxonomy.for_occupation("0000") == []
