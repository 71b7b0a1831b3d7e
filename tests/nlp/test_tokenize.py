"""Tables of (text, expected tokens) for the tokenizer and the stopword filter."""

from __future__ import annotations

import pytest

from nlp.stopwords import DOMAIN_WORDS, is_stopword, stopwords
from nlp.tokenize import content_tokens, split_tokens, tokenize

Z = "\u200c"  # ZWNJ

TOKENS = [
    ("", []),
    ("   \n\t ", []),
    ("کارشناس فروش", ["کارشناس", "فروش"]),
    ("برنامه نويس C#", [f"برنامه{Z}نویس", "c#"]),
    ("C++ و C# و F#", ["c++", "و", "c#", "و", "f#"]),
    (".NET Core", [".net", "core"]),
    ("ASP.NET Core، Node.js", ["asp.net", "core", "node.js"]),
    ("Vue.js/React.js", ["vue.js", "react.js"]),
    ("Objective-C و Back-End", ["objective-c", "و", "back-end"]),
    ("نرم افزارهای حسابداری", [f"نرم{Z}افزارهای", "حسابداری"]),
    ("میخواهم کتابها را بخوانم.", [f"می{Z}خواهم", f"کتاب{Z}ها", "را", "بخوانم"]),
    ("(تهران) - آقا!", ["تهران", "آقا"]),
    ("نسخه ۳.۱۱ و ۲٫۵", ["نسخه", "3.11", "و", "2.5"]),
    ("حقوق ۱۵,۰۰۰,۰۰۰ تومان", ["حقوق", "15,000,000", "تومان"]),
    ("ساعت ۸:۳۰ تا ۱۷", ["ساعت", "8:30", "تا", "17"]),
    ("تاریخ ۱۴۰۳/۰۲/۱۵", ["تاریخ", "1403/02/15"]),
    ("Python.", ["python"]),
    ("Email: Jobs@Example.ir", ["email", "jobs@example.ir"]),
    ("https://example.com/jobs?id=7", ["https://example.com/jobs?id=7"]),
    ("کارشناس\u200cفروش‌", [f"کارشناس{Z}فروش"]),
    ("SQL Server 2019", ["sql", "server", "2019"]),
]


@pytest.mark.parametrize(("text", "expected"), TOKENS)
def test_tokenize(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


CONTENT = [
    ("", []),
    ("استخدام برنامه نویس در یک شرکت معتبر", [f"برنامه{Z}نویس"]),
    ("نیازمند حسابدار خانم جهت همکاری", ["حسابدار", "همکاری"]),
    ("تسلط به C# و SQL Server", ["تسلط", "c#", "sql", "server"]),
    ("تحلیل داده و کار گروهی", ["تحلیل", "داده", "کار", "گروهی"]),
    ("پیاده سازی و راه اندازی سیستم", [f"پیاده{Z}سازی", f"راه{Z}اندازی", "سیستم"]),
]


@pytest.mark.parametrize(("text", "expected"), CONTENT)
def test_content_tokens(text: str, expected: list[str]) -> None:
    assert content_tokens(text) == expected


def test_split_tokens_does_not_normalise() -> None:
    assert split_tokens("Node.js و C#") == ["Node.js", "و", "C#"]


@pytest.mark.parametrize("word", ["از", "به", "است", "استخدام", "معتبر", "شرکت", "جهت"])
def test_stopwords_include(word: str) -> None:
    assert is_stopword(word)


@pytest.mark.parametrize("word", ["داده", "گروهی", "فروش", "حسابدار", "همکاری", "c#", "r"])
def test_domain_words_are_not_stopwords(word: str) -> None:
    assert not is_stopword(word)


def test_stopwords_are_normalised_and_cached() -> None:
    words = stopwords()
    assert words is stopwords()
    assert f"آن{Z}ها" in words
    assert not DOMAIN_WORDS & words
