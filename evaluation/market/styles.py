"""Styles and noise of the ``untuned`` setting: writing that no system was tuned on.

The ``standard`` setting writes documents exactly as the demo does (:mod:`demo.vacancies`,
:mod:`demo.jobseekers`, :mod:`demo.noise`). The ``untuned`` setting keeps the same facts (so
the same truths and grades) and rewrites the visible text with the small named steps below,
each drawn with a seeded :class:`random.Random`:

* vacancies: a Telegram-channel ad (emoji, hashtags such as ``#استخدام``, «ارسال رزومه به
  ...»), the demo text as one run-on paragraph, or the demo text wrapped in other boilerplate;
  some tech and office titles become English or transliterated (``Backend Developer``,
  «بک‌اند دولوپر»);
* CVs: a chat-message CV, the demo text as one run-on paragraph or as a formal letter; half
  of the CVs have an empty title (the headline only inside the text);
* then heavier orthographic noise than the demo's: Arabic ي/ك everywhere, the ZWNJ dropped or
  typed as a space, Arabic-Indic or Latin digits, and 1-3% character typos inside words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from random import Random
from typing import Final

from demo.content import common
from demo.jobseekers import JobseekerDraft
from demo.textutil import join_fa
from demo.vacancies import VacancyDraft

ZWNJ: Final = "\u200c"
_PERSIAN_DIGITS: Final = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_DIGITS: Final = "٠١٢٣٤٥٦٧٨٩"
_LATIN_DIGITS: Final = "0123456789"
_TO_ARABIC_DIGITS: Final = str.maketrans(_PERSIAN_DIGITS + _LATIN_DIGITS, _ARABIC_DIGITS * 2)
_TO_LATIN_DIGITS: Final = str.maketrans(_PERSIAN_DIGITS + _ARABIC_DIGITS, _LATIN_DIGITS * 2)
_TO_ARABIC_LETTERS: Final = str.maketrans({"ی": "ي", "ک": "ك"})
_WORD: Final = re.compile(r"[^\W\d_]{4,}")
_TOKEN: Final = re.compile(r"\S+")
_LATIN_LETTER: Final = re.compile(r"[A-Za-z]")
_BULLET: Final = re.compile(r"^\s*(?:[-•*]|\d+[.\-)])\s+")

# English or transliterated titles, by demo occupation key (tech and office jobs only).
ENGLISH_TITLES: Final[dict[str, tuple[str, ...]]] = {
    "python_backend": ("Backend Developer", "Django Developer", "بک‌اند دولوپر پایتون"),
    "dotnet_java_backend": (".NET Developer", "Java Developer", "بک‌اند دولوپر جاوا"),
    "frontend": ("Frontend Engineer", "React Developer", "فرانت‌اند دولوپر"),
    "php_web": ("PHP Developer", "Laravel Developer", "وب دولوپر"),
    "mobile_dev": ("Mobile Developer", "App Developer", "موبایل دولوپر"),
    "network_admin": ("Network Administrator", "Network Engineer", "نتورک ادمین"),
    "it_support": ("IT Support", "Helpdesk Specialist", "هلپ‌دسک"),
    "data_analyst": ("BI Analyst", "Data Analyst", "دیتا آنالیست"),
    "accountant": ("Accountant", "اکانتنت"),
    "accounting_associate": ("Accounting Assistant", "Junior Accountant"),
    "bookkeeping_clerk": ("Bookkeeper", "Accounting Clerk"),
    "finance_manager": ("Finance Manager", "CFO", "فایننس منیجر"),
    "sales_manager": ("Sales Manager", "سیلز منیجر"),
    "digital_marketing": ("Digital Marketer", "Digital Marketing Specialist", "دیجیتال مارکتر"),
    "graphic_designer": ("Graphic Designer", "گرافیک دیزاینر"),
    "sales_rep": ("Sales Representative", "Sales Rep"),
    "secretary": ("Secretary", "Office Assistant"),
    "call_center": ("Call Center Agent", "Customer Support Agent", "کال سنتر"),
    "office_clerk": ("Office Clerk", "Admin Assistant"),
    "data_entry": ("Data Entry Operator", "دیتا انتری"),
    "hr_specialist": ("HR Specialist", "HR Generalist", "اچ‌آر"),
    "hr_manager": ("HR Manager", "اچ‌آر منیجر"),
    "industrial_engineer": ("Production Planner", "Industrial Engineer"),
    "civil_engineer": ("Civil Engineer", "Site Engineer"),
    "mechanical_engineer": ("Mechanical Engineer",),
}

_CHANNELS: Final = ("karyabi_fori", "estekhdam_rooz", "kar_dar_shahr", "jobs_iran24", "kargah_kar")
_MAIL_NAMES: Final = ("artan", "raymand", "nikan", "pooyesh", "avin", "kimia", "mahoor", "hiva")
_AD_OPENERS: Final = (
    "قابل توجه جویندگان کار:",
    "فرصت شغلی ویژه!",
    "یک مجموعه خوشنام دعوت به همکاری می‌کند.",
    "آگهی استخدام (فوری)",
)
_AD_CLOSERS: Final = (
    "فقط افراد واجد شرایط پیام بدهند.",
    "لطفا رزومه را با ذکر عنوان شغل در موضوع ایمیل بفرستید.",
    "تماس تلفنی فقط در ساعات اداری.",
    "این آگهی تا پایان ماه اعتبار دارد.",
)
_CV_OPENERS: Final = ("با سلام و احترام", "سلام وقت بخیر", "با عرض سلام و خسته نباشید")
_CV_CLOSERS: Final = (
    "با تشکر از وقتی که می‌گذارید.",
    "آماده همکاری فوری هستم.",
    "در صورت نیاز نمونه کارها را ارسال می‌کنم.",
    "منتظر تماس شما هستم 🙏",
)


# --- orthographic noise ----------------------------------------------------------------


def arabic_letters(text: str) -> str:
    """Type ی and ک as Arabic ي and ك everywhere (an Arabic keyboard layout).

    >>> arabic_letters("کارشناس فنی")
    'كارشناس فني'
    """
    return text.translate(_TO_ARABIC_LETTERS)


def drop_zwnj(text: str) -> str:
    """Remove every zero-width non-joiner.

    >>> drop_zwnj("می\u200cتوانید")
    'میتوانید'
    """
    return text.replace(ZWNJ, "")


def zwnj_as_space(text: str) -> str:
    """Type every zero-width non-joiner as a space.

    >>> zwnj_as_space("می\u200cتوانید")
    'می توانید'
    """
    return text.replace(ZWNJ, " ")


def _convert_digits(text: str, table: dict[int, int]) -> str:
    # Tokens holding a Latin letter (HTML5, ISO 9001 stays apart) keep their digits.
    def convert(match: re.Match[str]) -> str:
        token = match.group()
        return token if _LATIN_LETTER.search(token) else token.translate(table)

    return _TOKEN.sub(convert, text)


def arabic_indic_digits(text: str) -> str:
    """Write Persian and Latin digits as Arabic-Indic ones.

    >>> arabic_indic_digits("۵ سال سابقه، 2 سال")
    '٥ سال سابقه، ٢ سال'
    """
    return _convert_digits(text, _TO_ARABIC_DIGITS)


def latin_digits(text: str) -> str:
    """Write Persian and Arabic-Indic digits as Latin ones.

    >>> latin_digits("۵ سال سابقه")
    '5 سال سابقه'
    """
    return _convert_digits(text, _TO_LATIN_DIGITS)


def add_typos(text: str, rng: Random, rate: float) -> str:
    """Put a typo in about ``rate`` of the letters inside words of four letters or more: a
    dropped, doubled or swapped letter (never the first or last one; one typo per word).

    For example «حسابداری» may become «حسابدری», «حسابدااری» or «حسابادری».
    """
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"rate must be in [0, 1), got {rate}")

    def typo(match: re.Match[str]) -> str:
        word = match.group()
        for i in range(1, len(word) - 1):
            if rng.random() >= rate:
                continue
            kind = rng.randrange(3)
            if kind == 0:
                return word[:i] + word[i + 1 :]
            if kind == 1:
                return word[:i] + word[i] + word[i:]
            if i + 2 < len(word):
                return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            return word[:i] + word[i] + word[i:]
        return word

    return _WORD.sub(typo, text) if rate > 0 else text


@dataclass(frozen=True)
class HeavyNoise:
    """How one untuned document is misspelled.

    ``letters``: ``"clean"`` or ``"arabic"``; ``zwnj``: ``"keep"``, ``"drop"`` or
    ``"space"``; ``digits``: ``"keep"``, ``"arabic"`` or ``"latin"``; ``typo_rate``: the
    share of letters with a typo (0 or 1-3%).
    """

    letters: str = "clean"
    zwnj: str = "keep"
    digits: str = "keep"
    typo_rate: float = 0.0


def draw_heavy_noise(rng: Random) -> HeavyNoise:
    """Draw a noise profile: much more often noisy than the demo's."""
    return HeavyNoise(
        letters=rng.choices(("clean", "arabic"), weights=(50, 50))[0],
        zwnj=rng.choices(("keep", "drop", "space"), weights=(25, 40, 35))[0],
        digits=rng.choices(("keep", "arabic", "latin"), weights=(20, 40, 40))[0],
        typo_rate=rng.uniform(0.01, 0.03) if rng.random() < 0.8 else 0.0,
    )


