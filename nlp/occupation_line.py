"""The line of a vacancy text or CV that names its occupation.

A vacancy text starts with its title, but a CV rarely does: it opens with «رزومه», a name, a
phone number, and names the occupation as a labelled field («عنوان شغلی: حسابدار») or as the
first entry of its work history, the most recent one, with its employer and dates
(«حسابدار ارشد، شرکت الف (۱۴۰۰ تا کنون)»). :func:`occupation_line` picks, in this order:

1. the value of a labelled title line (``عنوان شغلی:``, ``سمت:``, ``Job title:``, ...);
2. in a dated work-history section (a line of its own such as ``سوابق کاری`` or
   ``Experience``, with years or ``تا کنون`` in its entries, as a CV has and a vacancy's
   «سابقه کار» requirements have not), the entry marked as current (``تا کنون``,
   ``present``), else its first entry, cut before the employer and dates;
3. the first line that is not a document label, a contact or personal detail, or a section
   header; a ``خلاصه:``-style label is dropped and its text kept.

Lines are matched after :func:`nlp.normalize.normalize` (Arabic letters, digits, ZWNJ,
kashida); a labelled value or a plain line is returned as written, a work-history role
normalised, cut to 300 characters.
"""

from __future__ import annotations

import re

from nlp.normalize import normalize

_MAX_CHARS = 300
_BULLETS = " \t-•*:·●▪–—"

# Labels whose value is the occupation (normalised, lower case).
_TITLE_LABELS = (
    "عنوان شغلی",
    "عنوان شغل",
    "عنوان آگهی",
    "موقعیت شغلی",
    "سمت",
    "شغل",
    "job title",
    "position",
    "title",
    "role",
)
# Labels whose value is free text that may name it (kept without the label).
_TEXT_LABELS = ("خلاصه", "درباره من", "معرفی", "summary", "profile", "about me", "objective")
_HISTORY_HEADERS = (
    "سوابق کاری",
    "سوابق شغلی",
    "سابقه کاری",
    "سابقه کار",
    "سوابق کار",
    "تجربیات کاری",
    "تجربه کاری",
    "تجربیات شغلی",
    "experience",
    "work experience",
    "professional experience",
    "employment history",
    "work history",
)
_OTHER_HEADERS = (
    "تحصیلات",
    "سوابق تحصیلی",
    "مدرک تحصیلی",
    "مهارتها",
    "مهارت ها",
    "دوره ها",
    "گواهینامه ها",
    "زبان ها",
    "اطلاعات تماس",
    "اطلاعات شخصی",
    "مشخصات فردی",
    "education",
    "skills",
    "courses",
    "certificates",
    "languages",
    "contact",
    "personal information",
    "references",
)
_DOCUMENT_LABELS = (
    "رزومه",
    "رزومه کاری",
    "سوابق",
    "بسمه تعالی",
    "به نام خدا",
    "cv",
    "curriculum vitae",
    "resume",
    "résumé",
)
# A line starting with one of these is a personal or contact detail.
_PERSONAL = (
    "نام",
    "نام و نام خانوادگی",
    "تلفن",
    "تلفن همراه",
    "موبایل",
    "شماره تماس",
    "ایمیل",
    "پست الکترونیک",
    "آدرس",
    "نشانی",
    "متولد",
    "تاریخ تولد",
    "سن",
    "وضعیت تاهل",
    "وضعیت تأهل",
    "وضعیت نظام وظیفه",
    "جنسیت",
    "محل سکونت",
    "name",
    "phone",
    "mobile",
    "email",
    "e-mail",
    "address",
    "born",
    "date of birth",
    "linkedin",
    "github",
)
_CURRENT = re.compile(r"تا\s*کنون|تا\s*اکنون|هم\s*اکنون|اکنون|\bpresent\b|\bcurrent\b|\bnow\b")
_CONTACT = re.compile(r"@|https?://|www\.|\d[\d\s-]{7,}\d")
# Where an entry's role ends and its employer or dates begin.
_YEAR = re.compile(r"(?<!\d)(?:13|14|19|20)\d\d(?!\d)")
_ROLE_END = re.compile(r"[،,|(\[@]|\s[-–—]\s|\sدر\s|\sat\s|(?<!\d)(?:13|14|19|20)\d\d(?!\d)")


