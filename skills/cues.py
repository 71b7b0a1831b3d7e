"""Words that say a text is about what a person knows or must know ("مسلط به"، "آشنایی با").

One list for the two places that read them: the segmenter (a line with such a word is not
boilerplate) and the gazetteer (such a word just before a mention raises its score and lets a
one-word form that is also an everyday word count).
"""

from __future__ import annotations

SKILL_CUE_WORDS: tuple[str, ...] = (
    "مسلط",
    "تسلط",
    "آشنا",
    "آشنایی",
    "توانایی",
    "مهارت",
    "دانش",
    "تجربه",
    "familiar",
    "knowledge",
    "experience",
    "proficient",
    "expert",
)