def apply_heavy_noise(text: str, noise: HeavyNoise, rng: Random) -> str:
    """Typos first, then letters, ZWNJ and digits as ``noise`` says."""
    text = add_typos(text, rng, noise.typo_rate)
    if noise.letters == "arabic":
        text = arabic_letters(text)
    if noise.zwnj == "drop":
        text = drop_zwnj(text)
    elif noise.zwnj == "space":
        text = zwnj_as_space(text)
    if noise.digits == "arabic":
        text = arabic_indic_digits(text)
    elif noise.digits == "latin":
        text = latin_digits(text)
    return text


# --- layouts ---------------------------------------------------------------------------


def run_on(text: str) -> str:
    """Join a multi-line text into one run-on paragraph, dropping bullets.

    >>> run_on("شرایط:\\n- اکسل\\n- ورد\\nمزایا: بیمه")
    'شرایط: اکسل، ورد، مزایا: بیمه'
    """
    parts = [_BULLET.sub("", line).strip() for line in text.splitlines()]
    out = ""
    for part in filter(None, parts):
        if not out:
            out = part
        elif out.endswith((":", ".", "!", "؟", "،", "؛")):
            out += " " + part
        else:
            out += "، " + part
    return out


def hashtag(phrase: str) -> str:
    """A Telegram hashtag: spaces and ZWNJs become underscores, brackets go.

    >>> hashtag("برنامه‌نویس Python (Back-end)")
    '#برنامه_نویس_Python_Back_end'
    """
    words = re.findall(r"[^\W_]+", phrase.replace(ZWNJ, " "))
    return "#" + "_".join(words)


