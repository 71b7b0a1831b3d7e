"""ZWNJ (نیم‌فاصله, U+200C) repair.

:class:`ZwnjFixer` removes stray ZWNJs and inserts missing ones, using hazm's word list and
verb conjugations (:mod:`nlp.lexicon`) instead of blind patterns. In order:

1. **Clean-up.** Repeated ZWNJs collapse; a ZWNJ not between two Persian letters (next to a
   space, at a word edge, beside Latin text, digits or punctuation) is removed; a ZWNJ after
   a non-joining letter (ا د ذ ر ز ژ و …) is removed too, because it changes nothing on
   screen and one spelling matches better: ``کار‌گر`` → ``کارگر``, ``دانشجو‌ها`` → ``دانشجوها``.
2. **Known compounds** from ``data/compounds_fa.txt``: ``برنامه نویسی`` → ``برنامه‌نویسی``,
   ``کار آموز`` → ``کارآموز``, ``تمام وقت`` → ``تمام‌وقت``.
3. **A space that should be a ZWNJ**, for two adjacent Persian words ``A B``:

   * ``A‌B`` is a verb form hazm conjugates: ``می خواهم`` → ``می‌خواهم``, ``رفته اند`` →
     ``رفته‌اند``. ``می`` is never joined to a word that would not make a verb
     (``ماه می سال`` stays).
   * ``A‌B`` is a word in hazm's lexicon and ``A`` ends in a joining letter:
     ``نرم افزار`` → ``نرم‌افزار`` (``با تجربه`` and ``در حال`` stay two words).
   * ``B`` is the plural ``ها/های/هایی``: ``کتاب ها`` → ``کتاب‌ها``.
   * ``B`` is ``تر/ترین`` and ``A`` is an adjective in the lexicon: ``بزرگ تر`` → ``بزرگ‌تر``
     (``تر`` alone also means *wet*, so it is not joined to nouns).
   * ``A`` ends in a silent ``ه`` and ``B`` is ``ی ای ام ات اش ایم اید اند``:
     ``خانه ای`` → ``خانه‌ای`` (not after ``که چه نه به``).
4. **A missing ZWNJ inside one word**, only when the word is not itself in the lexicon:

   * ``می/نمی`` + verb: ``میخواهم`` → ``می‌خواهم``; ``میز میوه میلاد میانگین میهن میراث
     میکروب میلیون`` are untouched because ``می‌ز`` etc. are not verb forms.
   * plural: ``کتابها`` → ``کتاب‌ها`` when ``کتاب`` is a word; ``تنها`` and ``رها`` are words
     themselves, so they stay.
   * comparative: ``بزرگترین`` → ``بزرگ‌ترین`` when ``بزرگ`` is an adjective; ``دختر دفتر
     بستر کبوتر اختر کامپیوتر`` stay (they are words, or their "stem" is not an adjective,
     or they are on the exception list).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from nlp.chars import DIACRITICS, NON_JOINING_LETTERS, PERSIAN_LETTERS, ZWNJ
from nlp.datafiles import read_lines
from nlp.lexicon import Lexicon, canonical_zwnj, persian_lexicon

_LETTER = f"[{PERSIAN_LETTERS}]"
# Presentation forms count as letters so that clean-up before letter unification keeps
# the ZWNJs between them.
_WORD_CHARS = f"{PERSIAN_LETTERS}{DIACRITICS}\ufb50-\ufdff\ufe70-\ufefc"

# A ZWNJ with the diacritics around it; it is kept only between two letters.
_ZWNJ_CLUSTER = re.compile(f"(?<![{DIACRITICS}])[{DIACRITICS}]*+{ZWNJ}[{DIACRITICS}{ZWNJ}]*+")
_LETTER_CHARS = re.compile(f"[{PERSIAN_LETTERS}\ufb50-\ufdff\ufe70-\ufefc]")
# Possessive quantifiers and a left-edge lookbehind keep these linear on long input.
_PERSIAN_RUN = re.compile(
    f"(?<![{_WORD_CHARS}{ZWNJ}])[{_WORD_CHARS}{ZWNJ}]++(?: [{_WORD_CHARS}{ZWNJ}]++)+"
)
_PERSIAN_WORD = re.compile(
    f"(?<![{_WORD_CHARS}{ZWNJ}])[{_WORD_CHARS}]++(?:{ZWNJ}[{_WORD_CHARS}]++)*+"
)
_ARABIC_SCRIPT = re.compile(f"[\u0600-\u06ff{ZWNJ}]")
_JOINING_END = re.compile(f"[^{NON_JOINING_LETTERS}]$")
_MI_PREFIX = re.compile(f"^(ن?می)({_LETTER}.+)$")

_MAX_PASSES = 4
_MEMO = 1 << 17  # words and word pairs remembered per fixer (a few MB)
_PLURALS = ("هایی", "های", "ها")
_COMPARATIVES = ("ترین", "تر")
_CLITICS_AFTER_H = frozenset({"ی", "ای", "ام", "ات", "اش", "ایم", "اید", "اند"})
_NOT_SILENT_H = frozenset({"که", "چه", "نه", "به", "ده", "مه", "ره", "شه"})
_COMPOUND_SUFFIXES = ("هایی", "های", "ها", "ی", "ان")

# Words ending in تر that are not comparatives, for when a "stem" happens to be an adjective.
_NOT_COMPARATIVE = frozenset(
    {
        "دختر", "دفتر", "بستر", "کبوتر", "اختر", "انگشتر", "کامپیوتر", "دکتر", "چتر",
        "شتر", "متر", "لیتر", "فیلتر", "پوستر", "مستر", "تستر", "سنتر", "کاراکتر",
        "پارامتر", "کلاستر", "رجیستر", "اسکوتر", "تئاتر", "هلیکوپتر", "پرینتر",
        "کانتر", "اکستر", "بهتر", "بهترین", "کمتر", "بیشتر", "کمترین", "بیشترین",
    }
)  # fmt: skip


def clean_zwnj(text: str) -> str:
    """Step 1 alone: collapse repeated ZWNJs, drop stray ones and those after non-joining letters.

    A ZWNJ is kept only between two letters, looking past diacritics. The normaliser also
    runs this before its digit and spacing steps, so that removing a ZWNJ never leaves
    punctuation that spacing would have treated differently (``(تهران)‌حسابدار``).

    >>> clean_zwnj("\u200cکار\u200c\u200cگر\u200c")
    'کارگر'
    """
    if ZWNJ not in text:
        return text
    return canonical_zwnj(_ZWNJ_CLUSTER.sub(_clean_cluster, text))


def _clean_cluster(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    cluster = match.group()
    first = cluster.index(ZWNJ)
    before, after = cluster[:first], cluster[first:].replace(ZWNJ, "")
    between_letters = (
        start > 0
        and end < len(text)
        and _LETTER_CHARS.match(text, start - 1) is not None
        and _LETTER_CHARS.match(text, end) is not None
    )
    return before + ZWNJ + after if between_letters else before + after


def _last_part(word: str) -> str:
    return word.rsplit(ZWNJ, 1)[-1]


class ZwnjFixer:
    """Callable that repairs ZWNJs in Persian text (see the module docstring).

    Args:
        lexicon: word and verb tables; hazm's (loaded once per process) when ``None``.
    """

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else persian_lexicon()
        self._compounds, self._compound_pattern = self._build_compounds()
        # The decisions are per word and per word pair, and the same few thousand words make
        # up most texts: each is decided once (the fixer is most of normalisation's cost).
        self._should_join: Callable[[str, str], bool] = lru_cache(maxsize=_MEMO)(self._decide_join)
        self._fixed_word: Callable[[str], str] = lru_cache(maxsize=_MEMO)(self._fix_word)

    @staticmethod
    def _build_compounds() -> tuple[dict[str, str], re.Pattern[str]]:
        compounds: dict[str, str] = {}
        alternatives: list[str] = []
        for line in read_lines("compounds_fa.txt"):
            parts = re.split(r"[+|]", line)
            compounds["".join(parts)] = canonical_zwnj(line.replace("+", ZWNJ).replace("|", ""))
            alternatives.append(f"[ {ZWNJ}]?".join(re.escape(part) for part in parts))
        alternatives.sort(key=len, reverse=True)
        suffixes = "|".join(_COMPOUND_SUFFIXES)
        pattern = re.compile(
            f"(?<![{_WORD_CHARS}{ZWNJ}])({'|'.join(alternatives)})({suffixes})?(?![{_WORD_CHARS}])"
        )
        return compounds, pattern

    def __call__(self, text: str) -> str:
        if _ARABIC_SCRIPT.search(text) is None:
            return text
        # One change can enable another (splitting وقتتر lets تمام وقت‌تر match a compound),
        # so repeat until nothing changes; in practice the second pass is the last.
        for _ in range(_MAX_PASSES):
            fixed = self._fix_once(text)
            if fixed == text:
                break
            text = fixed
        return text

    def _fix_once(self, text: str) -> str:
        text = clean_zwnj(text)
        text = self._compound_pattern.sub(self._join_compound, text)
        text = _PERSIAN_RUN.sub(self._join_run, text)
        text = _PERSIAN_WORD.sub(self._split_word, text)
        return clean_zwnj(text)

    def _join_compound(self, match: re.Match[str]) -> str:
        key = match.group(1).replace(" ", "").replace(ZWNJ, "")
        compound = self._compounds[key]
        suffix = match.group(2) or ""
        if suffix.startswith("ه"):
            return canonical_zwnj(compound + ZWNJ + suffix)
        return compound + suffix

    def _join_run(self, match: re.Match[str]) -> str:
        result: list[str] = []
        for token in match.group().split(" "):
            if result and self._should_join(result[-1], token):
                result[-1] = canonical_zwnj(result[-1] + ZWNJ + token)
            else:
                result.append(token)
        return " ".join(result)

    def _decide_join(self, previous: str, token: str) -> bool:
        lexicon = self.lexicon
        pair = canonical_zwnj(previous + ZWNJ + token)
        if pair in lexicon.verbs:
            return True
        # Lexicon compounds only where the ZWNJ is visible: after a non-joining letter the
        # pair would fuse into one word (با تجربه -> باتجربه, در حال -> درحال), which the
        # lexicon cannot tell apart from two words.
        if _JOINING_END.search(previous) and lexicon.is_word(pair):
            return True
        last = _last_part(previous)
        if token in _PLURALS:
            return len(last) >= 2
        if token in _COMPARATIVES:
            return lexicon.is_adjective(last) and previous + token not in _NOT_COMPARATIVE
        if token in _CLITICS_AFTER_H:
            return len(last) >= 2 and last.endswith("ه") and last not in _NOT_SILENT_H
        return False

    def _split_word(self, match: re.Match[str]) -> str:
        return self._fixed_word(match.group())

    def _fix_word(self, word: str) -> str:
        lexicon = self.lexicon
        if lexicon.is_known(word):
            return word
        mi = _MI_PREFIX.match(word)
        if mi is not None:
            verb = f"{mi.group(1)}{ZWNJ}{mi.group(2)}"
            if verb in lexicon.verbs:
                return verb
        for suffix in _PLURALS:
            if word.endswith(suffix):
                stem = word[: -len(suffix)]
                if len(_last_part(stem)) >= 2 and lexicon.is_known(stem):
                    return canonical_zwnj(stem + ZWNJ + suffix)
                break
        if word in _NOT_COMPARATIVE:
            return word
        for suffix in _COMPARATIVES:
            if word.endswith(suffix):
                stem = word[: -len(suffix)]
                if len(_last_part(stem)) >= 2 and lexicon.is_adjective(_last_part(stem)):
                    return canonical_zwnj(stem + ZWNJ + suffix)
                break
        return word