def occupation_line(text: str) -> str:
    """The line of ``text`` that names its occupation (see the module docstring)."""
    lines = [(raw.strip(_BULLETS), _folded(raw)) for raw in text.splitlines()]
    lines = [(raw, folded) for raw, folded in lines if raw and folded]
    labelled = _labelled_title(lines)
    if labelled:
        return labelled[:_MAX_CHARS]
    entry = _current_entry(lines)
    if entry:
        return entry[:_MAX_CHARS]
    for raw, folded in lines:
        if _skippable(folded):
            continue
        value = _label_value(raw, folded, _TEXT_LABELS)
        return (value or raw)[:_MAX_CHARS]
    return ""


def _folded(line: str) -> str:
    """A line as labels are matched: normalised, lower case, ZWNJ as a space (the label
    lists are written with spaces)."""
    folded = normalize(line.strip(_BULLETS)).lower().replace("\u200c", " ")
    return " ".join(folded.split()).strip(_BULLETS + ".")


def _starts_with(folded: str, words: tuple[str, ...]) -> str | None:
    """The first of ``words`` that ``folded`` starts with as whole words."""
    for word in sorted(words, key=len, reverse=True):
        if folded == word or (
            folded.startswith(word)
            and not folded[len(word)].isalnum()
            and folded[len(word)] != "\u200c"
        ):
            return word
    return None


def _label_value(raw: str, folded: str, labels: tuple[str, ...]) -> str | None:
    """The text after ``label:`` when ``folded`` starts with one of ``labels`` and a colon."""
    label = _starts_with(folded, labels)
    if label is None or ":" not in raw:
        return None
    rest = folded[len(label) :].lstrip()
    if not rest.startswith(":"):
        return None
    value = raw.split(":", 1)[1].strip(_BULLETS)
    return value or None


def _labelled_title(lines: list[tuple[str, str]]) -> str | None:
    for raw, folded in lines:
        value = _label_value(raw, folded, _TITLE_LABELS)
        if value:
            return value
    return None


def _is_header(folded: str, headers: tuple[str, ...]) -> bool:
    return folded.rstrip(": ") in headers


def _current_entry(lines: list[tuple[str, str]]) -> str | None:
    """The current (else first) entry of the first work-history section, its role only."""
    start = next(
        (i + 1 for i, (_, folded) in enumerate(lines) if _is_header(folded, _HISTORY_HEADERS)),
        None,
    )
    if start is None:
        return None
    entries: list[tuple[str, str]] = []
    for raw, folded in lines[start:]:
        if _is_header(folded, _OTHER_HEADERS + _HISTORY_HEADERS):
            break
        entries.append((raw, folded))
    # A CV's work history is dated; a vacancy's «سابقه کار» section («حداقل ۲ سال») is not.
    if not any(_YEAR.search(folded) or _CURRENT.search(folded) for _, folded in entries):
        return None
    roles = [(_role(raw), bool(_CURRENT.search(folded))) for raw, folded in entries]
    roles = [(role, current) for role, current in roles if role]
    if not roles:
        return None
    return next((role for role, current in roles if current), roles[0][0])


def _role(entry: str) -> str:
    """An entry's role (normalised), without the employer and dates after it; empty for a
    line that is only a date or an employer's name in brackets."""
    entry = normalize(entry)
    match = _ROLE_END.search(entry)
    role = (entry if match is None else entry[: match.start()]).strip(_BULLETS + " .")
    return role if any(ch.isalpha() for ch in role) else ""


def _skippable(folded: str) -> bool:
    return (
        folded in _DOCUMENT_LABELS
        or _is_header(folded, _HISTORY_HEADERS + _OTHER_HEADERS)
        or _starts_with(folded, _PERSONAL) is not None
        or bool(_CONTACT.search(folded))
    )
