"""Matched, missing and transferable skills, and the courses for the gaps."""

from __future__ import annotations

from skills.gaps import skill_gap, training_for
from taxonomy.courses import load_courses
from taxonomy.skills import SkillTaxonomy


def _sibling_pair(taxonomy: SkillTaxonomy) -> tuple[str, str, str]:
    """Two skills of the taxonomy with the same direct broader concept."""
    seen: dict[str, str] = {}
    for skill in taxonomy:
        for parent in skill.broader:
            if parent in seen and seen[parent] != skill.id:
                return seen[parent], skill.id, parent
            seen.setdefault(parent, skill.id)
    raise AssertionError("no siblings in the taxonomy")


def test_matched_missing_and_transferable(skill_taxonomy: SkillTaxonomy) -> None:
    held, wanted, parent = _sibling_pair(skill_taxonomy)
    other = next(s.id for s in skill_taxonomy if s.id not in {held, wanted})
    gap = skill_gap([wanted, other, held], [held], skill_taxonomy)
    assert gap.matched == (held,)
    assert set(gap.missing) == {wanted, other}
    transfer = next(t for t in gap.transferable if t.missing_id == wanted)
    assert transfer.held_id == held and transfer.via == parent
    assert gap.coverage == 1 / 3


def test_no_requirements_no_coverage(skill_taxonomy: SkillTaxonomy) -> None:
    gap = skill_gap([], ["x"], skill_taxonomy)
    assert gap.coverage is None and gap.missing == ()


def test_every_course_teaches_taxonomy_skills(skill_taxonomy: SkillTaxonomy) -> None:
    catalogue = load_courses()
    assert len(catalogue) >= 200
    for course in catalogue:
        assert course.title_fa and course.skill_ids, course.id
        assert 10 <= course.hours <= 1000, course.id
    taught = catalogue.skills_taught
    assert len(taught & {s.id for s in skill_taxonomy}) >= 600


def test_missing_skills_come_with_courses(skill_taxonomy: SkillTaxonomy) -> None:
    catalogue = load_courses()
    python = next(s.id for s in skill_taxonomy if s.label_fa == "پایتون")
    [offer] = training_for([python], catalogue)
    assert offer.skill_id == python and 1 <= len(offer.course_ids) <= 2
    assert all(python in catalogue.get(c).skill_ids for c in offer.course_ids)
    assert training_for(["no-such-skill"], catalogue) == []
