"""Matched, missing and transferable skills, and the courses for the gaps."""

from __future__ import annotations

import pytest

from skills.gaps import BROAD_SKILL, COURSES_PER_SKILL, NAMED, course_fit, skill_gap, training_for
from taxonomy.courses import Course, load_courses
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


def _course(title: str, sector: str, units: str, skill: str = "s") -> Course:
    return Course(
        id=title,
        title_fa=title,
        title_en="",
        hours=30,
        level="مقدماتی",
        sector=sector,
        skill_ids=(skill,),
        isco_units=tuple(units.split()),
    )


NAIL = _course("ناخن‌کار و مراقبت دست و پا", "خدمات و زیبایی", "5142")
EXCEL = _course("کاربر نرم‌افزار Excel", "فناوری اطلاعات", "4110 4132")
SEPIDAR = _course("حسابداری با نرم‌افزارهای مالی (سپیدار، هلو)", "حسابداری و مالی", "4311")
TEAM = _course("مهارت‌های ارتباطی و کار تیمی", "مهارت‌های عمومی و شغلی", "4222")
HELPER = _course("کمک آشپز", "صنایع غذایی و آشپزی", "9412")


@pytest.mark.parametrize(
    ("course", "labels", "occupation", "sector_units", "fit"),
    [
        (NAIL, ["رعایت بهداشت فردی"], "2512", (), None),  # a developer: no
        (NAIL, ["رعایت بهداشت فردی"], "5142", (), 4),  # its own trade
        (NAIL, ["رعایت بهداشت فردی"], "5141", (), 3),  # a barber: the same minor group
        (NAIL, ["رعایت بهداشت فردی"], "5120", (), 2),  # a cook: the same sub-major group
        (NAIL, ["رعایت بهداشت فردی"], "51", (), 2),  # a group code, as analytics has them
        (NAIL, ["رعایت بهداشت فردی"], None, (), 0),  # occupation unknown
        (EXCEL, ["اکسل", "Excel"], "2512", (), NAMED),  # named after the skill
        (EXCEL, ["EXCEL"], "2411", (), NAMED),  # case folded
        (EXCEL, ["اکسل"], "2512", (), None),  # Persian label, English title
        (SEPIDAR, ["نرم‌افزار حسابداری سپیدار", "سپیدار"], "2411", (), NAMED),  # «سپیدار،»
        (SEPIDAR, ["هلوی"], "2411", (), None),  # a word, not a prefix
        (TEAM, ["رهبری"], "8322", (), NAMED),  # for any trade
        (HELPER, ["رعایت بهداشت مواد غذایی"], "5120", {"5120", "9412"}, 1),  # its sector
        (HELPER, ["رعایت بهداشت مواد غذایی"], "2512", {"5120", "9412"}, None),
    ],
)
def test_course_fit(
    course: Course,
    labels: list[str],
    occupation: str | None,
    sector_units: set[str] | tuple[str, ...],
    fit: int | None,
) -> None:
    assert course_fit(course, labels, occupation, sector_units) == fit


def _hygiene(skill_taxonomy: SkillTaxonomy) -> str:
    return next(s.id for s in skill_taxonomy if s.label_fa == "رعایت بهداشت فردی")


def test_a_broad_skill_gets_only_courses_that_suit_the_vacancy(
    skill_taxonomy: SkillTaxonomy,
) -> None:
    catalogue = load_courses()
    hygiene = _hygiene(skill_taxonomy)
    assert skill_taxonomy.breadth(hygiene) >= BROAD_SKILL
    titles = {c.id: c.title_fa for c in catalogue}
    assert any("ناخن" in titles[c.id] for c in catalogue.teaching(hygiene))
    # A developer vacancy: no trade teaches it as theirs, so no course at all.
    assert training_for([hygiene], catalogue, skill_taxonomy, "2512") == []
    # A cook: the food handlers' hygiene course; a barber: a hairdressing course.
    [cook] = training_for([hygiene], catalogue, skill_taxonomy, "5120")
    assert "مواد غذایی" in titles[cook.course_ids[0]]
    [barber] = training_for([hygiene], catalogue, skill_taxonomy, "5141")
    assert all(
        "ناخن" in titles[c] or "پیرایشگر" in titles[c] or "آرایشگر" in titles[c]
        for c in barber.course_ids
    )
    # No occupation: the catalogue's order, as before.
    [anyone] = training_for([hygiene], catalogue)
    assert len(anyone.course_ids) == COURSES_PER_SKILL


def test_a_trade_skill_keeps_its_courses_wherever_it_is_asked(
    skill_taxonomy: SkillTaxonomy,
) -> None:
    catalogue = load_courses()
    procedure = next(s.id for s in skill_taxonomy if s.label_fa == "آیین دادرسی")
    assert skill_taxonomy.breadth(procedure) < BROAD_SKILL
    # A lawyer's vacancy, and the one course is the legal assistant's (another major group).
    [offer] = training_for([procedure], catalogue, skill_taxonomy, "2611")
    assert offer.course_ids == tuple(c.id for c in catalogue.teaching(procedure))