def english_title(occupation_key: str, rng: Random) -> str | None:
    """An English or transliterated title for a tech or office job, else ``None``.

    For example «Backend Developer» or «بک‌اند دولوپر پایتون» for a Python developer.
    """
    titles = ENGLISH_TITLES.get(occupation_key)
    return rng.choice(titles) if titles else None


def _contact(rng: Random) -> str:
    name = rng.choice(_MAIL_NAMES)
    return rng.choice(
        (
            f"📩 ارسال رزومه به: hr.{name}@gmail.com",
            f"📩 ارسال رزومه به آیدی @{name}_hr",
            f"📩 رزومه خود را به jobs@{name}co.ir بفرستید",
            f"📞 ارسال رزومه به واتساپ 0912{rng.randint(1000000, 9999999)}",
        )
    )


def _experience_line(years: int | None, rng: Random) -> str | None:
    if years is None:
        return None
    if years == 0:
        return rng.choice(("بدون سابقه هم قبول", "سابقه مهم نیست، آموزش داده می‌شود"))
    return rng.choice(
        (f"حداقل {years} سال سابقه", f"سابقه کار: {years} سال", f"{years}+ سال تجربه")
    )


def telegram_ad(draft: VacancyDraft, title: str, rng: Random) -> str:
    """A job ad as posted in a Telegram channel: emoji, hashtags and a contact line.

    For example::

        🔴 #استخدام #تهران
        🔹 حسابدار (خانم)
        📍 تهران، پردیس
        ✅ شرایط:
        ▫️ حداقل 2 سال سابقه
        ▫️ مسلط به سپیدار و اکسل
        📩 ارسال رزومه به: hr.nikan@gmail.com
    """
    ad = draft.record
    mark = rng.choice(("🔴", "🟢", "📢", "⭕️", "💼"))
    item = rng.choice(("▫️", "🔸", "✔️", "-"))
    tags = [hashtag("استخدام"), hashtag(ad["city"])]
    if ad["employment_type"] == "remote":
        tags.append(hashtag("دورکاری"))
    lines = [f"{mark} {' '.join(tags)}", f"🔹 {title}"]
    if rng.random() < 0.6:
        lines.append(f"🏢 {ad['employer']}")
    lines.append(f"📍 {ad['province']}، {ad['city']}")
    needs: list[str] = []
    experience = _experience_line(ad["min_experience_years"], rng)
    if experience is not None:
        needs.append(experience)
    if ad["education"] is not None:
        label = rng.choice(common.EDUCATION_LABELS[ad["education"]])
        needs.append(rng.choice((f"مدرک: {label}", f"حداقل مدرک {label}")))
    if draft.required:
        needs.append(
            rng.choice(("مسلط به ", "تسلط کامل به ", "مهارت در ")) + join_fa(list(draft.required))
        )
    if draft.optional:
        needs.append("آشنایی با " + join_fa(list(draft.optional)) + " مزیت است")
    needs += [f"داشتن {cert}" for cert in draft.certificates]
    if ad["gender"] is not None:
        needs.append("فقط " + ("آقایان" if ad["gender"] == "male" else "خانم‌ها"))
    lines.append(rng.choice(("✅ شرایط:", "✅ شرایط احراز:", "👈 نیازمندی‌ها:")))
    lines += [f"{item} {need}" for need in needs]
    label = rng.choice(common.EMPLOYMENT_LABELS[ad["employment_type"]])
    lines.append(f"⏰ {label}")
    if rng.random() < 0.5:
        lines.append(
            rng.choice(("💰 حقوق توافقی + بیمه", "💰 حقوق عالی + پاداش", "💰 بیمه از روز اول"))
        )
    lines.append(_contact(rng))
    closing = [hashtag(title), hashtag("کاریابی"), hashtag(f"استخدام {ad['city']}")]
    lines.append(" ".join(closing))
    lines.append(f"🆔 @{rng.choice(_CHANNELS)}")
    if rng.random() < 0.3:
        return " ".join(lines)
    return "\n".join(lines)


