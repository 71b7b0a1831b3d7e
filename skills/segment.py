"""Split a normalised ad or CV into segments and mark the boilerplate ones.

Ads mix what the job needs with text that names skills by accident: the company's
introduction ("پیشرو در زمینه نرم‌افزارهای حسابداری"), benefits ("بیمه تکمیلی"، "عیدی و
سنوات طبق قانون کار"), and how to apply. Mining those would credit the ad with skills it does
not ask for, so such segments are recognised and skipped.

Recognition is by section and by cue: a header line ("مزایا:", "درباره ما", "شرایط احراز")
sets the section of the lines below it, and a line of its own is boilerplate when it carries
a benefit, company or application cue and no skill cue. The cue lists are written from how
Iranian ads are laid out; they are plain data so that curators can extend them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from nlp.normalize import normalize
from skills.cues import SKILL_CUE_WORDS

# Section headers (normalised spellings; matched at the start of a line).
SECTION_HEADERS: dict[str, tuple[str, ...]] = {
    "about": (
        "درباره ما",
        "درباره شرکت",
        "درباره سازمان",
        "درباره مجموعه",
        "معرفی شرکت",
        "معرفی مجموعه",
        "معرفی سازمان",
        "about us",
        "company",
    ),
    "benefits": (
        "مزایا",
        "مزایای شغلی",
        "مزایای همکاری",
        "امکانات رفاهی",
        "تسهیلات",
        "مزایا و تسهیلات",
        "مزایای کاری",
        "حقوق و مزایا",
        "benefits",
        "what we offer",
        "perks",
    ),
    "application": (
        "نحوه ارسال رزومه",
        "ارسال رزومه",
        "نحوه همکاری",
        "ارتباط با ما",
        "اطلاعات تماس",
        "آدرس",
        "نشانی",
        "تماس",
        "how to apply",
    ),
    "requirements": (
        "شرایط احراز",
        "شرایط احراز شغل",
        "شرایط",
        "الزامات",
        "مهارت‌ها",
        "مهارت‌های مورد نیاز",
        "مهارت‌های فنی",
        "مهارت‌های نرم",
        "مهارت‌های تخصصی",
        "مهارت‌های مورد انتظار",
        "نرم‌افزارها",
        "نرم‌افزارهای مورد نیاز",
        "دانش فنی",
        "توانایی‌ها",
        "شایستگی‌ها",
        "ویژگی‌ها",
        "ویژگی‌های فردی",
        "requirements",
        "skills",
        "qualifications",
        "nice to have",
        "must have",
    ),
    "duties": (
        "شرح وظایف",
        "شرح شغل",
        "وظایف",
        "مسئولیت‌ها",
        "شرح مسئولیت‌ها",
        "responsibilities",
        "what you'll do",
        "what you will do",
        "duties",
    ),
    "experience": ("سوابق کاری", "سابقه کار", "سوابق شغلی", "تجربیات کاری", "experience"),
    "education": ("سوابق تحصیلی", "تحصیلات", "مدرک تحصیلی", "دوره‌ها", "گواهینامه‌ها"),
}
BOILERPLATE_SECTIONS = frozenset({"about", "benefits", "application"})

# Form fields of an ad or CV ("محل کار: تهران"): their values are facts about the job, not
# sentences to read skills into, so implicit matching skips them (explicit mentions such as
# the degree "مهندسی کامپیوتر" still count).
METADATA_KEYS: tuple[str, ...] = (
    "عنوان شغل",
    "عنوان شغلی",
    "محل کار",
    "موقعیت مکانی",
    "نوع همکاری",
    "نوع قرارداد",
    "جنسیت",
    "سابقه کار",
    "حداقل سابقه",
    "حداقل مدرک",
    "مدرک تحصیلی",
    "حقوق",
    "نام مجموعه",
    "نام شرکت",
    "کارفرما",
    "شهر",
    "استان",
    "وضعیت نظام وظیفه",
    "نظام وظیفه",
    "سن",
    "تاریخ تولد",
    "وضعیت تاهل",
    "وضعیت تأهل",
    "ساعت کاری",
    "ساعات کاری",
)

# A line with one of these and no skill cue is boilerplate wherever it stands.
BOILERPLATE_CUES: tuple[str, ...] = (
    "ارسال رزومه",
    "رزومه خود",
    "رزومه کاری خود",
    "بیمه تکمیلی",
    "بیمه تامین اجتماعی",
    "بیمه تأمین اجتماعی",
    "ناهار",
    "سرویس ایاب",
    "ایاب و ذهاب",
    "عیدی",
    "پاداش",
    "سنوات",
    "حقوق ثابت",
    "حقوق و مزایا",
    "پورسانت",
    "محیط کاری",
    "محیط کار پویا",
    "محیطی پویا",
    "ساعت کاری",
    "ساعات کاری",
    "روزهای کاری",
    "امکان ارتقا",
    "امکان ارتقای شغلی",
    "وام",
    "هدایای مناسبتی",
    "در نظر دارد",
    "جهت تکمیل کادر",
    "به منظور تکمیل کادر",
    "دعوت به همکاری",
    "از افراد واجد شرایط",
    "تماس حاصل",
    "تلفن",
    "واتساپ",
    "ایمیل",
    "مصاحبه",
    "پیشرو در",
    "فعال در زمینه",
    "با بیش از",
    "سال سابقه درخشان",
    "افتخار",
    "مفتخر",
)
URL_MARKERS = ("www.", "http", "@")
# Words that say a line is about a degree: the field named there is the person's education
# (recorded as such), not a skill the ad asks for or the CV claims.
DEGREE_CUES: tuple[str, ...] = (
    "لیسانس",
    "فوق لیسانس",
    "کارشناسی",
    "کارشناسی ارشد",
    "کاردانی",
    "دیپلم",
    "فوق دیپلم",
    "دکتری",
    "دکترا",
    "فارغ‌التحصیل",
    "فارغ التحصیل",
    "رشته",
    "رشته‌های",
    "رشته تحصیلی",
    "تحصیلات",
    "دانشگاه",
    "bachelor",
    "master",
    "degree",
    "bsc",
    "msc",
    "phd",
)
# Words that say a line is about what the person must know or do.
SKILL_CUES: tuple[str, ...] = (
    *SKILL_CUE_WORDS,
    "مهارت‌ها",
    "مهارت‌های",
    "سابقه کار",
    "کار با",
    "دارای",
    "گواهینامه",
    "مدرک",
)

_LINE_SPLIT = re.compile(r"\n+")
_PERSIAN_LETTER = re.compile(r"[\u0600-\u06FF]")
# Sentence ends and bullets; a dot inside "node.js" or "1.5" is not an end.
_SENTENCE_SPLIT = re.compile(r"(?<=[.!؟?؛;])(?=\s)|\s+[•▪●◦■\-*]\s+|^[•▪●◦■\-*]\s*|\s{3,}")


@dataclass(frozen=True)
class Segment:
    text: str
    section: str  # a key of SECTION_HEADERS, or "body"
    boilerplate: bool
    metadata: bool = False  # a form field such as "محل کار: تهران"
    education: bool = False  # names a degree ("کارشناسی مهندسی برق")


@cache
def _normalised(words: tuple[str, ...]) -> tuple[str, ...]:
    """Cue lists in the normaliser's spelling (the text they are looked up in is normalised:
    "تأمین" is "تامین" there)."""
    return tuple(normalize(word).lower() for word in words)


@cache
def _cue_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word match of any cue: "تلفن" must not fire inside "فروش تلفنی"."""
    alternatives = "|".join(re.escape(w) for w in sorted(_normalised(words), key=len, reverse=True))
    return re.compile(rf"(?<![\w\u200c])(?:{alternatives})(?![\w\u200c])")


