"""The line of a vacancy or CV that names its occupation: a table of (text, line)."""

from __future__ import annotations

import pytest

from nlp.occupation_line import occupation_line

CASES = [
    # a vacancy: its first line, however it is bulleted or padded
    (
        "برنامه نویس ارشد Python (تهران) - آقا\nشرح وظایف ...",
        "برنامه نویس ارشد Python (تهران) - آقا",
    ),
    ("\n\n  - حسابدار ارشد\nشرح وظایف ...", "حسابدار ارشد"),
    # a vacancy's requirements under «سابقه کار» are not a work history (no dates)
    ("حسابدار ارشد\nسابقه کار:\n- حداقل ۳ سال سابقه در حسابداری", "حسابدار ارشد"),
    # a labelled title wins, wherever it is and however the label is spelled
    ("رزومه\nنام: حسن کریمی\nعنوان شغلی: تکنسین تعمیرات", "تکنسین تعمیرات"),
    ("آگهی استخدام\nعنوان‌شغلی : انباردار", "انباردار"),
    ("Job title: Senior Accountant\nWe are hiring", "Senior Accountant"),
    ("سمت: صندوقدار\nساعت کاری ۸ تا ۱۶", "صندوقدار"),
    # a CV's work history: the current entry, else the first, without employer and dates
    (
        "علی رضایی\nتلفن: ۰۹۱۲۰۰۰۰۰۰۰\nسوابق کاری:\n- حسابدار ارشد، شرکت الف (۱۴۰۰ تا کنون)\n"
        "- کمک حسابدار، شرکت ب (۱۳۹۷-۱۴۰۰)\nتحصیلات: کارشناسی حسابداری",
        "حسابدار ارشد",
    ),
    (
        "رزومه\nمریم احمدی\nمتولد ۱۳۷۰\nسوابق شغلی\nطراح UI، آژانس نقش (۱۳۹۸-۱۴۰۱)\n"
        "برنامه‌نویس React در شرکت دیجی (۱۴۰۱-اکنون)",
        "برنامه\u200cنویس react",
    ),
    (
        "Curriculum Vitae\nName: Reza Karimi\nExperience\nSenior Data Engineer, Snapp "
        "(2021-present)\nData Analyst, Cafe Bazaar (2018-2021)",
        "senior data engineer",
    ),
    ("رزومه كاري\nسوابق كاري\nانباردار - فروشگاه رفاه ١٣٩٩ تا ١٤٠٢", "انباردار"),  # Arabic ك ي ١
    ("سوابق کاری\nراننده پایه ۱ شرکت حمل (۱۳۹۵ تاکنون)", "راننده پایه 1 شرکت حمل"),
    # no title, no history: the first line that is not a label, contact or header
    (
        "رزومه\n09121234567\nreza@example.com\nخلاصه: پنج سال سابقه رانندگی کامیون",
        "پنج سال سابقه رانندگی کامیون",
    ),
    ("CV\nنام و نام خانوادگی: سارا\nمهارت‌ها\nنقشه‌کشی با اتوکد", "نقشه‌کشی با اتوکد"),
    ("", ""),
    ("رزومه\nتلفن: ۰۹۱۲۱۲۳۴۵۶۷", ""),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_occupation_line(text: str, expected: str) -> None:
    assert occupation_line(text) == expected


def test_a_line_is_cut_to_300_characters() -> None:
    assert len(occupation_line("ا" * 1000 + "\nدوم")) == 300
