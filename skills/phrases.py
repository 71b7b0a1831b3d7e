"""Requirement phrases that no taxonomy skill matches: the raw material of emerging skills.

After the gazetteer has claimed its mentions, what is left of a requirement line («آشنایی با
LangChain» when the taxonomy lacks LangChain) is cut at list separators, stripped of cue and
filler words, and kept when it is a short phrase with a content word. Analytics counts these
phrases over time and offers the growing ones to taxonomy curators.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nlp.stopwords import is_stopword
from skills.cues import SKILL_CUE_WORDS
from skills.gazetteer import Mention, tokens_of
from skills.segment import Segment

MAX_PHRASE_WORDS = 4
MAX_PHRASES_PER_DOCUMENT = 12

# Separators of list items and clauses; a mention's span is replaced by one as well.
_SEPARATORS = re.compile(r"[،,;؛/|()\[\]{}:!؟?.«»\"]|\s+(?:و|یا|and|or|&)\s+|\s+-\s+")
# Words that frame a skill rather than name it, stripped from either end of a chunk.
_FRAME_WORDS = frozenset(
    {
        "مسلط", "تسلط", "آشنا", "آشنایی", "توانایی", "مهارت", "دانش", "تجربه", "سابقه",
        "کار", "کامل", "کافی", "خوب", "بالا", "عالی", "نسبی", "حرفه‌ای", "حرفه", "ای",
        "زمینه", "حوزه", "دارا", "بودن", "داشتن", "الزامی", "ضروری", "مزیت", "امتیاز",
        "محسوب", "می‌شود", "میشود", "شود", "است", "باشد", "باشند", "می‌باشد", "میباشد",
        "ترجیحا", "ترجیحاً", "حداقل", "سال", "نرم‌افزار", "نرم", "افزار", "ابزار",
        "familiar", "knowledge", "experience", "proficient", "expert", "with", "in", "of",
        "skills", "skill", "years", "year", "good", "strong", "plus",
    }
)  # fmt: skip
_CUES = frozenset(word.lower() for word in SKILL_CUE_WORDS)
_DIGITS_ONLY = re.compile(r"^[\d۰-۹]+$")


_MENTION = "\x00"


def _chunks(text: str, mentions: Sequence[Mention]) -> list[str]:
    """The list items and clauses of ``text`` that hold no mention.

    A chunk that touches a known skill without a separator in between qualifies that skill
    («مفاهیم» in «مفاهیم هوش مصنوعی», «Compose» after «Docker») rather than naming a new one,
    so it is dropped whole.
    """
    pieces: list[str] = []
    cursor = 0
    for mention in sorted(mentions, key=lambda m: m.start):
        pieces.append(text[cursor : mention.start])
        pieces.append(_MENTION)
        cursor = max(cursor, mention.end)
    pieces.append(text[cursor:])
    chunks = _SEPARATORS.split("".join(pieces))
    return [c for c in chunks if c and c.strip() and _MENTION not in c]


def _strip_frame(words: list[str]) -> list[str]:
    start, end = 0, len(words)
    while start < end and (words[start] in _FRAME_WORDS or is_stopword(words[start])):
        start += 1
    while end > start and (words[end - 1] in _FRAME_WORDS or is_stopword(words[end - 1])):
        end -= 1
    return words[start:end]


def _is_phrase(words: list[str]) -> bool:
    if not 1 <= len(words) <= MAX_PHRASE_WORDS:
        return False
    content = [w for w in words if not is_stopword(w) and w not in _FRAME_WORDS]
    if not content or any(_DIGITS_ONLY.match(w) for w in words):
        return False
    # A lone word needs some body: "n8n" or "langchain" yes, "ک" or "it" no.
    return len(words) > 1 or len(words[0]) >= 3


def unmatched_phrases(segments: Sequence[tuple[Segment, Sequence[Mention]]]) -> list[str]:
    """Distinct leftover phrases of the requirement-like segments, in order of appearance.

    ``segments`` pairs each segment with the gazetteer mentions found in it. Only segments
    that state requirements (a requirements or skills section, or a cue word such as «مسلط»)
    are read; boilerplate, form fields and degree lines never are.
    """
    found: dict[str, None] = {}
    for segment, mentions in segments:
        if segment.boilerplate or segment.metadata or segment.education:
            continue
        cued = bool({t.text for t in tokens_of(segment.text)} & _CUES)
        if segment.section != "requirements" and not cued:
            continue
        for chunk in _chunks(segment.text, mentions):
            words = _strip_frame([t.text for t in tokens_of(chunk)])
            if _is_phrase(words):
                found.setdefault(" ".join(words), None)
                if len(found) >= MAX_PHRASES_PER_DOCUMENT:
                    return list(found)
    return list(found)
