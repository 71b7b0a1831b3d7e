"""Whitespace and punctuation spacing for mixed Persian/English text.

The rules only move spaces around punctuation; they never split a Latin token, so
technical names keep their inner punctuation: ``C#``, ``C++``, ``.NET``, ``ASP.NET Core``,
``Node.js``, ``3.11``, ``2.5``, ``1,000`` and e-mail addresses survive unchanged. URLs
(``http://``, ``https://``, ``ftp://``, ``www.``) are set aside before the rules run and
put back afterwards, so ``?``, ``&`` and ``(`` inside them are never touched.

* Tabs, NBSP and other Unicode spaces become a plain space; runs of spaces collapse to one.
* Line breaks are kept (CVs are written as lines and bullets): each line is stripped and
  runs of blank lines collapse to one blank line. With ``keep_newlines=False`` every line
  break becomes a space.
* Dashes (‐ – — − …) become ``-``.
* No space before ``، ؛ ؟ ! ? , ; : ) ] } »`` or a sentence dot; one space after them when a
  word follows. A dot or colon only gets a space after it when Persian text touches it,
  so ``Node.js`` and ``example.com`` stay whole while ``تهران.مشهد`` becomes
  ``تهران. مشهد``. A dot followed by a Latin letter or digit (``.NET``) keeps the space
  before it.
* No space after ``( [ { «``; one space before them when a word precedes.
* With ``persian_punctuation=True``, ``?``, ``,`` and ``;`` written straight after a Persian
  letter become ``؟``, ``،`` and ``؛``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nlp.chars import ANY_DIGIT, PERSIAN_LETTERS

_HOLE = "\ue000"  # private-use character standing in for a protected span
_FA = f"[{PERSIAN_LETTERS}]"
_WORD_AHEAD = f"(?=[^\\W_]|{_HOLE})"  # a letter, a digit or a protected span follows
_LETTER_AHEAD = f"(?=[^\\W\\d_]|{_HOLE})"
_WORD_BEHIND = f"(?:(?<=[^\\W_])|(?<={_HOLE}))"

_URL = re.compile(
    r"(?:https?://|ftp://|www\.)[^\s<>\"«»]*[^\s<>\"«».,;:!?،؛؟()\[\]{}]" f"|{_HOLE}",
    re.IGNORECASE,
)

_OTHER_SPACES = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINE_BREAKS = re.compile("\r\n|[\r\v\f\u0085\u2028]")
_MULTI_SPACE = re.compile(" {2,}")
_SPACES_AROUND_NEWLINE = re.compile(" *\n *")
_BLANK_LINES = re.compile("\n{3,}")
_ALL_NEWLINES = re.compile(" *\n[\n ]*")
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")

_FA_QUESTION = re.compile(f"(?<={_FA}) *\\?")
_FA_COMMA = re.compile(f"(?<={_FA}) *,")
_FA_SEMICOLON = re.compile(f"(?<={_FA}) *;")

_SPACE_BEFORE_CLOSING = re.compile(r" +(?=[،؛؟!?,;:)\]}»]|\.(?![A-Za-z0-9]))")
_SPACE_AFTER_OPENING = re.compile(r"([(\[{«]) +")
_AFTER_FA_PUNCT = re.compile(f"([،؛؟!])(?=[^\\W_]|{_HOLE}|[(\\[{{«])")
_AFTER_LATIN_PUNCT = re.compile(f"([,;]){_LETTER_AHEAD}")
_AFTER_QUESTION = re.compile(f"\\?(?={_FA})")
_AFTER_DOT_FA_BEFORE = re.compile(f"(?<={_FA})([.:]){_LETTER_AHEAD}")
_AFTER_DOT_FA_AHEAD = re.compile(f"([.:])(?={_FA})")
_AFTER_COLON_DIGIT = re.compile(f"(?<={_FA}):(?=[{ANY_DIGIT}])")
_AFTER_CLOSING = re.compile(f"([)\\]}}»]){_WORD_AHEAD}")
_BEFORE_OPENING = re.compile(f"{_WORD_BEHIND}([(\\[{{«])")


def _hide_urls(text: str) -> tuple[str, list[str]]:
    holes: list[str] = []

    def hide(match: re.Match[str]) -> str:
        holes.append(match.group())
        return _HOLE

    return _URL.sub(hide, text), holes


def _restore(text: str, holes: list[str]) -> str:
    if not holes:
        return text
    spans: Iterator[str] = iter(holes)
    return re.sub(_HOLE, lambda _: next(spans), text)


def normalize_whitespace(text: str, *, keep_newlines: bool = True) -> str:
    """Unify spaces and line breaks, collapse runs and strip every line.

    >>> normalize_whitespace("  کارشناس\\t\\tفروش \\r\\n\\n\\n\\n- اکسل  ")
    'کارشناس فروش\\n\\n- اکسل'
    """
    text = _OTHER_SPACES.sub(" ", text)
    text = _LINE_BREAKS.sub("\n", text).replace("\u2029", "\n\n")
    text = _MULTI_SPACE.sub(" ", text)
    if keep_newlines:
        text = _SPACES_AROUND_NEWLINE.sub("\n", text)
        text = _BLANK_LINES.sub("\n\n", text)
    else:
        text = _ALL_NEWLINES.sub(" ", text)
    return text.strip()


def unify_persian_punctuation(text: str) -> str:
    """Turn ``?``, ``,`` and ``;`` written straight after a Persian letter into ``؟``, ``،``, ``؛``.

    >>> unify_persian_punctuation("چرا?")
    'چرا؟'
    """
    text = _FA_QUESTION.sub("؟", text)
    text = _FA_COMMA.sub("،", text)
    return _FA_SEMICOLON.sub("؛", text)


def space_punctuation(text: str) -> str:
    """Move spaces around punctuation and brackets (see the module docstring).

    >>> space_punctuation("کارشناس(تهران)،حسابدار")
    'کارشناس (تهران)، حسابدار'
    """
    text = _DASHES.sub("-", text)
    text = _SPACE_BEFORE_CLOSING.sub("", text)
    text = _SPACE_AFTER_OPENING.sub(r"\1", text)
    text = _AFTER_FA_PUNCT.sub(r"\1 ", text)
    text = _AFTER_LATIN_PUNCT.sub(r"\1 ", text)
    text = _AFTER_QUESTION.sub("? ", text)
    text = _AFTER_DOT_FA_BEFORE.sub(r"\1 ", text)
    text = _AFTER_DOT_FA_AHEAD.sub(r"\1 ", text)
    text = _AFTER_COLON_DIGIT.sub(": ", text)
    text = _AFTER_CLOSING.sub(r"\1 ", text)
    return _BEFORE_OPENING.sub(r" \1", text)


def fix_spacing_punctuation(
    text: str, *, keep_newlines: bool = True, persian_punctuation: bool = True
) -> str:
    """Whitespace clean-up, then punctuation spacing, with URLs protected throughout."""
    text, holes = _hide_urls(text)
    text = normalize_whitespace(text, keep_newlines=keep_newlines)
    if persian_punctuation:
        text = unify_persian_punctuation(text)
    text = space_punctuation(text)
    text = normalize_whitespace(text, keep_newlines=keep_newlines)
    return _restore(text, holes)