@cache
def _headers_longest_first() -> tuple[tuple[str, str], ...]:
    pairs = [(h, section) for section, raw in SECTION_HEADERS.items() for h in _normalised(raw)]
    return tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True))


def _header_of(line: str) -> tuple[str, str] | None:
    """(section, rest of the line) when the line opens with a section header.

    Scraped ads lose the break after a header ("مزایاناهاربیمه تکمیلی"), so a boilerplate
    header glued to the next word still opens its section.
    """
    stripped = line.strip(" \t:-–•*#").strip()
    lowered = stripped.lower()
    for header, section in _headers_longest_first():
        if not lowered.startswith(header):
            continue
        rest = stripped[len(header) :]
        if not rest.strip(" :：-؛"):
            return section, ""
        if rest[0] in ":：-؛ " and (rest.lstrip(" ")[:1] in ":：-؛" or rest[:2] == " -"):
            return section, rest.lstrip(" :：-؛")
        glued = rest[0] not in " \u200c:：-؛" and _PERSIAN_LETTER.match(rest[0])
        if glued and section in BOILERPLATE_SECTIONS and len(header) >= 4:
            return section, rest
    return None


def _is_boilerplate_line(text: str) -> bool:
    lowered = text.lower()
    has_cue = bool(_cue_pattern(BOILERPLATE_CUES).search(lowered)) or any(
        marker in lowered for marker in URL_MARKERS
    )
    return has_cue and not _cue_pattern(SKILL_CUES).search(lowered)


def _is_metadata(text: str) -> bool:
    key, colon, _ = text.partition(":")
    return bool(colon) and key.strip().lower() in _normalised(METADATA_KEYS)


def segment_text(normalized: str) -> list[Segment]:
    """Segments of a normalised text, in order, each with its section and boilerplate flag."""
    segments: list[Segment] = []
    section = "body"
    for raw_line in _LINE_SPLIT.split(normalized):
        line = raw_line.strip()
        if not line:
            continue
        header = _header_of(line)
        if header is not None:
            section, line = header
            # A short header line alone ("مزایا:") opens a section for the lines below.
            if not line:
                continue
        elif len(line) <= 40 and line.endswith(":"):
            section = "body"  # an unknown header closes the previous section
            continue
        for piece in _SENTENCE_SPLIT.split(line):
            text = (piece or "").strip(" \t-•*")
            if not text:
                continue
            boilerplate = section in BOILERPLATE_SECTIONS or _is_boilerplate_line(text)
            education = section == "education" or bool(_cue_pattern(DEGREE_CUES).search(text))
            segments.append(Segment(text, section, boilerplate, _is_metadata(text), education))
    return segments
