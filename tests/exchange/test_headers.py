"""Column names in English and Persian, whatever their spacing, ZWNJ and letter forms."""

from __future__ import annotations

import pytest

from exchange.headers import field_for, header_key, missing_columns


@pytest.mark.parametrize(
    ("name", "kind", "field"),
    [
        ("title", "vacancy", "title"),
        ("Title", "vacancy", "title"),
        (" TITLE ", "vacancy", "title"),
        ("عنوان", "vacancy", "title"),
        ("عنوان شغلی", "vacancy", "title"),
        ("عنوان‌شغلی", "vacancy", "title"),  # ZWNJ instead of a space
        ("عنوانشغلي", "vacancy", "title"),  # no space, Arabic yeh
        ("text", "vacancy", "text"),
        ("شرح", "vacancy", "text"),
        ("توضیحات", "vacancy", "text"),
        ("توضيحات", "vacancy", "text"),  # Arabic yeh
        ("province", "jobseeker", "province"),
        ("استان", "jobseeker", "province"),
        ("city", "vacancy", "city"),
        ("شهر", "vacancy", "city"),
        ("experience_years", "vacancy", "experience_years"),
        ("min_experience_years", "vacancy", "experience_years"),
        ("سابقه", "jobseeker", "experience_years"),
        ("سابقه کار", "vacancy", "experience_years"),
        ("سابقه‌کار", "vacancy", "experience_years"),
        ("education", "vacancy", "education"),
        ("تحصیلات", "vacancy", "education"),
        ("skills", "vacancy", "skills"),
        ("مهارت‌ها", "vacancy", "skills"),  # ZWNJ
        ("مهارت ها", "vacancy", "skills"),  # space
        ("مهارتها", "vacancy", "skills"),  # joined
        ("مهارت_ها", "vacancy", "skills"),  # underscore
        ("posted_at", "vacancy", "posted_at"),
        ("تاریخ", "vacancy", "posted_at"),
        ("تاريخ", "jobseeker", "posted_at"),  # Arabic yeh
        ("registered_at", "jobseeker", "posted_at"),
        ("source_id", "vacancy", "source_id"),
        ("Source ID", "vacancy", "source_id"),
        ("شناسه", "vacancy", "source_id"),
        ("national_id", "jobseeker", "national_id"),
        ("کد ملی", "jobseeker", "national_id"),
        ("کدملی", "jobseeker", "national_id"),
        ("کد‌ملی", "jobseeker", "national_id"),  # ZWNJ
        ("كد ملي", "jobseeker", "national_id"),  # Arabic kaf and yeh
        ("کـد مـلـی", "jobseeker", "national_id"),  # kashida
        ("\ufeffکد ملی", "jobseeker", "national_id"),  # a BOM stuck to the first header
        ("employer", "vacancy", "employer"),
        ("کارفرما", "vacancy", "employer"),
        ("نوع همکاری", "vacancy", "employment_type"),
        ("جنسیت", "vacancy", "gender"),
        # Fields of the other kind and unknown names.
        ("کد ملی", "vacancy", None),
        ("employer", "jobseeker", None),
        ("phone", "jobseeker", None),
        ("تلفن همراه", "jobseeker", None),
        ("", "vacancy", None),
    ],
)
def test_field_for(name: str, kind: str, field: str | None) -> None:
    assert field_for(name, kind) == field  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("مهارت‌ها", "مهارت ها"),
        ("مهارت‌ها", "مهارتها"),
        ("کد ملی", "كد ملي"),
        ("Source_ID", "source id"),
    ],
)
def test_spellings_meet(a: str, b: str) -> None:
    assert header_key(a) == header_key(b)


@pytest.mark.parametrize(
    ("header", "kind", "missing"),
    [
        (["عنوان", "شرح", "شناسه"], "vacancy", None),
        (["title", "text", "id"], "vacancy", None),
        (["عنوان", "شرح", "کد ملی"], "jobseeker", None),
        (["عنوان", "شناسه"], "vacancy", "text"),
        (["شرح", "شناسه"], "vacancy", "title"),
        (["عنوان", "شرح"], "vacancy", "source_id"),
        (["عنوان", "شرح", "کد ملی"], "vacancy", "source_id"),
        (["عنوان", "شرح"], "jobseeker", "national_id"),
    ],
)
def test_missing_columns(header: list[str], kind: str, missing: str | None) -> None:
    problem = missing_columns(header, kind)  # type: ignore[arg-type]
    if missing is None:
        assert problem is None
    else:
        assert problem is not None and missing in problem
