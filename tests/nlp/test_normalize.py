"""Tables of (input, expected) for the Persian normaliser.

ZWNJ is written as ``{Z}`` in f-strings so the tables stay readable.
"""

from __future__ import annotations

import pytest

from nlp.normalize import NormalizerConfig, PersianNormalizer, normalize

Z = "\u200c"  # ZWNJ

LETTERS = [
    ("كارشناس فني", "کارشناس فنی"),
    ("مدير داخلي", "مدیر داخلی"),
    ("مهندسى", "مهندسی"),
    ("مؤسسه", "موسسه"),
    ("تأمین", "تامین"),
    ("إدارة", "اداره"),
    ("خانۀ ما", "خانه ما"),
    ("خانهٔ ما", "خانه ما"),
    ("مسئول رئیس", "مسئول رئیس"),
    ("ﻻزم", "لازم"),
    ("ﻣﺪﻳﺮ", "مدیر"),
]

DIGITS = [
    ("۱۴۰۲", "1402"),
    ("١٢٣", "123"),
    ("2024", "2024"),
    ("۳ تا ٥ سال", "3 تا 5 سال"),
    ("۲٫۵ میلیون", "2.5 میلیون"),
    ("۱۰٪", "10%"),
    ("۱٬۰۰۰", "1,000"),
]

KASHIDA_AND_DIACRITICS = [
    ("مدیـــــر", "مدیر"),
    ("کـارشـناس", "کارشناس"),
    ("مُدیرِ فروش", "مدیر فروش"),
    ("مهندسٌ", "مهندس"),
    ("متشکّرم", "متشکرم"),
    ("حتماً", "حتما"),
    ("سُکْون", "سکون"),
]

CONTROL = [
    ("مدیر\u200fفروش", "مدیرفروش"),
    ("\ufeffحسابدار", "حسابدار"),
    ("برنامه\u200dنویس", "برنامه\u200cنویس"),
    ("Py\u00adthon", "python"),
    ("\u202bتهران\u202c", "تهران"),
]

ZWNJ_PRESENT = [
    (f"می{Z}خواهم", f"می{Z}خواهم"),
    (f"کتاب{Z}ها", f"کتاب{Z}ها"),
    (f"برنامه{Z}{Z}نویس", f"برنامه{Z}نویس"),
    (f"{Z}سلام{Z} به {Z}همه{Z}", "سلام به همه"),
    (f"دانشجو{Z}ها", "دانشجوها"),
    (f"کار{Z}گر", "کارگر"),
    (f"python{Z}ها", "pythonها"),
]

ZWNJ_MISSING = [
    ("میخواهم", f"می{Z}خواهم"),
    ("نمیدانم", f"نمی{Z}دانم"),
    ("میتوانیم", f"می{Z}توانیم"),
    ("کتابها", f"کتاب{Z}ها"),
    ("شرکتهای بزرگ", f"شرکت{Z}های بزرگ"),
    ("بزرگترین", f"بزرگ{Z}ترین"),
    ("خانهها", f"خانه{Z}ها"),
]

ZWNJ_AS_SPACE = [
    ("می خواهم", f"می{Z}خواهم"),
    ("نمی توانم", f"نمی{Z}توانم"),
    ("کتاب ها", f"کتاب{Z}ها"),
    ("سیستم های نرم افزاری", f"سیستم{Z}های نرم{Z}افزاری"),
    ("بزرگ تر", f"بزرگ{Z}تر"),
    ("خانه ای", f"خانه{Z}ای"),
    ("پروژه ای", f"پروژه{Z}ای"),
    ("نوشته ام", f"نوشته{Z}ام"),
    ("رفته اند", f"رفته{Z}اند"),
    ("برنامه نویسی", f"برنامه{Z}نویسی"),
    ("توسعه دهنده", f"توسعه{Z}دهنده"),
    ("کار آموز", "کارآموز"),
    ("تمام وقت", f"تمام{Z}وقت"),
    ("دور کاری", "دورکاری"),
    ("مدیر ها", "مدیرها"),
]

