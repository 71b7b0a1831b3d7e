"""Job-title parsing: the occupational title, with the noise around it split into fields.

Job-ad titles carry more than the occupation: ``برنامه نویس ارشد Python (تهران) - آقا``
is a Python programmer, senior, in Tehran, for men. :func:`parse_job_title` keeps each of
those facts in its own field instead of dropping it, and returns the occupation as
``title`` (normalised with :func:`nlp.normalize.normalize`)::

    >>> p = parse_job_title("برنامه نویس ارشد Python (تهران) - آقا")
    >>> (p.title, p.seniority, p.city, p.gender)
    ('برنامه\\u200cنویس python', 'senior', 'تهران', 'male')

Where noise is recognised
    * A bracketed group, ``(…)`` or ``[…]``, is removed when every part of it (split on
      ``/ ، , - |`` and the words ``و``/``یا``) is a marker: ``(تهران)``, ``(آقا/خانم)``,
      ``(تمام وقت)``, ``(Mid-Level)``. Otherwise it stays in the title (``(React)``).
    * A segment after a spaced dash or a bar (``حسابدار - مشهد``, ``… | Remote``) is removed
      on the same test; ``مهندس برق - الکترونیک`` keeps its second half.
    * Inside the remaining text, whole words: gender words, seniority words, employment
      words (with a preceding ``به صورت``), ``فوری``, ``در <city or province>``, and job-ad
      openers at the start (``استخدام``, ``نیازمند``, ``جذب``, ``دعوت به همکاری (از)``,
      then ``یک``/``یک نفر``/``چند نفر``/``تعدادی``). Ad words are only stripped at the start
      because ``کارشناس جذب و استخدام`` is an occupation.

Markers (after normalisation; Latin is lower-cased)
    gender
        male: آقا، آقایان (and مرد، مردان، male in brackets or dash segments);
        female: خانم، خانم‌ها، بانو، بانوان (and زن، زنان، female likewise).
        Both sexes (``آقا/خانم``, ``آقا و خانم``) give ``None``.
    seniority
        intern: کارآموز، کارآموزی، کارورز، کارورزی، intern، internship، trainee;
        junior: جونیور، جونیر، جونیئر، مبتدی، تازه‌کار، junior، jr;
        mid: میدلول، مید لول، میان‌رده، mid، mid-level، mid level، midlevel;
        senior: ارشد، سنیور، سینیور، senior، sr;
        lead: لید، lead. ``مدیر``, ``سرپرست`` and ``رئیس`` are occupations, not seniority.
        ``ارشد`` after مدیر/معاون/کارشناسی stays in the title without setting seniority
        (``مدیر ارشد فناوری`` is an executive post; ``کارشناسی ارشد`` is a degree).
        ``lead`` in ``team lead``, ``tech lead``, ``technical lead``, ``تیم لید``, ``تک لید``,
        ``لید فنی`` sets ``lead`` but stays in the title, because it names the post.
        If several words appear, the first one wins.
    employment_type
        full_time: تمام‌وقت، full-time، full time، fulltime;
        part_time: پاره‌وقت، نیمه‌وقت، part-time، part time، parttime;
        remote: دورکاری، دورکار، ریموت، remote؛
        project: پروژه‌ای، فریلنس، فریلنسری، freelance، freelancer;
        on_site: حضوری (only in brackets or a dash segment: ``فروشنده حضوری`` is a job).
        The first one found wins.
    places
        cities and provinces from ``data/cities_fa.txt`` / ``data/provinces_fa.txt`` (see
        :mod:`nlp.places`), in brackets, dash segments or after ``در``. A bare city name in
        the running title is left alone (``بیمه ایران``, ``دفتر مرکزی``).

Everything removed is listed, in order, in :attr:`ParsedTitle.removed`. If removing the
markers would leave no title (``کارآموز - آقا``), the markers in running text stay in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Literal, cast

from nlp.normalize import NormalizerConfig, normalize
from nlp.places import find_place

Gender = Literal["male", "female"]
Seniority = Literal["intern", "junior", "mid", "senior", "lead"]
EmploymentType = Literal["full_time", "part_time", "remote", "project", "on_site"]


@dataclass(frozen=True)
class ParsedTitle:
    """A job title split into the occupation and the facts written around it.

    Attributes:
        title: the occupational title, normalised (Latin lower-cased).
        gender: ``"male"``/``"female"`` when the ad asks for one sex, else ``None``.
        city: a city named in brackets, a dash segment or after ``در``.
        seniority: one of ``intern junior mid senior lead``.
        employment_type: one of ``full_time part_time remote project on_site``.
        raw: the input, unchanged.
        province: a province named the same way (``(فارس)``, ``در استان گیلان``).
        removed: the fragments taken out of the title, in order (normalised).
    """

    title: str
    gender: Gender | None
    city: str | None
    seniority: Seniority | None
    employment_type: EmploymentType | None
    raw: str
    province: str | None = None
    removed: tuple[str, ...] = ()


_MALE_WORDS = ("آقا", "آقایان")
_FEMALE_WORDS = ("خانم", "خانم‌ها", "خانمها", "بانو", "بانوان")
_MALE_GROUP_WORDS = ("مرد", "مردان", "male", "men")
_FEMALE_GROUP_WORDS = ("زن", "زنان", "female", "women")

_LEAD_POSTS = ("تک‌لید", "تیم‌لید", "تکلید", "تیملید")  # lead, kept in the title
_SENIORITY_WORDS: dict[Seniority, tuple[str, ...]] = {
    "intern": ("کارآموز", "کارآموزی", "کارورز", "کارورزی", "intern", "internship", "trainee"),
    "junior": ("جونیور", "جونیر", "جونیئر", "مبتدی", "تازه‌کار", "تازه کار", "junior", "jr"),
    "mid": ("میدلول", "مید لول", "میان‌رده", "mid", "mid-level", "mid level", "midlevel"),
    "senior": ("ارشد", "سنیور", "سینیور", "senior", "sr"),
    "lead": ("لید", "lead", *_LEAD_POSTS),
}
_EMPLOYMENT_WORDS: dict[EmploymentType, tuple[str, ...]] = {
    "full_time": ("تمام وقت", "full-time", "full time", "fulltime"),
    "part_time": ("پاره وقت", "نیمه وقت", "part-time", "part time", "parttime"),
    "remote": ("دورکاری", "دورکار", "ریموت", "remote"),
    "project": ("پروژه ای", "فریلنس", "فریلنسری", "freelance", "freelancer"),
}
_GROUP_ONLY_EMPLOYMENT: dict[EmploymentType, tuple[str, ...]] = {"on_site": ("حضوری",)}
_NOISE_WORDS = ("فوری",)
_AD_OPENERS = (
    "استخدام فوری",
    "استخدام",
    "نیازمندیم",
    "نیازمند",
    "جذب",
    "دعوت به همکاری از",
    "دعوت به همکاری",
    "آگهی استخدام",
)
_COUNT_OPENERS = ("یک نفر", "چند نفر", "تعدادی", "یک")
_EMPLOYMENT_LEADERS = ("به صورت", "بصورت")
_SENIOR_AS_RANK_AFTER = frozenset({"مدیر", "معاون", "کارشناسی"})
_LEAD_AS_POST_BEFORE = frozenset({"team", "tech", "technical", "تیم", "تک"})
_LEAD_AS_POST_AFTER = frozenset({"فنی", "تیم"})
_MAX_DISTRICT_WORDS = 3

_BRACKET_GROUP = re.compile(r"\(([^()\[\]]*)\)|\[([^()\[\]]*)\]")
_SEGMENT_SPLIT = re.compile(r"\s*\|\s*|\s+-\s*|\s*-\s+")
_PART_SPLIT = re.compile(r"\s*[/،,|\-]\s*|\s+(?:و|یا)\s+")
_LEADING_MARKS = "([{«\"'"
_TRAILING_MARKS = ")]}»\"'،,:;.!؟?"
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
_REPEATED_DASHES = re.compile(r"-(?: ?-)+")
_EDGE_PUNCT = " \t\n-|،,:;/"

Phrase = tuple[str, ...]

# Titles are one line: line breaks become spaces.
_TITLE_CONFIG = NormalizerConfig(keep_newlines=False)


def _phrases(words: Iterable[str]) -> list[Phrase]:
    return [tuple(normalize(word).split()) for word in words]


@dataclass
class _Findings:
    """Facts collected while one title is parsed (local to one call)."""

    genders: list[Gender] = field(default_factory=list)
    city: str | None = None
    province: str | None = None
    seniority: Seniority | None = None
    employment: EmploymentType | None = None
    removed: list[str] = field(default_factory=list)

    def add(self, kind: str, value: str) -> None:
        if kind == "gender":
            self.genders.append(cast(Gender, value))
        elif kind == "city":
            self.city = self.city or value
        elif kind == "province":
            self.province = self.province or value
        elif kind == "seniority":
            self.seniority = self.seniority or cast(Seniority, value)
        elif kind == "employment":
            self.employment = self.employment or cast(EmploymentType, value)

    @property
    def gender(self) -> Gender | None:
        distinct = set(self.genders)
        return distinct.pop() if len(distinct) == 1 else None


def _split_marks(token: str) -> tuple[str, str, str]:
    start = 0
    while start < len(token) and token[start] in _LEADING_MARKS:
        start += 1
    end = len(token)
    while end > start and token[end - 1] in _TRAILING_MARKS:
        end -= 1
    return token[:start], token[start:end], token[end:]


class JobTitleParser:
    """Callable that turns a raw job-ad title into a :class:`ParsedTitle`.

    The marker tables are normalised once, in the constructor.
    """

    def __init__(self) -> None:
        inline: dict[Phrase, tuple[str, str]] = {}
        for phrase in _phrases(_MALE_WORDS):
            inline[phrase] = ("gender", "male")
        for phrase in _phrases(_FEMALE_WORDS):
            inline[phrase] = ("gender", "female")
        for level, words in _SENIORITY_WORDS.items():
            for phrase in _phrases(words):
                inline[phrase] = ("seniority", level)
        for kind, words in _EMPLOYMENT_WORDS.items():
            for phrase in _phrases(words):
                inline[phrase] = ("employment", kind)
        for phrase in _phrases(_NOISE_WORDS):
            inline[phrase] = ("noise", "")
        group = dict(inline)
        for phrase in _phrases(_MALE_GROUP_WORDS):
            group[phrase] = ("gender", "male")
        for phrase in _phrases(_FEMALE_GROUP_WORDS):
            group[phrase] = ("gender", "female")
        for kind, words in _GROUP_ONLY_EMPLOYMENT.items():
            for phrase in _phrases(words):
                group[phrase] = ("employment", kind)
        for phrase in _phrases(_AD_OPENERS):
            group.setdefault(phrase, ("noise", ""))
        self._inline = inline
        self._group = group
        self._max_phrase = max(len(phrase) for phrase in inline)
        self._ad_openers = _phrases(_AD_OPENERS)
        self._count_openers = _phrases(_COUNT_OPENERS)
        self._employment_leaders = _phrases(_EMPLOYMENT_LEADERS)
        self._lead_posts = frozenset(normalize(word) for word in _LEAD_POSTS)

    def __call__(self, raw: str) -> ParsedTitle:
        if not isinstance(raw, str):
            raise TypeError(f"raw must be str, not {type(raw).__name__}")
        found = _Findings()
        text = normalize(raw, _TITLE_CONFIG)
        text = _BRACKET_GROUP.sub(lambda match: self._bracket_group(match, found), text)
        text = self._drop_noise_segments(text, found)
        tokens = self._strip_openers(text.split(), found)
        before_inline = len(found.removed)
        title = _tidy(" ".join(self._strip_inline_markers(tokens, found)))
        if not title:
            # Only markers left ("کارآموز خانم"): the seniority word is the title.
            del found.removed[before_inline:]
            title = _tidy(" ".join(self._strip_inline_markers(tokens, found, keep_seniority=True)))
            if not title:
                del found.removed[before_inline:]
                title = _tidy(" ".join(tokens))
        return ParsedTitle(
            title=title,
            gender=found.gender,
            city=found.city,
            seniority=found.seniority,
            employment_type=found.employment,
            raw=raw,
            province=found.province,
            removed=tuple(found.removed),
        )

    # -- brackets and dash segments ------------------------------------------------------

    def _classify_group(self, text: str) -> list[tuple[str, str]] | None:
        """Markers making up ``text`` entirely, or ``None`` if any part is not a marker.

        ``city - district`` (``تهران - ونک``) counts as the city: the district is removed
        with it.
        """
        whole = self._classify_part(text)
        if whole is not None:
            return [whole]
        markers: list[tuple[str, str]] = []
        previous_kind = ""
        for part in _PART_SPLIT.split(text):
            part = part.strip()
            if not part:
                continue
            marker = self._classify_part(part)
            if marker is None:
                if previous_kind == "city" and len(part.split()) <= _MAX_DISTRICT_WORDS:
                    previous_kind = "district"
                    continue
                return None
            markers.append(marker)
            previous_kind = marker[0]
        return markers or None

    def _classify_part(self, part: str) -> tuple[str, str] | None:
        marker = self._group.get(tuple(part.split()))
        if marker is not None:
            return marker
        place = find_place(part)
        if place is not None:
            return (place.kind, place.name)
        return None

    def _bracket_group(self, match: re.Match[str], found: _Findings) -> str:
        content = match.group(1) if match.group(1) is not None else match.group(2)
        markers = self._classify_group(content.strip())
        if markers is None:
            return match.group()
        for kind, value in markers:
            found.add(kind, value)
        found.removed.append(match.group())
        return " "

    def _drop_noise_segments(self, text: str, found: _Findings) -> str:
        segments = [s for s in (s.strip() for s in _SEGMENT_SPLIT.split(text)) if s]
        classified = [(segment, self._classify_group(segment)) for segment in segments]
        if classified and all(markers is not None for _, markers in classified):
            # Nothing but markers ("کارآموز - آقا"): the first segment is the title.
            first, markers = classified[0]
            for kind, value in markers or ():
                found.add(kind, value)
            classified = [(first, None), *classified[1:]]
        kept: list[str] = []
        after_city = False
        for segment, markers in classified:
            if markers is None:
                if after_city and len(segment.split()) <= _MAX_DISTRICT_WORDS:
                    found.removed.append(segment)  # "حسابدار - تهران - ونک": the district
                else:
                    kept.append(segment)
                after_city = False
                continue
            for kind, value in markers:
                found.add(kind, value)
            found.removed.append(segment)
            after_city = markers[-1][0] == "city"
        return " - ".join(kept)

    # -- running text --------------------------------------------------------------------

    @staticmethod
    def _starts_with(cores: list[str], phrases: list[Phrase], at: int = 0) -> Phrase | None:
        for phrase in phrases:
            if tuple(cores[at : at + len(phrase)]) == phrase:
                return phrase
        return None

    def _strip_openers(self, tokens: list[str], found: _Findings) -> list[str]:
        cores = [_split_marks(token)[1] for token in tokens]
        start = 0
        phrase = self._starts_with(cores, self._ad_openers)
        while phrase is not None:
            found.removed.append(" ".join(tokens[start : start + len(phrase)]))
            start += len(phrase)
            phrase = self._starts_with(cores, self._ad_openers, start)
        if start:
            count = self._starts_with(cores, self._count_openers, start)
            if count is not None and len(cores) > start + len(count):
                found.removed.append(" ".join(tokens[start : start + len(count)]))
                start += len(count)
        return tokens[start:]

    def _strip_inline_markers(
        self, tokens: list[str], found: _Findings, *, keep_seniority: bool = False
    ) -> list[str]:
        cores = [_split_marks(token)[1] for token in tokens]
        kept: list[str] = []
        i = 0
        while i < len(tokens):
            taken = self._place_after_dar(cores, i, found) or self._marker_at(
                cores, i, found, keep_seniority=keep_seniority
            )
            if not taken:
                kept.append(tokens[i])
                i += 1
                continue
            first, last = tokens[i], tokens[i + taken - 1]
            found.removed.append(" ".join(cores[i : i + taken]))
            lead_marks = _split_marks(first)[0]
            trail_marks = _split_marks(last)[2]
            if lead_marks or trail_marks:
                kept.append(lead_marks + trail_marks)
            i += taken
        return kept

    def _place_after_dar(self, cores: list[str], i: int, found: _Findings) -> int:
        if cores[i] != "در":
            return 0
        for size in (3, 2, 1):
            words = cores[i + 1 : i + 1 + size]
            if len(words) < size:
                continue
            place = find_place(" ".join(words))
            if place is not None:
                found.add(place.kind, place.name)
                return 1 + size
        return 0

    def _marker_at(
        self, cores: list[str], i: int, found: _Findings, *, keep_seniority: bool = False
    ) -> int:
        leader = self._starts_with(cores, self._employment_leaders, i)
        offset = len(leader) if leader is not None else 0
        for size in range(self._max_phrase, 0, -1):
            phrase = tuple(cores[i + offset : i + offset + size])
            if len(phrase) < size:
                continue
            marker = self._inline.get(phrase)
            if marker is None:
                continue
            kind, value = marker
            if offset and kind != "employment":
                return 0
            if kind == "seniority" and (
                keep_seniority or not self._seniority_removable(cores, i, size, value)
            ):
                if keep_seniority or value == "lead":  # "team lead": the words stay
                    found.add(kind, value)
                return 0
            found.add(kind, value)
            return offset + size
        return 0

    def _seniority_removable(self, cores: list[str], i: int, size: int, level: str) -> bool:
        before = cores[i - 1] if i > 0 else ""
        after = cores[i + size] if i + size < len(cores) else ""
        if level == "senior" and cores[i] == "ارشد":
            return before not in _SENIOR_AS_RANK_AFTER
        if level == "lead":
            if cores[i] in self._lead_posts:
                return False
            return before not in _LEAD_AS_POST_BEFORE and after not in _LEAD_AS_POST_AFTER
        return True


def _tidy(title: str) -> str:
    title = _EMPTY_BRACKETS.sub(" ", title)
    title = normalize(title, _TITLE_CONFIG)
    title = _REPEATED_DASHES.sub("-", title)
    return title.strip(_EDGE_PUNCT)


@cache
def _default_parser() -> JobTitleParser:
    return JobTitleParser()


def parse_job_title(raw: str) -> ParsedTitle:
    """Parse a raw job-ad title with a shared :class:`JobTitleParser`.

    >>> parse_job_title("استخدام حسابدار خانم در شیراز")
    ParsedTitle(title='حسابدار', gender='female', city='شیراز', seniority=None, \
employment_type=None, raw='استخدام حسابدار خانم در شیراز', province=None, \
removed=('استخدام', 'خانم', 'در شیراز'))
    """
    return _default_parser()(raw)
