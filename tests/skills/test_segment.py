"""Boilerplate in ads is recognised and not mined."""

from __future__ import annotations

import pytest

from nlp.normalize import normalize
from skills.segment import segment_text

AD = """استخدام حسابدار در شرکت پخش البرز
درباره ما:
شرکت پخش البرز با ۲۰ سال سابقه، پیشرو در توزیع نرم‌افزارهای حسابداری است.
شرایط احراز:
- مسلط به نرم‌افزار سپیدار
- آشنا به قانون کار و تأمین اجتماعی
مزایا:
بیمه تکمیلی، ناهار، عیدی و سنوات طبق قانون کار
لطفا رزومه خود را ارسال کنید.
"""


def _segments(text: str) -> list[tuple[str, str, bool]]:
    return [(s.text, s.section, s.boilerplate) for s in segment_text(normalize(text))]


def test_sections_of_an_ad() -> None:
    segments = _segments(AD)
    by_text = {text: (section, boilerplate) for text, section, boilerplate in segments}
    assert by_text["مسلط به نرم‌افزار سپیدار"] == ("requirements", False)
    assert by_text[normalize("آشنا به قانون کار و تأمین اجتماعی")] == ("requirements", False)
    intro = next(t for t in by_text if t.startswith("شرکت پخش البرز"))
    assert by_text[intro] == ("about", True)
    benefits = next(t for t in by_text if t.startswith("بیمه تکمیلی"))
    assert by_text[benefits] == ("benefits", True)
    apply = next(t for t in by_text if "رزومه" in t)
    assert by_text[apply][1] is True


# (line on its own, is it boilerplate?)
LINES = [
    ("بیمه تکمیلی و ناهار", True),
    ("سرویس ایاب و ذهاب", True),
    ("ساعت کاری: شنبه تا چهارشنبه ۸ تا ۱۷", True),
    ("لطفا رزومه خود را به آدرس ایمیل ارسال کنید", True),
    ("مسلط به اکسل", False),
    ("آشنایی با قانون کار", False),
    ("حداقل ۳ سال سابقه کار در حسابداری", False),
    ("توانایی کار تیمی و روابط عمومی بالا", False),
    ("سابقه کار در فروش تلفنی (حداقل ۱ سال)", False),  # "تلفن" only as a whole word
    ("تلفن تماس: ۰۲۱۸۸۸۸۸۸۸۸", True),
    ("شرکت آوا با ۱۵ سال سابقه، پیشرو در صنعت غذا", True),
]


@pytest.mark.parametrize(("line", "boilerplate"), LINES)
def test_line_by_line(line: str, boilerplate: bool) -> None:
    [(_, _, flagged)] = _segments(line)
    assert flagged is boilerplate


def test_form_fields_are_metadata() -> None:
    segments = segment_text(normalize("محل کار: تهران\nمهارت‌های مورد نیاز: اکسل / ورد"))
    assert [s.metadata for s in segments] == [True, False]


def test_empty_text_has_no_segments() -> None:
    assert segment_text("") == []
    assert segment_text("\n \n") == []