ZWNJ_NOT_INSERTED = [
    ("میز", "میز"),
    ("میوه", "میوه"),
    ("میلاد", "میلاد"),
    ("میانگین", "میانگین"),
    ("میهن", "میهن"),
    ("میراث", "میراث"),
    ("میکروب", "میکروب"),
    ("میلیون", "میلیون"),
    ("ماه می سال", "ماه می سال"),
    ("تنها", "تنها"),
    ("رها", "رها"),
    ("دختر", "دختر"),
    ("بستر", "بستر"),
    ("دفتر", "دفتر"),
    ("کبوتر", "کبوتر"),
    ("کامپیوتر", "کامپیوتر"),
    ("اختر", "اختر"),
    ("حسابدار", "حسابدار"),
    ("با تجربه", "با تجربه"),
    ("در حال حاضر", "در حال حاضر"),
    ("که ای کاش", "که ای کاش"),
]

SPACING = [
    ("", ""),
    ("   ", ""),
    ("\t\n \n", ""),
    ("  کارشناس\t\tفروش  ", "کارشناس فروش"),
    ("حقوق\u00a0ثابت", "حقوق ثابت"),
    ("سلام  ،دنیا", "سلام، دنیا"),
    ("تهران ,مشهد", "تهران، مشهد"),
    ("چرا ?", "چرا؟"),
    ("الف ;ب", "الف؛ ب"),
    ("کارشناس( تهران )", "کارشناس (تهران)"),
    ("شرایط:سابقه", "شرایط: سابقه"),
    ("پایان.شروع", "پایان. شروع"),
    ("ساعت:۸", "ساعت: 8"),
    ("Python,Java", "python, java"),
    ("خط اول\r\nخط دوم", "خط اول\nخط دوم"),
    ("بند یک\n\n\n\n- بند دو", "بند یک\n\n- بند دو"),
    ("مدیر – فروش", "مدیر - فروش"),
]

TECHNICAL = [
    ("C#", "c#"),
    ("C++", "c++"),
    ("F# , C#", "f#, c#"),
    (".NET", ".net"),
    ("توسعه دهنده .NET", f"توسعه{Z}دهنده .net"),
    ("ASP.NET Core", "asp.net core"),
    ("Node.js و Vue.js", "node.js و vue.js"),
    ("React.js", "react.js"),
    ("NodeJS", "node.js"),
    ("CSharp", "c#"),
    ("ASP .NET", "asp.net"),
    ("Dot Net و Java Script", ".net و javascript"),
    ("برنامه نویس ReactJS،NextJS", f"برنامه{Z}نویس react.js، next.js"),
    ("Objective-C", "objective-c"),
    ("ICDL", "icdl"),
    ("SQL Server", "sql server"),
    ("R و Go", "r و go"),
    ("Python 3.11", "python 3.11"),
    ("۲.۵ سال سابقه", "2.5 سال سابقه"),
    ("Ali.Rezaei@Example.com", "ali.rezaei@example.com"),
    ("https://Example.com/Jobs?id=12&ref=A", "https://Example.com/Jobs?id=12&ref=A"),
    ("سایت:https://example.com/a?b=1.", "سایت: https://example.com/a?b=1."),
    ("تسلط به C#،ASP.NET", "تسلط به c#، asp.net"),
]

MIXED = [
    ("برنامه نويس ارشد Python (تهران) - آقا", f"برنامه{Z}نویس ارشد python (تهران) - آقا"),
    ("استخدام  كارشناس   فروش در تهران", "استخدام کارشناس فروش در تهران"),
    ("مسلط به Excel و Word", "مسلط به excel و word"),
    ("۵ سال سابقه کار با Django", "5 سال سابقه کار با django"),
    ("آشنایی با Docker ،Kubernetes", "آشنایی با docker، kubernetes"),
]

TABLES = (
    LETTERS
    + DIGITS
    + KASHIDA_AND_DIACRITICS
    + CONTROL
    + ZWNJ_PRESENT
    + ZWNJ_MISSING
    + ZWNJ_AS_SPACE
    + ZWNJ_NOT_INSERTED
    + SPACING
    + TECHNICAL
    + MIXED
)


