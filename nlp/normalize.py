"""Persian text normaliser for job ads, CVs and queries.

The normaliser is a chain of small named steps, each switched by a flag of
:class:`NormalizerConfig` (all on by default), run in this order:

``remove_control``
    Drop invisible format characters: ZWJ, zero-width space, bidi marks and isolates,
    BOM, soft hyphen, word joiner and C0/C1 control codes. The ZWNJ (U+200C) is kept.
``remove_kashida``
    Drop tatweel: ``مدیـــــر`` → ``مدیر``.
``clean_zwnj`` (runs when ``fix_zwnj`` is on)
    Collapse repeated ZWNJs and drop stray ones (next to spaces, punctuation, digits or
    Latin text, or after a non-joining letter), so the later steps see each character's
    final neighbours.
``unify_letters``
    Arabic presentation forms (U+FB50–FDFF, U+FE80–FEFC) through NFKC (``ﻻ`` → ``لا``),
    NFC, then one letter per sound: ``ي ى ې ێ ۍ ے`` → ``ی``, ``ك ڪ`` → ``ک``,
    ``ة ە ھ ہ`` → ``ه``, ``أ إ ٱ`` → ``ا``, ``ؤ`` → ``و``. **``ۀ`` (and ``هٔ``) become a plain
    ``ه``**: the ezafe hamza is optional in Persian spelling, so ``خانهٔ``/``خانۀ``/``خانه``
    all match. ``ئ`` (مسئول، رئیس) and ``آ`` are kept.
``remove_diacritics``
    Drop tanwin, fatha, damma, kasra, shadda, sukun, maddah/hamza marks used as diacritics
    and superscript alef: ``مُدیرِ`` → ``مدیر``.
``digits``
    ``"latin"`` (default): Persian ``۰-۹`` and Arabic-Indic ``٠-٩`` → ``0-9``; the Arabic
    decimal and thousands separators between digits → ``.`` and ``,``; ``٪`` → ``%``.
    ``"persian"``: digits → ``۰-۹``, except those attached to Latin letters (e-mail
    addresses, URLs, ``c++11``, ``python3``). ``None``: digits untouched.
``fix_spacing_punctuation``
    Whitespace and punctuation spacing (:mod:`nlp.spacing`); keeps line breaks unless
    ``keep_newlines=False``; ``persian_punctuation`` turns ``? , ;`` after Persian letters
    into ``؟ ، ؛``.
``fix_zwnj``
    Insert missing ZWNJs with hazm's lexicon (:mod:`nlp.zwnj`). It runs after the spacing
    step so that ``کتاب  ها`` with two spaces is joined too.
``lowercase_latin``
    Lower-case Latin letters and canonicalise technical-name variants
    (:mod:`nlp.technical`); URLs keep their case.

Every step is idempotent and so is the chain: ``normalize(normalize(x)) == normalize(x)``.
With every flag off the text comes back unchanged.

hazm's own ``Normalizer`` was tested first and is not used for spacing: its punctuation
rules split ``Node.js`` and ``ASP.NET`` (``Node. js``), turn URLs into
``https: / / x. com``, and join any ``می`` that precedes a space. Its word list and verb
conjugations are reused for the ZWNJ step instead.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Literal

from nlp.chars import (
    ANY_DIGIT,
    ARABIC_INDIC_DIGITS,
    DIACRITICS,
    KASHIDA,
    LATIN_DIGITS,
    LETTER_VARIANTS,
    PERSIAN_DIGITS,
)
from nlp.spacing import fix_spacing_punctuation
from nlp.technical import TechnicalNameCanonicalizer
from nlp.zwnj import ZwnjFixer, clean_zwnj

logger = logging.getLogger(__name__)

DigitSystem = Literal["latin", "persian"]
Step = Callable[[str], str]


@dataclass(frozen=True)
class NormalizerConfig:
    """Which normalisation steps run; see the module docstring for what each one does.

    Attributes:
        remove_control: drop invisible format and control characters (not ZWNJ).
        unify_letters: Arabic letter variants and presentation forms → Persian letters.
        remove_kashida: drop tatweel (ـ).
        remove_diacritics: drop short vowels, tanwin, shadda, sukun and similar marks.
        digits: target digit system, or ``None`` to leave digits alone.
        fix_spacing_punctuation: whitespace and punctuation spacing.
        keep_newlines: keep line breaks (blank-line runs collapse to one) in the spacing
            step; ``False`` turns them into spaces.
        persian_punctuation: in the spacing step, ``? , ;`` after a Persian letter become
            ``؟ ، ؛``.
        fix_zwnj: remove stray ZWNJs and insert missing ones.
        lowercase_latin: lower-case Latin letters and canonicalise technical names.
    """

    remove_control: bool = True
    unify_letters: bool = True
    remove_kashida: bool = True
    remove_diacritics: bool = True
    digits: DigitSystem | None = "latin"
    fix_spacing_punctuation: bool = True
    keep_newlines: bool = True
    persian_punctuation: bool = True
    fix_zwnj: bool = True
    lowercase_latin: bool = True

    def __post_init__(self) -> None:
        if self.digits not in ("latin", "persian", None):
            raise ValueError(f"digits must be 'latin', 'persian' or None, not {self.digits!r}")


# --- character-level steps ------------------------------------------------------------

_CONTROL = re.compile(
    "[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e"
    "\u200b\u200d-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe80-\ufefc]")
_DIACRITIC_MARKS = re.compile(f"[{DIACRITICS}]")
_LETTER_TABLE = str.maketrans(LETTER_VARIANTS)
_LATIN_DIGITS_TABLE = str.maketrans(
    PERSIAN_DIGITS + ARABIC_INDIC_DIGITS + "٪", LATIN_DIGITS + LATIN_DIGITS + "%"
)
_PERSIAN_DIGITS_TABLE = str.maketrans(
    LATIN_DIGITS + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS + PERSIAN_DIGITS
)
_ARABIC_SEPARATOR = re.compile(f"(?<=[{ANY_DIGIT}])[٫٬](?=[{ANY_DIGIT}])")
# Runs of Latin-token characters: a digit inside one that also holds a Latin letter belongs
# to an e-mail address, a URL or a name like c++11 and keeps its Latin form.
_LATIN_RUN = re.compile(f"[A-Za-z{ANY_DIGIT}._%+\\-@#/:?=&~]++")
_HAS_LATIN_LETTER = re.compile("[A-Za-z]")


def remove_control(text: str) -> str:
    """Drop invisible format/control characters, keeping ZWNJ, tab and line breaks.

    >>> remove_control("مدیر\\u200fفروش\\u200d")
    'مدیرفروش'
    """
    return _CONTROL.sub("", text)


def _nfkc(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


def unify_letters(text: str) -> str:
    """Map Arabic letter variants and presentation forms to Persian letters.

    >>> unify_letters("كارشناس فني")
    'کارشناس فنی'
    """
    text = _PRESENTATION_FORMS.sub(_nfkc, text)
    # A hamza mark left after a unified letter can compose again (ا + ٔ -> أ), so repeat
    # until NFC has nothing left to compose; each round consumes one mark.
    while True:
        unified = unicodedata.normalize("NFC", text).translate(_LETTER_TABLE)
        if unified == text:
            return text
        text = unified


def remove_kashida(text: str) -> str:
    """Drop tatweel: ``مدیـــر`` → ``مدیر``."""
    return text.replace(KASHIDA, "")


def remove_diacritics(text: str) -> str:
    """Drop Arabic-script diacritics: ``مُدیرِ`` → ``مدیر``."""
    return _DIACRITIC_MARKS.sub("", text)


def _latin_separator(match: re.Match[str]) -> str:
    return "." if match.group() == "٫" else ","


def to_latin_digits(text: str) -> str:
    """``۱۴۰۲`` → ``1402``, ``۲٫۵`` → ``2.5``, ``۱۰٪`` → ``10%``."""
    text = _ARABIC_SEPARATOR.sub(_latin_separator, text)
    return text.translate(_LATIN_DIGITS_TABLE)


def _persian_run(match: re.Match[str]) -> str:
    run = match.group()
    if _HAS_LATIN_LETTER.search(run):
        return run
    return run.translate(_PERSIAN_DIGITS_TABLE)


def to_persian_digits(text: str) -> str:
    """``1402`` → ``۱۴۰۲``, leaving digits attached to Latin text (``ali2@x.com``) alone."""
    return _LATIN_RUN.sub(_persian_run, text)


# --- the chain ------------------------------------------------------------------------


class PersianNormalizer:
    """The normalisation chain for one :class:`NormalizerConfig`.

    The constructor builds every lookup table the enabled steps need (hazm's lexicon for
    ``fix_zwnj`` is loaded once per process and shared), so calling the instance does no
    set-up work.

    >>> PersianNormalizer()("برنامه نويس ارشد C# و .NET")
    'برنامه‌نویس ارشد c# و .net'
    """

    def __init__(self, config: NormalizerConfig | None = None) -> None:
        self.config = config if config is not None else NormalizerConfig()
        self.steps: tuple[tuple[str, Step], ...] = tuple(self._build_steps(self.config))

    @staticmethod
    def _build_steps(config: NormalizerConfig) -> list[tuple[str, Step]]:
        steps: list[tuple[str, Step]] = []
        if config.remove_control:
            steps.append(("remove_control", remove_control))
        if config.remove_kashida:
            steps.append(("remove_kashida", remove_kashida))
        if config.fix_zwnj:
            steps.append(("clean_zwnj", clean_zwnj))
        if config.unify_letters:
            steps.append(("unify_letters", unify_letters))
        if config.remove_diacritics:
            steps.append(("remove_diacritics", remove_diacritics))
        if config.digits == "latin":
            steps.append(("digits", to_latin_digits))
        elif config.digits == "persian":
            steps.append(("digits", to_persian_digits))
        if config.fix_spacing_punctuation:
            spacing = partial(
                fix_spacing_punctuation,
                keep_newlines=config.keep_newlines,
                persian_punctuation=config.persian_punctuation,
            )
            steps.append(("fix_spacing_punctuation", spacing))
        if config.fix_zwnj:
            steps.append(("fix_zwnj", ZwnjFixer()))
        if config.lowercase_latin:
            steps.append(("lowercase_latin", TechnicalNameCanonicalizer()))
        return steps

    @property
    def step_names(self) -> tuple[str, ...]:
        """Names of the enabled steps, in the order they run."""
        return tuple(name for name, _ in self.steps)

    def __call__(self, text: str) -> str:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        for _, step in self.steps:
            text = step(text)
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.config!r})"


@cache
def _normalizer_for(config: NormalizerConfig) -> PersianNormalizer:
    logger.debug("building normaliser for %r", config)
    return PersianNormalizer(config)


def normalize(text: str, config: NormalizerConfig | None = None) -> str:
    """Normalise Persian/English text with the step chain of :class:`PersianNormalizer`.

    One normaliser per distinct config is built on first use and reused.

    >>> normalize("استخدام  برنامه نويس Node.JS در تهران ، فوري")
    'استخدام برنامه‌نویس node.js در تهران، فوری'
    """
    return _normalizer_for(config if config is not None else NormalizerConfig())(text)
