"""The spelling a title search compares: what ``postings.title_folded`` holds."""

from __future__ import annotations

import re

from nlp.chars import (
    ARABIC_INDIC_DIGITS,
    KASHIDA,
    LATIN_DIGITS,
    LETTER_VARIANTS,
    PERSIAN_DIGITS,
    ZWNJ,
)

# Spelling variants a title search folds away on both sides (the stored titles keep the
# writer's spelling): Arabic yeh, alef maksura and kaf, ZWNJ written as a space, kashida,
# Persian and Arabic-Indic digits. Changing any fold changes what is stored: a migration
# must re-fold the stored titles (``storage.migrations.refold``).
TITLE_FOLDS = (*((v, LETTER_VARIANTS[v]) for v in "يىك"), (ZWNJ, " "), (KASHIDA, ""))
_DIGITS = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, LATIN_DIGITS * 2)

# A grade in words is its digit: «راننده پایه یک» and «پایه ۱», «جوشکار درجه دو» and
# «درجه 2», «پایه1» and «پایه 1» are one title to a search.
_GRADE_WORDS = "پایه|درجه|رتبه|گرید"
_NUMBER_WORDS = {"یکم": "1", "یک": "1", "اول": "1", "دوم": "2", "دو": "2", "سوم": "3", "سه": "3"}
_GRADE_IN_WORDS = re.compile(
    rf"(?<!\w)({_GRADE_WORDS})\s*({'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})(?!\w)"
)
_GRADE_GLUED = re.compile(rf"(?<!\w)({_GRADE_WORDS})(?=\d)")


def fold_title(text: str) -> str:
    """A title or search text with the variants of ``TITLE_FOLDS`` and the digits folded,
    grades in words written as digits, lower-cased."""
    text = text.lower().translate(_DIGITS)
    for variant, folded in TITLE_FOLDS:
        text = text.replace(variant, folded)
    text = _GRADE_IN_WORDS.sub(lambda m: f"{m[1]} {_NUMBER_WORDS[m[2]]}", text)
    return _GRADE_GLUED.sub(r"\1 ", text)
