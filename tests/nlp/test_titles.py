"""Tables of (raw title, expected fields) for the job-title parser.

The titles are made up for these tests; ZWNJ is written as ``{Z}``.
"""

from __future__ import annotations

import pytest

from nlp.normalize import normalize
from nlp.places import Place, cities, find_place, provinces
from nlp.titles import JobTitleParser, ParsedTitle, parse_job_title

Z = "\u200c"  # ZWNJ

# raw, title, gender, city, seniority, employment_type
TITLES = [
    (
        "برنامه نویس ارشد Python (تهران) - آقا",
        f"برنامه{Z}نویس python",
        "male",
        "تهران",
        "senior",
        None,
    ),
    ("استخدام حسابدار خانم در شیراز", "حسابدار", "female", "شیراز", None, None),
    ("کارشناس فروش (تهران)", "کارشناس فروش", None, "تهران", None, None),
    ("حسابدار - مشهد", "حسابدار", None, "مشهد", None, None),
    ("کارمند بایگانی (شیراز)", "کارمند بایگانی", None, "شیراز", None, None),
    ("منشی (آقا/خانم)", "منشی", None, None, None, None),
    ("راننده پایه یک (آقا)", "راننده پایه یک", "male", None, None, None),
    ("مربی مهد کودک - بانوان", "مربی مهد کودک", "female", None, None, None),
    ("نیازمند صندوقدار آقایان", "صندوقدار", "male", None, None, None),
    ("جذب کارشناس بیمه (خانم) در کرج", "کارشناس بیمه", "female", "کرج", None, None),
    ("دعوت به همکاری از تکنسین برق", "تکنسین برق", None, None, None, None),
    ("Senior Java Developer (Remote)", "java developer", None, None, "senior", "remote"),
    ("Junior QA Engineer - اصفهان", "qa engineer", None, "اصفهان", "junior", None),
    ("طراح UI/UX (Mid-Level)", "طراح ui/ux", None, None, "mid", None),
    ("کارآموز حسابداری - خانم", "حسابداری", "female", None, "intern", None),
    ("کارآموز", "کارآموز", None, None, "intern", None),
    ("Lead Data Engineer", "data engineer", None, None, "lead", None),
    ("Team Lead مهندسی داده", "team lead مهندسی داده", None, None, "lead", None),
    ("مدیر ارشد امور بیمه گری", "مدیر ارشد امور بیمه گری", None, None, None, None),
    ("کارشناس ارشد آموزش کارکنان", "کارشناس آموزش کارکنان", None, None, "senior", None),
    ("مهندس مکانیک - سیالات", "مهندس مکانیک - سیالات", None, None, None, None),
    ("اپراتور تلفن پاره وقت", "اپراتور تلفن", None, None, None, "part_time"),
    ("مترجم انگلیسی (دورکاری)", "مترجم انگلیسی", None, None, None, "remote"),
    ("نویسنده محتوا به صورت پروژه ای", "نویسنده محتوا", None, None, None, "project"),
    ("کارمند اداری | تمام وقت | قم", "کارمند اداری", None, "قم", None, "full_time"),
    ("فروشنده پوشاک (حضوری) - تبریز", "فروشنده پوشاک", None, "تبریز", None, "on_site"),
    ("بازاریاب حضوری لوازم خانگی", "بازاریاب حضوری لوازم خانگی", None, None, None, None),
    ("انباردار (کرمان - بلوار جمهوری)", "انباردار", None, "کرمان", None, None),
    ("استخدام فوری نگهبان در خرم آباد", "نگهبان", None, f"خرم{Z}آباد", None, None),
    (
        "توسعه دهنده React (تحقیق و توسعه)",
        f"توسعه{Z}دهنده react (تحقیق و توسعه)",
        None,
        None,
        None,
        None,
    ),
    ("Senior C# / .NET Developer", "c# / .net developer", None, None, "senior", None),
    ("برنامه نویس Node.js ارشد - آقا", f"برنامه{Z}نویس node.js", "male", None, "senior", None),
    ("كارشناس فني  شبكه", "کارشناس فنی شبکه", None, None, None, None),
    ("", "", None, None, None, None),
    ("   ", "", None, None, None, None),
]


@pytest.mark.parametrize(("raw", "title", "gender", "city", "seniority", "employment_type"), TITLES)
def test_parse_job_title(
    raw: str,
    title: str,
    gender: str | None,
    city: str | None,
    seniority: str | None,
    employment_type: str | None,
) -> None:
    parsed = parse_job_title(raw)
    assert (parsed.title, parsed.gender, parsed.city, parsed.seniority) == (
        title,
        gender,
        city,
        seniority,
    )
    assert parsed.employment_type == employment_type
    assert parsed.raw == raw


@pytest.mark.parametrize(("raw", "title", "gender", "city", "seniority", "employment"), TITLES)
def test_title_is_normalised(
    raw: str, title: str, gender: object, city: object, seniority: object, employment: object
) -> None:
    assert normalize(parse_job_title(raw).title) == parse_job_title(raw).title


PROVINCES_IN_TITLES = [
    ("نیازمند حسابدار در استان فارس", "حسابدار", "فارس"),
    ("کارگر ساده (گیلان)", "کارگر ساده", "گیلان"),
    ("تکنسین تاسیسات - خراسان رضوی", "تکنسین تاسیسات", "خراسان رضوی"),
]


@pytest.mark.parametrize(("raw", "title", "province"), PROVINCES_IN_TITLES)
def test_province_in_title(raw: str, title: str, province: str) -> None:
    parsed = parse_job_title(raw)
    assert (parsed.title, parsed.province, parsed.city) == (title, province, None)


def test_removed_fragments_are_kept() -> None:
    parsed = parse_job_title("استخدام حسابدار خانم در شیراز")
    assert parsed.removed == ("استخدام", "خانم", "در شیراز")
    assert parsed == ParsedTitle(
        title="حسابدار",
        gender="female",
        city="شیراز",
        seniority=None,
        employment_type=None,
        raw="استخدام حسابدار خانم در شیراز",
        province=None,
        removed=("استخدام", "خانم", "در شیراز"),
    )


def test_parser_instance_matches_function() -> None:
    parser = JobTitleParser()
    assert parser("حسابدار - مشهد") == parse_job_title("حسابدار - مشهد")
    with pytest.raises(TypeError):
        parser(None)  # type: ignore[arg-type]


PLACES = [
    ("تهران", Place("city", "تهران")),
    ("خرم آباد", Place("city", f"خرم{Z}آباد")),
    ("خرمآباد", Place("city", f"خرم{Z}آباد")),
    ("بندر عباس", Place("city", "بندرعباس")),
    ("شهر ری", Place("city", "شهر ری")),
    ("فارس", Place("province", "فارس")),
    ("استان سیستان و بلوچستان", Place("province", "سیستان و بلوچستان")),
    # A name that is a city and a province: «استان» says which.
    ("استان تهران", Place("province", "تهران")),
    ("استان اصفهان", Place("province", "اصفهان")),
    ("شهر قم", Place("city", "قم")),
    ("ونک", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), PLACES)
def test_find_place(text: str, expected: Place | None) -> None:
    assert find_place(text) == expected


def test_gazetteer_files() -> None:
    assert len(provinces()) == 31
    assert len(set(provinces())) == 31
    assert len(cities()) >= 130
    assert len(set(cities())) == len(cities())
