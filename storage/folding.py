"""The spelling a title search compares: what ``postings.title_folded`` holds."""

from __future__ import annotations

from nlp.chars import KASHIDA, LETTER_VARIANTS, ZWNJ

# Spelling variants a title search folds away on both sides (the stored titles keep the
# writer's spelling): Arabic yeh, alef maksura and kaf, ZWNJ written as a space, kashida.
# Changing them changes what is stored: a migration must re-fold the stored titles.
TITLE_FOLDS = (*((v, LETTER_VARIANTS[v]) for v in "يىك"), (ZWNJ, " "), (KASHIDA, ""))


def fold_title(text: str) -> str:
    """A title or search text with the variants of ``TITLE_FOLDS`` folded, lower-cased."""
    text = text.lower()
    for variant, folded in TITLE_FOLDS:
        text = text.replace(variant, folded)
    return text
