"""Row validation: every kind of problem is reported with its row, column and a short,
masked quote of the value; good cells become typed record fields."""

from __future__ import annotations

from typing import Any

import pytest

from exchange.readers import RawRow
from exchange.report import RowError
from exchange.rows import CheckedRow, RowChecker
from karyab.records import Education, Jobseeker, Vacancy

GOOD_VACANCY = {"شناسه": "ad-1", "عنوان": "حسابدار", "شرح": "آشنا به سپیدار"}
GOOD_SEEKER = {"کد ملی": "0499370899", "عنوان": "راننده", "شرح": "ده سال سابقه"}


def _check(kind: str, cells: dict[str, Any], **options: Any) -> CheckedRow | list[RowError]:
    return RowChecker(kind, "tamin", **options).check(RawRow(7, cells))  # type: ignore[arg-type]


def _record(kind: str, **cells: Any) -> Vacancy | Jobseeker:
    base = GOOD_VACANCY if kind == "vacancy" else GOOD_SEEKER
    checked = _check(kind, base | cells)
    assert isinstance(checked, CheckedRow), checked
    return checked.record


@pytest.mark.parametrize(
    ("kind", "cells", "field", "expected"),
    [
        # Persian and Arabic-Indic digits in numbers and dates.
        ("vacancy", {"سابقه": "۳"}, "min_experience_years", 3),
        ("vacancy", {"سابقه": "٣"}, "min_experience_years", 3),
        ("vacancy", {"سابقه": "3 سال"}, "min_experience_years", 3),
        ("vacancy", {"سابقه": 4.0}, "min_experience_years", 4),
        ("vacancy", {"سابقه": "0"}, "min_experience_years", 0),
        ("jobseeker", {"سابقه": "۷۰"}, "experience_years", 70),
        ("vacancy", {"تاریخ": "۱۴۰۲-۰۵-۱۷"}, "posted_at", "1402-05-17"),
        ("vacancy", {"تاریخ": "1402/5/7"}, "posted_at", "1402-05-07"),
        ("vacancy", {"تاریخ": "1403.12.30"}, "posted_at", "1403-12-30"),  # a leap year
        ("jobseeker", {"تاریخ": "۱۴۰۳/۰۱/۲۰"}, "registered_at", "1403-01-20"),
        ("vacancy", {"isco": "۲۵۱۲"}, "isco_code", "2512"),
        ("vacancy", {"isco": 2512}, "isco_code", "2512"),
        ("vacancy", {"isco": 110}, "isco_code", "0110"),  # a spreadsheet lost the zero
        # Education by value or Persian name, with spacing variants.
        ("vacancy", {"تحصیلات": "bachelor"}, "education", Education.bachelor),
        ("vacancy", {"تحصیلات": "کارشناسی"}, "education", Education.bachelor),
        ("vacancy", {"تحصیلات": "لیسانس"}, "education", Education.bachelor),
        ("vacancy", {"تحصیلات": "کارشناسی ارشد"}, "education", Education.master),
        ("vacancy", {"تحصیلات": "کارشناسی‌ارشد"}, "education", Education.master),
        ("vacancy", {"تحصیلات": "فوق دیپلم"}, "education", Education.associate),
        ("jobseeker", {"تحصیلات": "دكتري"}, "education", Education.doctorate),
        ("jobseeker", {"تحصیلات": "زیر دیپلم"}, "education", Education.below_diploma),
        # Skills split on ، , ; | (| first: labels may hold commas).
        ("vacancy", {"مهارت‌ها": "سپیدار، اکسل"}, "skills", ("سپیدار", "اکسل")),
        ("vacancy", {"مهارت‌ها": "a, b;c"}, "skills", ("a", "b", "c")),
        ("vacancy", {"مهارت‌ها": "Office, Word | Excel"}, "skills", ("Office, Word", "Excel")),
        ("vacancy", {"مهارت‌ها": "a،، ;b"}, "skills", ("a", "b")),
        ("jobseeker", {"skills": ["Python", " Django "]}, "skills", ("Python", "Django")),
        # Other fields.
        ("vacancy", {"نوع همکاری": "دورکاری"}, "employment_type", "remote"),
        ("vacancy", {"نوع همکاری": "پاره‌وقت"}, "employment_type", "part_time"),
        ("vacancy", {"جنسیت": "خانم"}, "gender", "female"),
        ("vacancy", {"جنسیت": "فرقی نمی‌کند"}, "gender", None),
        ("vacancy", {"استان": "  تهران "}, "province", "تهران"),
        ("vacancy", {"کارفرما": "شرکت نمونه"}, "employer", "شرکت نمونه"),
        ("vacancy", {"شرح": "'=1+1 is text"}, "text", "=1+1 is text"),  # an export's escape
        (
            "vacancy",
            {"skill_ids": "karyab:skill/a|karyab:skill/b"},
            "skill_ids",
            ("karyab:skill/a", "karyab:skill/b"),
        ),
        ("vacancy", {"isco_guess": "2411"}, "isco_guess", "2411"),
        ("vacancy", {"isco": "2411", "isco_source": "coder"}, "isco_source", "coder"),
        ("jobseeker", {"isco": "2411", "منبع کد شغل": "تصمیم کارشناس"}, "isco_source", "decision"),
        ("vacancy", {"isco": "2411", "isco_source": " Given "}, "isco_source", "given"),
        ("vacancy", {"isco": "2411"}, "isco_source", None),  # given, once stored
    ],
)
def test_cells_become_fields(kind: str, cells: dict[str, Any], field: str, expected: Any) -> None:
    assert getattr(_record(kind, **cells), field) == expected


