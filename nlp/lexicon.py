"""hazm's word and verb lists, loaded once and shared by the normalisation steps.

hazm is imported lazily: importing it pulls in nltk and takes a few seconds, so nothing
here runs at import time. :func:`persian_lexicon` builds the tables on first use and caches
them for the life of the process (construct a :class:`~nlp.normalize.PersianNormalizer` at
start-up to pay that cost early).

Both tables are offline data shipped inside the hazm wheel (``words.dat`` and
``verbs.dat``); nothing is downloaded.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from nlp.chars import NON_JOINING_LETTERS, ZWNJ

logger = logging.getLogger(__name__)

_ZWNJ_AFTER_NON_JOINING = re.compile(f"(?<=[{NON_JOINING_LETTERS}]){ZWNJ}")


def canonical_zwnj(word: str) -> str:
    """Drop ZWNJs that follow a non-joining letter (``کار‌گر`` → ``کارگر``).

    Such a ZWNJ changes nothing on screen, so the normaliser removes it to give one spelling
    for matching; lexicon keys go through the same function.
    """
    return _ZWNJ_AFTER_NON_JOINING.sub("", word)


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Persian words with corpus frequency and part-of-speech tags, and conjugated verbs.

    Attributes:
        words: word → (frequency, POS tags such as ``"N"``, ``"AJ"``), from hazm's
            ``words.dat``; keys spelled with :func:`canonical_zwnj`.
        verbs: every conjugated form hazm's ``Lemmatizer`` knows (``می‌خواهم``, ``رفته‌ام``).
    """

    words: Mapping[str, tuple[int, frozenset[str]]]
    verbs: frozenset[str]

    def is_word(self, word: str) -> bool:
        """True if ``word`` is in the lexicon with a positive corpus frequency."""
        entry = self.words.get(word)
        return entry is not None and entry[0] > 0

    def is_known(self, word: str) -> bool:
        """True if ``word`` is in the lexicon at all, or is a verb form."""
        return word in self.words or word in self.verbs

    def is_adjective(self, word: str) -> bool:
        """True if the lexicon tags ``word`` as an adjective (``AJ``)."""
        entry = self.words.get(word)
        return entry is not None and "AJ" in entry[1]


@cache
def persian_lexicon() -> Lexicon:
    """Load hazm's lexicon and verb conjugations (once per process)."""
    from hazm import Lemmatizer, WordTokenizer

    logger.debug("loading hazm word and verb lists")
    raw_words = WordTokenizer(join_verb_parts=False).words
    words: dict[str, tuple[int, frozenset[str]]] = {}
    for word, (freq, tags) in raw_words.items():
        words[canonical_zwnj(word)] = (int(freq), frozenset(tags))
    # Multi-word forms ("رفته می‌شد") are never looked up; keep single words only.
    verbs = frozenset(
        canonical_zwnj(form)
        for form in Lemmatizer(joined_verb_parts=False).verbs
        if " " not in form
    )
    logger.debug("hazm lexicon: %d words, %d verb forms", len(words), len(verbs))
    return Lexicon(words=MappingProxyType(words), verbs=verbs)
