"""Compose one demo job ad from an occupation's material."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from random import Random

import jdatetime

from demo.compose import (
    bullet_maker,
    education_phrase,
    pick_employer,
    pick_place,
    pick_skills,
)
from demo.content import common
from demo.content.model import Occupation, Province
from demo.jalali import iso, random_date
from demo.noise import apply_noise, draw_noise
from demo.records import VacancyRecord
from demo.textutil import (
    fa_number,
    is_credential,
    is_latin_start,
    join_fa,
    join_list,
    merge_credentials,
    pick_some,
)

_SKILL_VERBS = (
    "تسلط به {}",
    "تسلط کامل به {}",
    "آشنایی با {}",
    "مسلط به {}",
    "تجربه کار با {}",
    "دانش کافی در زمینه {}",
)
_CERT_VERBS = ("دارا بودن {}", "داشتن {}", "{} الزامی است")
_CITY_MARKERS = (" ({city})", " - {city}", " در {city}", " | {city}", " (شهر {city})")


@dataclass(frozen=True)
class _Ad:
    """The facts of one ad, before they are written out in a style."""

    occupation: Occupation
    base_title: str
    title: str
    employer: str
    industry: str
    province: str
    city: str
    min_experience: int | None
    education: str | None
    education_text: str | None
    required: list[str]
    optional: list[str]
    certificates: list[str]
    duties: list[str]
    soft: list[str]
    conditions: list[str]
    benefits: list[str]
    employment_type: str
    gender: str | None
    hours: str | None
    salary: str | None
    military: str | None
    age: str | None
    years_active: int


def _seniority(occ: Occupation, title: str, rng: Random) -> tuple[str, int | None]:
    """Maybe decorate the title with a seniority word; return the title and a years floor."""
    if not occ.seniority or rng.random() > 0.3 or "ارشد" in title or "Senior" in title:
        return title, None
    senior = rng.random() < 0.6
    if is_latin_start(title):
        prefix = rng.choice(common.SENIOR_LATIN if senior else common.JUNIOR_LATIN)
        title = prefix + title
    else:
        title += rng.choice(common.SENIOR_PERSIAN if senior else common.JUNIOR_PERSIAN)
    return title, (occ.experience[1] + rng.randint(0, 2) if senior else rng.randint(0, 1))


def _decorate(title: str, gender: str | None, city: str, rng: Random) -> str:
    """Add the gender and city markers that real ad titles carry."""
    marks: list[str] = []
    if gender is not None:
        marks.append(rng.choice(common.GENDER_MARKERS[gender]))
    if rng.random() < 0.18:
        marks.append(rng.choice(_CITY_MARKERS).format(city=city))
    rng.shuffle(marks)
    if rng.random() < 0.06:
        title = "استخدام " + title
    if rng.random() < 0.05:
        marks.append(" (فوری)")
    return title + "".join(marks)


def _mentions_any(item: str, terms: Sequence[str]) -> bool:
    """Whether any ``|`` alternative of ``item`` contains any term (case-insensitive)."""
    forms = [form.casefold() for form in item.split("|")]
    return any(term in form for term in terms for form in forms)


def _without(pool: tuple[str, ...], terms: Sequence[str]) -> tuple[str, ...]:
    return tuple(item for item in pool if not _mentions_any(item, terms))


def _facts(
    occ: Occupation,
    rng: Random,
    *,
    extra_skills: Sequence[str] = (),
    drop_skills: Sequence[str] = (),
    provinces: tuple[Province, ...] = common.PROVINCES,
) -> _Ad:
    """Draw the facts of one ad.

    ``drop_skills``: skills, certificates and soft skills mentioning any of these terms are
    never picked; ``extra_skills`` are appended to the required skills; the place is drawn
    from ``provinces`` by their weights. With the defaults the draws are exactly those of the
    bundled demo.
    """
    pool = occ
    soft_pool = common.SOFT_SKILLS
    if drop_skills:
        terms = [t.casefold() for term in drop_skills for t in term.split("|") if t]
        pool = replace(
            occ,
            skills=_without(occ.skills, terms),
            certificates=_without(occ.certificates, terms),
        )
        soft_pool = _without(soft_pool, terms)
    province, city = pick_place(rng, provinces)
    base, floor = _seniority(occ, rng.choice(occ.titles), rng)
    gender = rng.choice(occ.genders)
    min_exp: int | None = rng.randint(*occ.experience) if floor is None else floor
    if floor is None and rng.random() < 0.15:
        min_exp = None
    education: str | None = rng.choice(occ.education)
    education_text: str | None = None
    if rng.random() < 0.15:
        education = None
    else:
        assert education is not None
        field = rng.choice(occ.fields) if occ.fields and rng.random() < 0.75 else None
        education_text = education_phrase(education, field, rng, common.EDUCATION_LABELS[education])
    picked = pick_skills(pool, rng, 3, 7, core=0.85)
    extra = pick_some(pool.certificates, rng, 1, 2) if rng.random() < 0.6 else []
    certificates = merge_credentials(picked, extra)
    chosen = [s for s in picked if not is_credential(s)]
    cut = max(2, (len(chosen) * 2 + 2) // 3)
    military = None
    if gender == "male" and rng.random() < 0.5:
        military = rng.choice(common.MILITARY_LINES)
    employer, industry = pick_employer(rng, occ)
    return _Ad(
        occupation=occ,
        base_title=base,
        title=_decorate(base, gender, city, rng),
        employer=employer,
        industry=industry,
        province=province,
        city=city,
        min_experience=min_exp,
        education=education,
        education_text=education_text,
        required=chosen[:cut] + list(extra_skills),
        optional=chosen[cut:],
        certificates=certificates,
        duties=pick_some(occ.duties, rng, 3, 6),
        soft=pick_some(soft_pool, rng, 1, 3),
        conditions=pick_some(occ.conditions, rng, 0, 2),
        benefits=pick_some(common.BENEFITS, rng, 2, 5),
        employment_type=rng.choice(occ.employment),
        gender=gender,
        hours=rng.choice(common.WORK_HOURS) if rng.random() < 0.5 else None,
        salary=rng.choice(common.SALARIES) if rng.random() < 0.5 else None,
        military=military,
        age=rng.choice(common.AGE_LINES) if rng.random() < 0.2 else None,
        years_active=rng.randint(3, 30),
    )


def _experience_text(years: int | None, rng: Random) -> str | None:
    if years is None:
        return None
    if years == 0:
        return rng.choice(("بدون نیاز به سابقه کار", "افراد فاقد سابقه نیز می‌توانند اقدام کنند"))
    return rng.choice(
        (
            f"حداقل {years} سال سابقه کار مرتبط",
            f"حداقل {fa_number(years)} سال سابقه کار",
            f"{years} سال سابقه کار مفید در زمینه مشابه",
            f"دارای حداقل {years} سال تجربه کاری مرتبط",
        )
    )


def _intro(ad: _Ad, rng: Random, templates: tuple[str, ...]) -> str:
    return rng.choice(templates).format(
        employer=ad.employer,
        industry=ad.industry,
        title=ad.base_title,
        city=ad.city,
        province=ad.province,
        years=ad.years_active,
        founded=1403 - ad.years_active,
    )


def _employment_label(ad: _Ad, rng: Random) -> str:
    return rng.choice(common.EMPLOYMENT_LABELS[ad.employment_type])


def _trim(lines: list[str], optional: list[str], limit: int) -> list[str]:
    """Drop optional lines (last added first) until the text has at most ``limit`` words."""
    for line in reversed(optional):
        if sum(len(x.split()) for x in lines) <= limit:
            break
        lines.remove(line)
    return lines


def _render_form(ad: _Ad, rng: Random) -> str:
    lines: list[str] = []
    optional: list[str] = []
    if rng.random() < 0.4:
        lines.append(_intro(ad, rng, common.AD_SHORT_INTROS))
        optional.append(lines[-1])
    colon = rng.choice((": ", ": ", " : ", ":"))
    lines.append(rng.choice(("عنوان شغلی", "عنوان شغل", "سمت")) + colon + ad.base_title)
    if rng.random() < 0.5:
        lines.append(rng.choice(("شرکت", "نام مجموعه", "کارفرما")) + colon + ad.employer)
    place = rng.choice(
        (f"{ad.province}، {ad.city}", f"استان {ad.province} - شهر {ad.city}", f"{ad.city}")
    )
    lines.append(rng.choice(("محل کار", "محل خدمت", "موقعیت مکانی")) + colon + place)
    lines.append(rng.choice(("نوع همکاری", "نوع قرارداد")) + colon + _employment_label(ad, rng))
    if ad.gender is not None:
        lines.append("جنسیت" + colon + common.GENDER_WORDS[ad.gender])
    elif rng.random() < 0.2:
        lines.append("جنسیت" + colon + "فرقی نمی‌کند")
    experience = _experience_text(ad.min_experience, rng)
    if experience is not None:
        lines.append("سابقه کار" + colon + experience)
    if ad.education_text is not None:
        lines.append(
            rng.choice(("تحصیلات", "مدرک تحصیلی", "حداقل مدرک")) + colon + ad.education_text
        )
    lines.append(
        rng.choice(("مهارت‌ها", "مهارت‌های مورد نیاز", "نرم‌افزارها و مهارت‌ها"))
        + colon
        + join_list(ad.required + ad.optional, rng)
    )
    if ad.certificates:
        lines.append(
            rng.choice(("گواهینامه", "مدارک لازم")) + colon + join_list(ad.certificates, rng)
        )
    if rng.random() < 0.7:
        lines.append(rng.choice(("شرح وظایف", "وظایف")) + colon + join_fa(ad.duties[:3]))
        optional.append(lines[-1])
    if ad.military is not None:
        lines.append("نظام وظیفه" + colon + ad.military)
    if ad.hours is not None:
        lines.append("ساعت کاری" + colon + ad.hours)
        optional.append(lines[-1])
    if ad.salary is not None:
        amount = ad.salary.removeprefix("حقوق:").removeprefix("حقوق").strip()
        lines.append("حقوق" + colon + amount)
        optional.append(lines[-1])
    lines.append("مزایا" + colon + join_list(ad.benefits, rng))
    if rng.random() < 0.4:
        lines.append(rng.choice(common.AD_CLOSINGS))
        optional.append(lines[-1])
    return "\n".join(_trim(lines, optional, 120))


def _skill_sentence(ad: _Ad, rng: Random) -> str:
    sentence = rng.choice(
        (
            "تسلط به {} الزامی است",
            "متقاضیان باید به {} مسلط باشند",
            "از متقاضیان انتظار می‌رود با {} به‌خوبی کار کرده باشند",
        )
    ).format(join_fa(ad.required))
    if ad.optional:
        sentence += rng.choice(
            ("، و آشنایی با {} یک مزیت محسوب می‌شود", " و تجربه کار با {} امتیاز دارد")
        ).format(join_fa(ad.optional))
    return sentence + "."


def _render_narrative(ad: _Ad, rng: Random) -> str:
    parts = [_intro(ad, rng, common.AD_INTROS)]
    parts.append(
        rng.choice(
            (
                "شرح وظایف این موقعیت شامل {} است.",
                "فرد منتخب مسئول {} خواهد بود.",
                "مهم‌ترین وظایف این نقش عبارتند از {}.",
            )
        ).format(join_fa(ad.duties))
    )
    requirement: list[str] = []
    if ad.education_text is not None:
        requirement.append(f"داشتن مدرک {ad.education_text}")
    if ad.min_experience:
        requirement.append(f"حداقل {ad.min_experience} سال سابقه کار مرتبط")
    if requirement:
        parts.append("شرایط اصلی همکاری " + join_fa(requirement) + " است.")
    if ad.min_experience == 0:
        parts.append("سابقه کار الزامی نیست و افراد تازه‌کار نیز می‌توانند اقدام کنند.")
    parts.append(_skill_sentence(ad, rng))
    for cert in ad.certificates:
        parts.append(
            rng.choice(("داشتن {} الزامی است.", "متقاضی باید دارای {} باشد.")).format(cert)
        )
    if ad.conditions:
        parts.append(join_fa(ad.conditions) + " نیز از شرایط این آگهی است.")
    parts.append(
        rng.choice(
            ("ویژگی‌هایی مانند {} برای ما اهمیت زیادی دارد.", "{} از ویژگی‌های مورد انتظار است.")
        ).format(join_fa(ad.soft))
    )
    if ad.gender is not None:
        group = "آقایان" if ad.gender == "male" else "بانوان"
        parts.append(f"این موقعیت مخصوص {group} است.")
    if ad.military is not None:
        parts.append(f"شرط نظام وظیفه: {ad.military}.")
    parts.append(f"نوع همکاری {_employment_label(ad, rng)} است.")
    if ad.hours is not None:
        parts.append(f"ساعت کاری {ad.hours} است.")
    parts.append(
        rng.choice(
            (
                "این مجموعه {} را برای همکاران خود فراهم کرده است.",
                "از مزایای همکاری با ما می‌توان به {} اشاره کرد.",
            )
        ).format(join_fa(ad.benefits))
    )
    if ad.salary is not None:
        parts.append(ad.salary + ".")
    parts.append(rng.choice(common.AD_CLOSINGS))
    text = " ".join(parts)
    if rng.random() < 0.35:
        cut = len(parts) // 2
        text = " ".join(parts[:cut]) + "\n\n" + " ".join(parts[cut:])
    return text


def _render_bullets(ad: _Ad, rng: Random) -> str:
    bullets = bullet_maker(rng)
    lines: list[str] = []
    if rng.random() < 0.6:
        lines.append(_intro(ad, rng, common.AD_SHORT_INTROS))
    lines.append(rng.choice(("شرح وظایف:", "مسئولیت‌ها:", "وظایف شغلی:", "Responsibilities:")))
    lines += bullets(ad.duties)
    needs: list[str] = []
    experience = _experience_text(ad.min_experience, rng)
    if experience is not None:
        needs.append(experience)
    if ad.education_text is not None:
        needs.append(f"مدرک تحصیلی {ad.education_text}")
    for i in range(0, len(ad.required), 2):
        needs.append(rng.choice(_SKILL_VERBS).format(join_fa(ad.required[i : i + 2])))
    if ad.optional:
        needs.append("آشنایی با " + join_fa(ad.optional) + " (امتیاز محسوب می‌شود)")
    needs += [rng.choice(_CERT_VERBS).format(c) for c in ad.certificates]
    needs += ad.conditions + ad.soft
    for extra in (ad.military, ad.age):
        if extra is not None:
            needs.append(extra)
    lines.append(rng.choice(("شرایط احراز:", "مهارت‌ها و شرایط:", "الزامات:", "Requirements:")))
    lines += bullets(needs)
    lines.append(rng.choice(("مزایا:", "مزایای همکاری با ما:", "شرایط همکاری:")))
    perks = [_employment_label(ad, rng), *ad.benefits]
    if ad.hours is not None:
        perks.append(f"ساعت کاری: {ad.hours}")
    lines += bullets(perks)
    if rng.random() < 0.5:
        lines.append(rng.choice(common.AD_CLOSINGS))
    return "\n".join(lines)


_RENDERERS = {"form": _render_form, "narrative": _render_narrative, "bullets": _render_bullets}


@dataclass(frozen=True)
class VacancyDraft:
    """A composed ad and the split of its skills that ``skills`` merges.

    ``required``, ``optional`` and ``certificates`` hold the spellings the ad used (before
    orthographic noise), in the order the ad lists them.
    """

    record: VacancyRecord
    required: tuple[str, ...]
    optional: tuple[str, ...]
    certificates: tuple[str, ...]


def draft_vacancy(
    occ: Occupation,
    number: int,
    rng: Random,
    *,
    extra_skills: Sequence[str] = (),
    drop_skills: Sequence[str] = (),
    posted: jdatetime.date | None = None,
    provinces: tuple[Province, ...] = common.PROVINCES,
) -> VacancyDraft:
    """Like :func:`make_vacancy`, also returning the required/optional/certificate split.

    ``provinces`` replaces the demo's table of places (and their weights). With the defaults
    the record is exactly ``make_vacancy(occ, number, rng)``'s for the same ``rng`` state.
    """
    ad = _facts(occ, rng, extra_skills=extra_skills, drop_skills=drop_skills, provinces=provinces)
    style = rng.choices(("form", "narrative", "bullets"), weights=(35, 30, 35))[0]
    text = _RENDERERS[style](ad, rng)
    noise = draw_noise(rng)
    skills = list(dict.fromkeys(ad.required + ad.optional + ad.certificates))
    record = VacancyRecord(
        id=f"v{number:04d}",
        title=apply_noise(ad.title, noise, rng),
        text=apply_noise(text, noise, rng),
        employer=ad.employer,
        province=ad.province,
        city=ad.city,
        isco_code=occ.isco_code,
        min_experience_years=ad.min_experience,
        education=ad.education,
        skills=skills,
        employment_type=ad.employment_type,
        gender=ad.gender,
        posted_at=iso(random_date(rng) if posted is None else posted),
        style=style,
    )
    return VacancyDraft(
        record=record,
        required=tuple(ad.required),
        optional=tuple(ad.optional),
        certificates=tuple(ad.certificates),
    )


def make_vacancy(
    occ: Occupation,
    number: int,
    rng: Random,
    *,
    extra_skills: Sequence[str] = (),
    drop_skills: Sequence[str] = (),
    posted: jdatetime.date | None = None,
) -> VacancyRecord:
    """Write the ``number``-th ad (1-based) of the demo for occupation ``occ``.

    ``extra_skills`` are required like any picked skill (and listed in ``skills``);
    skills, certificates and soft skills mentioning a ``drop_skills`` term (case-insensitive,
    any ``|`` alternative) are never picked; ``posted`` replaces the random posting date.
    With the defaults the ad is exactly the bundled demo's (no extra random draws).
    """
    return draft_vacancy(
        occ, number, rng, extra_skills=extra_skills, drop_skills=drop_skills, posted=posted
    ).record