def chat_cv(draft: JobseekerDraft, headline: str, rng: Random) -> str:
    """A CV sent as a chat message.

    For example: «سلام وقت بخیر 🌹 من حسابدار هستم با 4 سال سابقه، ساکن کرج. مدرک: لیسانس.
    مهارت‌ها: سپیدار، اکسل. آماده همکاری فوری هستم 🙏»
    """
    cv = draft.record
    years = cv["experience_years"]
    experience = f"با {years} سال سابقه" if years else "تازه‌کار و بدون سابقه"
    label = rng.choice(common.EDUCATION_LABELS[cv["education"]]).removeprefix("حداقل ")
    parts = [
        rng.choice(_CV_OPENERS) + rng.choice((" 🌹", " 🙏", "", "،")),
        f"من {headline} هستم {experience}، ساکن {cv['city']} ({cv['province']}).",
        rng.choice(("مدرک: ", "تحصیلات: ", "مدرک تحصیلی ")) + label + ".",
        rng.choice(("مهارت‌ها: ", "بلدم: ", "تسلط دارم به ")) + "، ".join(draft.skills) + ".",
    ]
    if draft.certificates:
        parts.append("دارای " + join_fa(list(draft.certificates)) + ".")
    parts.append(rng.choice(_CV_CLOSERS))
    return rng.choice(("\n", " ")).join(parts)


# --- whole documents -------------------------------------------------------------------


@dataclass(frozen=True)
class Restyled:
    """The visible title and text of one untuned document and the style that wrote it."""

    title: str
    text: str
    style: str


def _noisy(title: str, text: str, style: str, rng: Random) -> Restyled:
    """Heavy noise on the text; on the title too, with typos in three titles out of ten."""
    noise = draw_heavy_noise(rng)
    title_noise = noise if rng.random() < 0.3 else replace(noise, typo_rate=0.0)
    return Restyled(
        title=apply_heavy_noise(title, title_noise, rng),
        text=apply_heavy_noise(text, noise, rng),
        style=style,
    )


def restyle_vacancy(draft: VacancyDraft, occupation_key: str, rng: Random) -> Restyled:
    """Rewrite a demo ad in an untuned style with heavy noise (same facts)."""
    ad = draft.record
    title = ad["title"]
    if rng.random() < 0.5:
        title = english_title(occupation_key, rng) or title
    style = rng.choices(("telegram", "run_on", "boilerplate"), weights=(45, 35, 20))[0]
    if style == "telegram":
        text = telegram_ad(draft, title, rng)
    elif style == "run_on":
        text = run_on(ad["text"])
    else:
        text = f"{rng.choice(_AD_OPENERS)}\n{ad['text']}\n{rng.choice(_AD_CLOSERS)}"
    return _noisy(title, text, style, rng)


def restyle_jobseeker(draft: JobseekerDraft, occupation_key: str, rng: Random) -> Restyled:
    """Rewrite a demo CV in an untuned style with heavy noise (same facts).

    Half of the CVs get an empty title; their headline is only inside the text.
    """
    cv = draft.record
    headline = draft.headline
    if rng.random() < 0.4:
        headline = english_title(occupation_key, rng) or headline
    style = rng.choices(("chat", "run_on", "letter"), weights=(40, 35, 25))[0]
    if style == "chat":
        text = chat_cv(draft, headline, rng)
    elif style == "run_on":
        text = run_on(cv["text"])
    else:
        text = f"{rng.choice(_CV_OPENERS)}\n{cv['text']}\n{rng.choice(_CV_CLOSERS)}"
    title = headline
    if rng.random() < 0.5:
        title = ""
        if headline not in text:
            text = f"{headline} - {text}"
    return _noisy(title, text, style, rng)