@pytest.mark.parametrize(("text", "expected"), TABLES)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(("text", "expected"), TABLES)
def test_normalize_is_idempotent(text: str, expected: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@pytest.mark.parametrize(("text", "expected"), MIXED + TECHNICAL[:5])
def test_class_and_function_share_the_chain(text: str, expected: str) -> None:
    assert PersianNormalizer()(text) == normalize(text) == expected


# Each flag switched off leaves its feature alone (and the other steps still run).
FLAGS_OFF = [
    ({"remove_control": False}, "مدیر\u200fفروش", "مدیر\u200fفروش"),
    ({"unify_letters": False}, "كارشناس فني", "كارشناس فني"),
    ({"unify_letters": False}, "ﻣﺪﻳﺮ", "ﻣﺪﻳﺮ"),
    ({"remove_kashida": False}, "مدیـــر", "مدیـــر"),
    ({"remove_diacritics": False}, "مُدیرِ فروش", "مُدیرِ فروش"),
    ({"digits": None}, "۱۴۰۲ و ١٢٣ و 45", "۱۴۰۲ و ١٢٣ و 45"),
    ({"digits": "persian"}, "سال 1402 و ١٢٣", "سال ۱۴۰۲ و ۱۲۳"),
    ({"digits": "persian"}, "ali2@x.com و C++11", "ali2@x.com و c++11"),
    ({"fix_spacing_punctuation": False}, "سلام  ،دنیا", "سلام  ،دنیا"),
    ({"fix_spacing_punctuation": False}, "کارشناس( تهران )", "کارشناس( تهران )"),
    ({"keep_newlines": False}, "خط اول\nخط دوم\n\n- بند", "خط اول خط دوم - بند"),
    ({"persian_punctuation": False}, "چرا? تهران,مشهد", "چرا? تهران, مشهد"),
    ({"fix_zwnj": False}, "می خواهم کتاب ها", "می خواهم کتاب ها"),
    ({"fix_zwnj": False}, f"کتابها و {Z}کار{Z}{Z}گر", f"کتابها و {Z}کار{Z}{Z}گر"),
    ({"lowercase_latin": False}, "C# و ASP.NET Core و NodeJS", "C# و ASP.NET Core و NodeJS"),
]


@pytest.mark.parametrize(("flags", "text", "expected"), FLAGS_OFF)
def test_flag_off_leaves_feature_alone(flags: dict[str, object], text: str, expected: str) -> None:
    config = NormalizerConfig(**flags)  # type: ignore[arg-type]
    assert normalize(text, config) == expected
    assert PersianNormalizer(config)(text) == expected


ALL_OFF = NormalizerConfig(
    remove_control=False,
    unify_letters=False,
    remove_kashida=False,
    remove_diacritics=False,
    digits=None,
    fix_spacing_punctuation=False,
    fix_zwnj=False,
    lowercase_latin=False,
)


@pytest.mark.parametrize(("text", "expected"), TABLES)
def test_all_flags_off_is_identity(text: str, expected: str) -> None:
    assert normalize(text, ALL_OFF) == text


def test_step_order() -> None:
    assert PersianNormalizer().step_names == (
        "remove_control",
        "remove_kashida",
        "clean_zwnj",
        "unify_letters",
        "remove_diacritics",
        "digits",
        "fix_spacing_punctuation",
        "fix_zwnj",
        "lowercase_latin",
    )
    assert PersianNormalizer(ALL_OFF).step_names == ()


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="digits"):
        NormalizerConfig(digits="roman")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        normalize(None)  # type: ignore[arg-type]


# Long inputs: must finish quickly (no catastrophic backtracking) and be right.
LONG = [
    ("می خواهم کتاب ها را ببینم. " * 2000, (f"می{Z}خواهم کتاب{Z}ها را ببینم. " * 2000).strip()),
    ("ب" * 50_000, "ب" * 50_000),
    ("می" * 25_000, "می" * 25_000),
    ("a." * 25_000, "a." * 25_000),
    ("C# " * 17_000, ("c# " * 17_000).strip()),
    ("۱" * 50_000, "1" * 50_000),
    (" " * 50_000, ""),
    ("(" * 50_000, "(" * 50_000),
    ("https://" + "a" * 50_000, "https://" + "a" * 50_000),
    ("x" * 50_000 + "@", "x" * 50_000 + "@"),
    (f"ب{Z}" * 25_000, f"ب{Z}" * 24_999 + "ب"),
]


@pytest.mark.parametrize(("text", "expected"), LONG, ids=lambda v: repr(v[:12]))
def test_long_input(text: str, expected: str) -> None:
    assert len(text) >= 50_000
    assert normalize(text) == expected