@pytest.mark.parametrize(
    ("kind", "cells", "column", "message", "value"),
    [
        ("vacancy", {"عنوان": ""}, "عنوان", "is required", ""),
        ("vacancy", {"عنوان": "   "}, "عنوان", "is required", ""),
        ("vacancy", {"شرح": None}, "شرح", "is required", ""),
        ("vacancy", {"عنوان": "ع" * 501}, "عنوان", "at most 500 characters", "ع" * 39 + "…"),
        ("vacancy", {"شرح": "x" * 50_001}, "شرح", "at most 50000 characters", "x" * 39 + "…"),
        ("vacancy", {"شناسه": None}, "شناسه", "needs a key (one of source_id, id)", ""),
        ("vacancy", {"شناسه": "s" * 201}, "شناسه", "over 200 characters", "s" * 39 + "…"),
        ("vacancy", {"id": "bad id!"}, "id", "Latin letters, digits", "bad id!"),
        ("vacancy", {"id": "x" * 129}, "id", "at most 128 characters", "x" * 39 + "…"),
        ("vacancy", {"id": "js-09121234567"}, "id", "looks like a phone number", "js-***67"),
        ("vacancy", {"isco": "251"}, "isco", "4-digit ISCO-08", "251"),
        ("vacancy", {"isco": "25123"}, "isco", "4-digit ISCO-08", "25123"),
        ("vacancy", {"isco": "کد"}, "isco", "4-digit ISCO-08", "کد"),
        ("vacancy", {"isco": 12345}, "isco", "4-digit ISCO-08", "12345"),
        ("vacancy", {"سابقه": "-1"}, "سابقه", "greater than or equal to 0", "-1"),
        ("vacancy", {"سابقه": "۷۱"}, "سابقه", "less than or equal to 70", "۷۱"),
        ("vacancy", {"سابقه": "2.5"}, "سابقه", "whole number", "2.5"),
        ("vacancy", {"سابقه": 2.5}, "سابقه", "whole number", "2.5"),
        ("vacancy", {"سابقه": "دو"}, "سابقه", "whole number", "دو"),
        ("vacancy", {"سابقه": True}, "سابقه", "whole number", "True"),
        (
            "vacancy",
            {"تحصیلات": "سوم راهنمایی"},
            "تحصیلات",
            "unknown education level",
            "سوم راهنمایی",
        ),
        ("vacancy", {"نوع همکاری": "گاهی"}, "نوع همکاری", "unknown employment type", "گاهی"),
        ("vacancy", {"isco_source": "model"}, "isco_source", "unknown ISCO code source", "model"),
        ("vacancy", {"جنسیت": "x"}, "جنسیت", "unknown gender", "x"),
        ("vacancy", {"تاریخ": "2023-08-08"}, "تاریخ", "Jalali date", "2023-08-08"),
        ("vacancy", {"تاریخ": "1402-13-01"}, "تاریخ", "no such day", "1402-13-01"),
        ("vacancy", {"تاریخ": "1402-12-30"}, "تاریخ", "no such day", "1402-12-30"),  # not leap
        ("vacancy", {"تاریخ": "۱۴۰۲-۰۷-۳۱"}, "تاریخ", "no such day", "۱۴۰۲-۰۷-۳۱"),
        ("vacancy", {"تاریخ": "دیروز"}, "تاریخ", "Jalali date", "دیروز"),
        ("vacancy", {"مهارت‌ها": "|".join(["s"] * 201)}, "مهارت‌ها", "at most 200 items", None),
        (
            "vacancy",
            {"مهارت‌ها": "a|" + "b" * 201},
            "مهارت‌ها",
            "item 2: String should have at most 200",
            None,
        ),
        ("vacancy", {"عنوان": ["a", "b"]}, "عنوان", "expected text", None),
        ("jobseeker", {"کد ملی": "0499370898"}, "کد ملی", "check digit", "***98"),
        ("jobseeker", {"کد ملی": "۰۴۹۹۳۷۰۸۹۸"}, "کد ملی", "check digit", "***98"),
        ("jobseeker", {"کد ملی": "1111111111"}, "کد ملی", "check digit", "***11"),
        ("jobseeker", {"کد ملی": "1234567"}, "کد ملی", "10 digits", "***67"),
        ("jobseeker", {"کد ملی": "04993708991"}, "کد ملی", "10 digits", "***91"),
        ("jobseeker", {"کد ملی": None}, "کد ملی", "one of national_id, source_id, id", ""),
    ],
)
def test_each_problem_is_reported(
    kind: str, cells: dict[str, Any], column: str, message: str, value: str | None
) -> None:
    base = GOOD_VACANCY if kind == "vacancy" else GOOD_SEEKER
    checked = _check(kind, base | cells)
    assert isinstance(checked, list), checked
    assert len(checked) == 1, checked
    error = checked[0]
    assert (error.row, error.column) == (7, column)
    assert message in error.message
    if value is not None:
        assert error.value == value


