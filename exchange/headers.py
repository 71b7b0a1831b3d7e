"""Column names: the fields a file may carry, their English and Persian spellings, and the
normalisation that lets ``مهارت‌ها``, ``مهارت ها``, ``مهارتها`` and ``Skills`` meet.

Fields are kind-neutral: ``experience_years`` is a vacancy's minimum and a jobseeker's own
years; ``posted_at`` is a vacancy's posting date and a jobseeker's registration date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Literal

from nlp.normalize import remove_kashida, unify_letters

Kind = Literal["vacancy", "jobseeker"]

# Each field's accepted spellings; the first is the one exports write.
ALIASES: Mapping[str, tuple[str, ...]] = {
    "id": ("id", "record_id", "شناسه کاریاب"),
    "source_id": ("source_id", "شناسه", "شناسه منبع", "کد آگهی", "کد کارجو", "ref"),
    "source_system": ("source_system", "سامانه مبدا"),
    "national_id": ("national_id", "national_code", "کد ملی", "شماره ملی", "melli_code"),
    "title": ("title", "job_title", "عنوان", "عنوان شغل", "عنوان شغلی", "عنوان آگهی"),
    "text": ("text", "description", "شرح", "توضیحات", "متن", "شرح شغل", "شرح آگهی", "رزومه"),
    "province": ("province", "استان"),
    "city": ("city", "شهر", "شهرستان"),
    "employer": ("employer", "company", "کارفرما", "شرکت", "نام شرکت"),
    "isco_code": ("isco_code", "isco", "کد شغل", "کد آیسکو"),
    "isco_guess": ("isco_guess",),
    "isco_source": ("isco_source", "منبع کد شغل"),
    "experience_years": (
        "experience_years",
        "min_experience_years",
        "experience",
        "سابقه",
        "سابقه کار",
        "سابقه کاری",
        "حداقل سابقه",
        "سال سابقه",
    ),
    "education": ("education", "تحصیلات", "مدرک", "مدرک تحصیلی", "مقطع تحصیلی", "حداقل مدرک"),
    "skills": ("skills", "مهارت‌ها", "مهارت", "مهارت‌های مورد نیاز"),
    "skill_ids": ("skill_ids",),
    "employment_type": ("employment_type", "نوع همکاری", "نوع قرارداد"),
    "gender": ("gender", "جنسیت"),
    "posted_at": (
        "posted_at",
        "registered_at",
        "date",
        "تاریخ",
        "تاریخ انتشار",
        "تاریخ آگهی",
        "تاریخ ثبت‌نام",
        "تاریخ ثبت",
    ),
}

# Fields that mean something for one kind only; elsewhere they are unknown columns.
_VACANCY_ONLY = frozenset({"employer", "employment_type", "gender"})
_JOBSEEKER_ONLY = frozenset({"national_id"})

# Spaces, ZWNJ/ZWJ, underscores, hyphens, dots, colons, brackets and a BOM carry no meaning.
_NOISE = re.compile(r"[\s_\-\u200c\u200d\ufeff.:()\[\]]+")


def header_key(name: str) -> str:
    """The spelling-insensitive key of a column name: Arabic ي/ك and Persian ی/ک meet, and
    spaces, ZWNJ, underscores and kashida are dropped.

    >>> header_key("مهارت‌ها") == header_key("مهارت ها") == header_key("مهارتها")
    True
    >>> header_key(" Source_ID ")
    'sourceid'
    """
    return _NOISE.sub("", unify_letters(remove_kashida(str(name))).lower())


@cache
def _field_by_key() -> dict[str, str]:
    return {header_key(alias): field for field, aliases in ALIASES.items() for alias in aliases}


def fields_of(kind: Kind) -> frozenset[str]:
    """The fields a file of ``kind`` may carry."""
    other = _JOBSEEKER_ONLY if kind == "vacancy" else _VACANCY_ONLY
    return frozenset(ALIASES) - other


def field_for(name: str, kind: Kind) -> str | None:
    """The field a column name means for ``kind``, or None for an unknown column."""
    field = _field_by_key().get(header_key(name))
    return field if field is not None and field in fields_of(kind) else None


def missing_columns(header: Sequence[str], kind: Kind) -> str | None:
    """What a header row lacks that every row needs (a title, a text and a key), as a
    message naming the accepted spellings; None when nothing is missing."""
    present = {field_for(name, kind) for name in header}
    keys = ("national_id", "source_id", "id") if kind == "jobseeker" else ("source_id", "id")
    needed: list[tuple[str, ...]] = [
        (field,) for field in ("title", "text") if field not in present
    ]
    if not present.intersection(keys):
        needed.append(keys)
    if not needed:
        return None
    described = (
        " or ".join(f"{field} ({', '.join(ALIASES[field])})" for field in fields)
        for fields in needed
    )
    return "no column for " + "; ".join(described)
