"""Explicit skill mentions: a token trie over every normalised label of the taxonomy.

Labels and texts go through the same normaliser and tokeniser, so Arabic ي/ك, Persian and
Arabic digits, kashida and diacritics never stop a match. The rest of the variation in real
ads is handled at token level:

- ZWNJ, space or nothing between parts (نرم‌افزار / نرم افزار / نرمافزار): ZWNJ splits tokens,
  and every multi-part Persian label is also indexed with its parts joined;
- plurals and ezafe/indefinite suffixes (مهارت‌ها، نرم‌افزارهای، حسابداری‌ای): a text token
  also tries its stem without the suffix;
- words glued together by scraping (``اکسلورد``، ``pythondjangosql``): an unknown long token
  is split into known pieces (label words and hazm's lexicon) when it can be split entirely.

Matching is leftmost-longest: "مدیریت پروژه‌های نرم‌افزاری" wins over "مدیریت پروژه".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from nlp.normalize import normalize
from nlp.stopwords import is_stopword
from skills.cues import SKILL_CUE_WORDS
from taxonomy.skills import LOCAL_PREFIX, Skill

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"\.?[^\W_]+(?:[.\-][^\W_]+)*[+#]*")
_PERSIAN = re.compile(r"[\u0600-\u06FF]")
_LATIN_WORD = re.compile(r"[a-z]+")
_BREAK = re.compile(r"[،,;؛:|()\[\]«»\n•]")
# Short English words that are also the Latin form of some skill ("his", "ai", "bi", "it"):
# two letters or one of these, and the form waits for a skills context. Longer acronyms
# (SEO, CRM, SQL, PLC) name one thing in a Persian ad and count anywhere.
_ENGLISH_WORDS = frozenset(
    [
        "his",
        "her",
        "him",
        "the",
        "and",
        "for",
        "you",
        "are",
        "was",
        "not",
        "all",
        "any",
        "can",
        "our",
        "out",
        "use",
        "may",
        "new",
        "get",
        "one",
        "two",
        "see",
        "how",
        "who",
        "why",
        "job",
        "web",
        "net",
        "art",
        "map",
        "act",
        "set",
        "run",
        "fit",
        "top",
        "key",
        "hub",
        "app",
    ]
)
# Suffixes a Persian noun takes in ads: plural, ezafe/indefinite, adjective-forming.
_SUFFIXES = ("هایی", "های", "ها", "ای", "ی", "ان", "ات")
_ADJECTIVE_SUFFIXES = frozenset({"ی", "ای"})
_MIN_STEM = 3
_MIN_GLUED = 6  # tokens shorter than this are never split into pieces
# Cue words just before a mention say the text is about the person's skills.
_CUES = frozenset(
    (
        *SKILL_CUE_WORDS,
        "سابقه",
        "کار",
        # "نرم‌افزار هلو": the tokeniser splits at the ZWNJ, so the cue is its second part
        "افزار",
        "افزارهای",
        "افزارها",
        "software",
    )
)
_CUE_WINDOW = 4

EXACT_SCORE = 0.90
VARIANT_SCORE = 0.85  # matched through a suffix stem or joined parts
GLUED_SCORE = 0.80  # matched inside a token that scraping glued together
CUE_BONUS = 0.05


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    glued: bool = False  # a piece of a split glued token


@dataclass(frozen=True)
class Mention:
    skill_id: str
    surface: str  # the matched words, as they stand in the normalised text
    score: float
    start: int
    end: int


def tokens_of(normalized: str) -> list[Token]:
    return [Token(m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(normalized)]


def label_key(label: str) -> tuple[str, ...]:
    return tuple(t.text for t in tokens_of(normalize(label)))


@dataclass(frozen=True)
class _Entry:
    skill_id: str
    preferred: bool
    # A one-word form that is also an everyday word or a short acronym ("هلو" the accounting
    # package and the peach, "دشت", "بلد", "his"): it counts only where the text is about
    # skills (a cue word before it, a list of skills, a skills section).
    needs_context: bool = False


class _Node:
    __slots__ = ("children", "entries")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.entries: list[_Entry] = []

    def __getstate__(self) -> tuple[dict[str, _Node], list[_Entry]]:
        return self.children, self.entries

    def __setstate__(self, state: tuple[dict[str, _Node], list[_Entry]]) -> None:
        self.children, self.entries = state


class SkillGazetteer:
    """Finds explicit mentions of taxonomy skills in normalised text."""

    def __init__(self, skills: Iterable[Skill], lexicon_words: Iterable[str] = ()) -> None:
        self._trie = _Node()
        vocabulary: set[str] = set()
        everyday = frozenset(lexicon_words)
        entries = 0
        for skill in skills:
            for label, preferred in self._surface_forms(skill):
                key = label_key(label)
                if not self._usable(key):
                    continue
                vocabulary.update(key)
                ambiguous = len(key) == 1 and (
                    (_LATIN_WORD.fullmatch(key[0]) is not None and len(key[0]) <= 2)
                    or key[0] in _ENGLISH_WORDS
                    or (skill.id.startswith(LOCAL_PREFIX) and key[0] in everyday)
                )
                for variant in self._variants(key):
                    self._add(variant, _Entry(skill.id, preferred, ambiguous))
                    entries += 1
        self._label_words = frozenset(vocabulary)
        self._vocabulary = frozenset(w for w in vocabulary if len(w) >= 2) | frozenset(
            w for w in everyday if len(w) >= 2
        )
        self._split = lru_cache(maxsize=65536)(self._split_uncached)
        logger.info("skill gazetteer: %d label variants", entries)

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_split")  # the memo is rebuilt, not pickled
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._split = lru_cache(maxsize=65536)(self._split_uncached)

    @staticmethod
    def _surface_forms(skill: Skill) -> list[tuple[str, bool]]:
        forms = [(skill.label_fa, True)] + [(alt, False) for alt in skill.alt_fa]
        # ESCO's own English labels only as phrases: single English words (HR, Source,
        # security, shooting) name too many things. The single Latin forms Iranian ads use
        # (Python, Excel, ICDL) are in the project's reviewed Persian alternatives.
        for label in (skill.label_en, *skill.alt_en):
            if len(label.split()) >= 2:
                forms.append((label, False))
        return forms

    @staticmethod
    def _usable(key: tuple[str, ...]) -> bool:
        if not key:
            return False
        if len(key) == 1:
            word = key[0]
            if is_stopword(word) or (len(word) < 2 and not word.endswith(("+", "#"))):
                return False
            if word.isdigit():
                return False
        return True

    @staticmethod
    def _variants(key: tuple[str, ...]) -> list[tuple[str, ...]]:
        variants = [key]
        if len(key) >= 2 and all(_PERSIAN.search(part) for part in key):
            variants.append(("".join(key),))
        return variants

    def _add(self, key: tuple[str, ...], entry: _Entry) -> None:
        node = self._trie
        for token in key:
            node = node.children.setdefault(token, _Node())
        if entry not in node.entries:
            node.entries.append(entry)

    # -- text side --------------------------------------------------------------------

    def _split_uncached(self, word: str) -> tuple[str, ...] | None:
        """The fewest known pieces (each ≥ 2 characters) that make up ``word``, or None."""
        n = len(word)
        unreachable = n + 1
        pieces = [0] + [unreachable] * n  # fewest pieces that make up word[:i]
        cut = [0] * (n + 1)  # where the last of those pieces starts
        for end in range(2, n + 1):
            for start in range(max(0, end - 30), end - 1):
                if pieces[start] == unreachable or word[start:end] not in self._vocabulary:
                    continue
                if pieces[start] + 1 < pieces[end]:
                    pieces[end] = pieces[start] + 1
                    cut[end] = start
        if pieces[n] == unreachable or pieces[n] < 2:
            return None
        parts: list[str] = []
        end = n
        while end > 0:
            parts.append(word[cut[end] : end])
            end = cut[end]
        return tuple(reversed(parts))

    def _expand(self, tokens: list[Token]) -> list[Token]:
        out: list[Token] = []
        for token in tokens:
            word = token.text
            if (
                len(word) >= _MIN_GLUED
                and word not in self._vocabulary
                and not self._stems(word)
                and (parts := self._split(word))
            ):
                offset = token.start
                for part in parts:
                    out.append(Token(part, offset, offset + len(part), glued=True))
                    offset += len(part)
            else:
                out.append(token)
        return out

    def _stems(self, word: str) -> list[tuple[str, str]]:
        return [
            (word[: -len(suffix)], suffix)
            for suffix in _SUFFIXES
            if word.endswith(suffix)
            and len(word) - len(suffix) >= _MIN_STEM
            and word[: -len(suffix)] in self._label_words
        ]

    def find(self, normalized: str, *, skills_context: bool = False) -> list[Mention]:
        """Mentions in ``normalized`` (already normalised text), leftmost-longest.

        ``skills_context`` says the text is a list of skills (a skills section or field),
        where one-word forms that are also everyday words count without a cue.
        """
        tokens = self._expand(tokens_of(normalized))
        # A label never spans list punctuation: «تحلیل بازار، کار تیمی» holds no «بازار کار».
        breaks = {
            j
            for j in range(1, len(tokens))
            if _BREAK.search(normalized[tokens[j - 1].end : tokens[j].start])
        }
        mentions: list[Mention] = []
        previous_end = -10  # token index just after the previous mention
        i = 0
        while i < len(tokens):
            match = self._longest_at(tokens, i, breaks)
            if match is None:
                i += 1
                continue
            end, entries, inflected = match
            span = tokens[i:end]
            window = {t.text for t in tokens[max(0, i - _CUE_WINDOW) : i]}
            cued = bool(window & _CUES)
            in_list = i - previous_end <= 1  # "اکسل، ورد، هلو": right after another skill
            if not (skills_context or cued or in_list):
                entries = [e for e in entries if not e.needs_context]
                if not entries:
                    i += 1
                    continue
            glued = any(t.glued for t in span)
            score = GLUED_SCORE if glued else VARIANT_SCORE if inflected else EXACT_SCORE
            if cued:
                score += CUE_BONUS
            # One surface form naming several skills: the skills whose preferred label it is.
            start, stop = span[0].start, span[-1].end
            # A form shared by several skills (ESCO often holds a knowledge and a skill
            # concept for one thing) credits one of them, the same one every time, so that
            # a CV and a vacancy saying the same words get the same skill.
            skill_id = self._resolve(entries)[0]
            mentions.append(Mention(skill_id, normalized[start:stop], round(score, 4), start, stop))
            previous_end = end
            i = end
        return mentions

    @staticmethod
    def _resolve(entries: list[_Entry]) -> list[str]:
        """The skills a form names, best first: those whose preferred label it is, then the
        project's Iran-specific skills (سپیدار the product before ESCO's "use accounting
        software"), then by id for a stable choice."""
        ordered = sorted(
            entries,
            key=lambda e: (not e.preferred, not e.skill_id.startswith(LOCAL_PREFIX), e.skill_id),
        )
        return list(dict.fromkeys(e.skill_id for e in ordered))

    def _longest_at(
        self, tokens: list[Token], i: int, breaks: AbstractSet[int] = frozenset()
    ) -> tuple[int, list[_Entry], bool] | None:
        best: tuple[int, list[_Entry], bool] | None = None
        # A state: (trie node, matched a token only through its stem, may end here)
        states: list[tuple[_Node, bool, bool]] = [(self._trie, False, True)]
        j = i
        while states and j < len(tokens) and not (j > i and j in breaks):
            word = tokens[j].text
            next_states: list[tuple[_Node, bool, bool]] = []
            for node, inflected, _ in states:
                if word in _SUFFIXES and node is not self._trie:
                    # "نرم‌افزار‌های حسابداری": a suffix split off by ZWNJ or a space
                    next_states.append((node, True, False))
                if word in node.children:
                    next_states.append((node.children[word], inflected, True))
                for stem, suffix in self._stems(word):
                    if stem in node.children:
                        # "فیزیکی" (physical) is not "فیزیک" (physics): a one-word label
                        # does not end on its adjective; inside a phrase it is the ezafe.
                        adjective = suffix in _ADJECTIVE_SUFFIXES and node is self._trie
                        next_states.append((node.children[stem], True, not adjective))
            j += 1
            for node, inflected, may_end in next_states:
                if not (may_end and node.entries):
                    continue
                if best is None or j > best[0] or (not inflected and best[2]):
                    best = (j, node.entries, inflected)
            states = next_states
        return best
