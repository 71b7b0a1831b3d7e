from __future__ import annotations

import pytest

from matching.explain import (
    SkillOverlap,
    explain,
    location_relation,
    skill_key,
    skill_overlap,
    text_key,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("اکسل", "اكسل"),  # Arabic kaf
        ("Python", "python"),
        ("نرم‌افزار سپیدار", "نرم افزار سپیدار"),  # ZWNJ vs space
        ("  Excel ", "excel"),
    ],
)
def test_skill_key_unifies_variants(a: str, b: str) -> None:
    assert skill_key(a) == skill_key(b)


@pytest.mark.parametrize(
    ("required", "offered", "text", "matched", "missing"),
    [
        (["Python", "Django", "Docker"], ["python"], "", ["Python"], ["Django", "Docker"]),
        (["اکسل", "سپیدار"], [], "مسلط به اكسل و هلو", ["اکسل"], ["سپیدار"]),
        (["SQL"], [], "کار با PostgreSQL", [], ["SQL"]),  # whole phrases only
        (["Python", "python"], [], "python", ["Python"], []),  # duplicates collapse
        ([], ["Python"], "python", [], []),
    ],
)
def test_skill_overlap(
    required: list[str], offered: list[str], text: str, matched: list[str], missing: list[str]
) -> None:
    overlap = skill_overlap(required, offered, text_key(text) if text else "")
    assert list(overlap.matched) == matched
    assert list(overlap.missing) == missing


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("تهران", "تهران", "تهران", "تهران"), "same_city"),
        (("فارس", "شیراز", "فارس", "مرودشت"), "same_province"),
        (("فارس", "شیراز", "تهران", "تهران"), "other_province"),
        ((None, None, "تهران", "تهران"), None),
    ],
)
def test_location_relation(args: tuple[str | None, ...], expected: str | None) -> None:
    assert location_relation(*args) == expected


def test_explanation_in_persian() -> None:
    overlap = SkillOverlap(matched=("a", "b", "c", "d"), missing=("e",))
    assert explain(overlap, "same_province", True) == (
        "۴ از ۵ مهارت خواسته‌شده؛ همان استان؛ همان گروه شغلی"
    )
    assert explain(SkillOverlap((), ()), None, None) == "شباهت متن رزومه و آگهی"
    assert overlap.coverage == pytest.approx(0.8)
