"""Stopwords for Persian job ads and CVs.

hazm's general Persian list plus job-ad boilerplate (``data/stopwords_job_fa.txt``), all
normalised with :func:`nlp.normalize.normalize` so they compare equal to normalised tokens.
hazm's list has words that carry meaning in this domain; those are kept out (see
:data:`DOMAIN_WORDS`): ``داده`` is *data*, ``پخش`` *distribution*, ``گروهی`` in ``کار
گروهی`` is teamwork, and fragments such as ``سازی``/``گیری`` belong to split compounds
(``پیاده سازی``, ``تصمیم گیری``).

The set is built on first use and cached.
"""

from __future__ import annotations

import logging
from functools import cache

from nlp.datafiles import read_lines
from nlp.normalize import normalize

logger = logging.getLogger(__name__)

DOMAIN_WORDS: frozenset[str] = frozenset(
    {
        "داده", "پخش", "گروهی", "جمعی", "فردی", "شخصی", "حل", "اجرا", "تهیه", "رشد",
        "خطر", "روش", "بخش", "بخشی", "سمت", "تغییر", "فکر", "بیان", "برداری", "ریزی",
        "گذاری", "بندی", "سازی", "ساز", "گیری", "آوری", "کننده", "کنندگان", "عالی",
    }
)  # fmt: skip
"""Words on hazm's stopword list that are kept as content words here."""


@cache
def stopwords() -> frozenset[str]:
    """The stopword set (normalised), built once."""
    from hazm import stopwords_list

    words: set[str] = set()
    for word in stopwords_list():
        if "_" in word or word in DOMAIN_WORDS:
            continue
        words.add(normalize(word))
    words.update(normalize(word) for word in read_lines("stopwords_job_fa.txt"))
    words.discard("")
    logger.debug("%d stopwords", len(words))
    return frozenset(words)


def is_stopword(token: str) -> bool:
    """True if the (normalised) token is a stopword."""
    return token in stopwords()
