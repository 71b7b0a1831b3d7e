"""Word tokens of normalised Persian/English text.

:func:`tokenize` normalises its input with :func:`nlp.normalize.normalize` and returns the
word tokens, dropping punctuation. Unlike hazm's ``word_tokenize`` (which splits
``node.js`` into ``node . js``), it keeps whole:

* ZWNJ compounds: ``برنامه‌نویس``, ``نرم‌افزارها``, ``می‌خواهم``;
* technical names: ``c#``, ``c++``, ``f#``, ``.net``, ``asp.net``, ``node.js``,
  ``objective-c``, ``back-end``;
* numbers with separators: ``3.11``, ``2.5``, ``1,000``, ``22:00``, ``1402/05/01``;
* e-mail addresses and URLs.

``content_tokens`` also drops stopwords (:mod:`nlp.stopwords`).
"""

from __future__ import annotations

import re

from nlp.chars import ANY_DIGIT, PERSIAN_LETTERS, ZWNJ
from nlp.normalize import NormalizerConfig, normalize
from nlp.stopwords import stopwords

_ALNUM = f"A-Za-z_{ANY_DIGIT}"
_URL = r"(?:https?://|ftp://|www\.)[^\s<>\"«»]*[^\s<>\"«».,;:!?،؛؟()\[\]{}]"
_EMAIL = r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++"
_LATIN = (
    rf"(?:(?<![\w.])\.)?[{_ALNUM}]++"
    rf"(?:(?:[.\-]|(?<=[{ANY_DIGIT}])[,٫٬/:](?=[{ANY_DIGIT}]))[{_ALNUM}]++)*+"
    r"(?:\+\+|#)?"
)
_PERSIAN = f"[{PERSIAN_LETTERS}]++(?:{ZWNJ}[{PERSIAN_LETTERS}]++)*+"
_TOKEN = re.compile(f"{_URL}|{_EMAIL}|{_LATIN}|{_PERSIAN}|\\w+", re.IGNORECASE)


def tokenize(text: str, config: NormalizerConfig | None = None) -> list[str]:
    """Normalise ``text`` (with ``config``, default settings if ``None``) and split it into words.

    >>> tokenize("برنامه نویس C# و .NET (ASP.NET Core)، نسخه ۳.۱۱")
    ['برنامه\\u200cنویس', 'c#', 'و', '.net', 'asp.net', 'core', 'نسخه', '3.11']
    """
    return split_tokens(normalize(text, config))


def split_tokens(normalized: str) -> list[str]:
    """Split already-normalised text into word tokens (no normalisation)."""
    return _TOKEN.findall(normalized)


def content_tokens(text: str, config: NormalizerConfig | None = None) -> list[str]:
    """:func:`tokenize` without stopwords.

    >>> content_tokens("استخدام برنامه نویس با تجربه در یک شرکت معتبر")
    ['برنامه\\u200cنویس', 'تجربه']
    """
    words = stopwords()
    return [token for token in tokenize(text, config) if token not in words]