@pytest.mark.parametrize(
    "cells",
    [
        {"id": ["a"]},
        {"source_system": {"x": 1}},
        {"skills": {"a": 1}},
        {"شناسه": ["a", "b"]},
        {"سابقه": [1]},
        {"تاریخ": 1402},
        {"isco": True},
        {"استان": False},
    ],
)
def test_odd_json_values_never_raise(cells: dict[str, Any]) -> None:
    checked = _check("vacancy", GOOD_VACANCY | cells)
    assert isinstance(checked, CheckedRow | list)


def test_every_problem_of_a_row_is_collected() -> None:
    checked = _check(
        "vacancy",
        {"شناسه": "ad-1", "عنوان": "", "سابقه": "۹۹", "تاریخ": "1402-13-40", "isco": "1"},
    )
    assert isinstance(checked, list)
    # "text": the row has no text column at all, so the field's own name is shown.
    assert sorted(e.column for e in checked) == ["isco", "text", "تاریخ", "سابقه", "عنوان"]


def test_title_and_text_together_respect_the_engine_limit() -> None:
    checked = _check("vacancy", GOOD_VACANCY | {"شرح": "x" * 90}, max_document_chars=80)
    assert isinstance(checked, list)
    assert "title and text together" in checked[0].message


def test_a_row_the_reader_could_not_read() -> None:
    checked = RowChecker("vacancy", "tamin").check(RawRow(3, {}, "invalid JSON (Expecting value)"))
    assert checked == [RowError(3, "", "invalid JSON (Expecting value)")]


@pytest.mark.parametrize(
    ("kind", "cells", "source_id", "record_id", "origin"),
    [
        ("vacancy", {"شناسه": "ad-1"}, "ad-1", "tamin:ad-1", "derived"),
        ("vacancy", {"شناسه": "۱۲۳"}, "۱۲۳", None, "generated"),  # not a plain id
        ("vacancy", {"شناسه": "1234567890"}, "1234567890", None, "generated"),  # phone-like
        ("vacancy", {"شناسه": "ad-1", "id": "v-9"}, "ad-1", "v-9", "file"),
        ("vacancy", {"شناسه": None, "id": "v-9"}, "v-9", "v-9", "file"),
        ("jobseeker", {"کد ملی": "۰۴۹۹۳۷۰۸۹۹"}, "0499370899", None, "generated"),
        ("jobseeker", {"کد ملی": "499370899"}, "0499370899", None, "generated"),
        ("jobseeker", {"کد ملی": None, "source_id": "p-5"}, "p-5", "tamin:p-5", "derived"),
    ],
)
def test_keys_and_record_ids(
    kind: str, cells: dict[str, Any], source_id: str, record_id: str | None, origin: str
) -> None:
    base = GOOD_VACANCY if kind == "vacancy" else GOOD_SEEKER
    checked = _check(kind, base | cells)
    assert isinstance(checked, CheckedRow), checked
    assert (checked.source_id, checked.id_origin) == (source_id, origin)
    if record_id is not None:
        assert checked.record.id == record_id
    # A national ID or a phone-like number never becomes (part of) a record id.
    assert "0499370899" not in checked.record.id and "1234567890" not in checked.record.id


def test_unknown_and_repeated_columns_are_warned_once() -> None:
    checker = RowChecker("jobseeker", "tamin")
    for number in (2, 3):
        cells = GOOD_SEEKER | {"تلفن": "09121234567", "توضیحات": "x", "employer": "y"}
        assert isinstance(checker.check(RawRow(number, cells)), CheckedRow)
    assert checker.warnings() == [
        "unknown column 'تلفن' ignored",
        "unknown column 'employer' ignored",
        "column 'توضیحات' repeats 'شرح' and is ignored",
    ]


@pytest.mark.parametrize("system", ["", "تامین", "a b", "x" * 65, "a/b"])
def test_source_system_must_be_a_short_latin_tag(system: str) -> None:
    with pytest.raises(ValueError, match="source_system"):
        RowChecker("vacancy", system)
