"""Compose one demo CV (jobseeker profile) from an occupation's material."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

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
from demo.records import JobseekerRecord
from demo.textutil import (
    is_credential,
    is_latin_start,
    join_fa,
    join_list,
    merge_credentials,
    pick_some,
)

_HEADINGS_FA = {
    "summary": ("درباره من:", "خلاصه:", "معرفی:"),
    "experience": ("سوابق کاری:", "سابقه کار:", "تجربیات کاری:"),
    "education": ("تحصیلات:", "سوابق تحصیلی:"),
    "skills": ("مهارت‌ها:", "مهارت‌های فنی:", "توانمندی‌ها:"),
    "certificates": ("دوره‌ها و گواهینامه‌ها:", "گواهینامه‌ها:", "مدارک:"),
}
_HEADINGS_EN = {
    "summary": ("Summary:", "About me:"),
    "experience": ("Experience:", "Work Experience:"),
    "education": ("Education:",),
    "skills": ("Skills:",),
    "certificates": ("Certificates:", "Courses:"),
}
_LANGUAGES = (
    "زبان انگلیسی: متوسط",
    "زبان انگلیسی: خوب (Reading & Writing)",
    "English: Upper-Intermediate",
    "آشنایی با زبان انگلیسی در حد مطالعه متون فنی",
)


@dataclass(frozen=True)
class _Job:
    title: str
    employer: str
    start: int
    end: str
    description: str
    duties: list[str]


@dataclass(frozen=True)
class _CV:
    occupation: Occupation
    headline: str
    province: str
    city: str
    years: int
    education: str
    education_line: str
    skills: list[str]
    certificates: list[str]
    jobs: list[_Job]
    training: list[str]
    summary: str
    goal: str
    soft: list[str]
    extras: list[str]
    employment_label: str
    english: bool
    registered: str


def _degree_labels(level: str) -> tuple[str, ...]:
    labels = tuple(x for x in common.EDUCATION_LABELS[level] if not x.startswith("حداقل"))
    return labels or common.EDUCATION_LABELS[level]


def _education_line(occ: Occupation, level: str, year: int, rng: Random) -> str:
    field = rng.choice(occ.fields) if occ.fields and rng.random() < 0.85 else None
    degree = education_phrase(level, field, rng, _degree_labels(level))
    degree = degree.replace(" یا رشته‌های مرتبط", "")
    if level == "below_diploma":
        return degree
    place = rng.choice(common.SCHOOLS if level == "diploma" else common.UNIVERSITIES)
    return rng.choice((f"{degree} - {place} ({year})", f"{degree}، {place}", f"{degree} ({year})"))


def _jobs(occ: Occupation, years: int, now: int, rng: Random) -> list[_Job]:
    if years == 0:
        return []
    count = rng.randint(1, min(3, years, len(occ.past_roles)))
    roles = rng.sample(list(occ.past_roles), count)
    cuts = sorted(rng.sample(range(1, years), count - 1)) if count > 1 else []
    spans = [b - a for a, b in zip([0, *cuts], [*cuts, years], strict=True)]
    spare_duties = rng.sample(list(occ.duties), min(len(occ.duties), 2 * count))
    jobs: list[_Job] = []
    end = now if rng.random() < 0.5 else now - rng.randint(0, 1)
    ongoing = end == now and rng.random() < 0.7
    for i, (role, span) in enumerate(zip(roles, spans, strict=True)):
        start = end - span
        label = "تاکنون" if (i == 0 and ongoing) else str(end)
        jobs.append(
            _Job(
                title=role.title,
                employer=pick_employer(rng, occ)[0],
                start=start,
                end=label,
                description=role.description,
                duties=spare_duties[2 * i : 2 * i + rng.randint(0, 2)],
            )
        )
        end = start
    return jobs


def _facts(occ: Occupation, rng: Random, provinces: tuple[Province, ...]) -> _CV:
    province, city = pick_place(rng, provinces)
    registered = random_date(rng)
    low, high = occ.experience
    years = rng.randint(max(0, low - 1), high + 3)
    level = rng.choice(occ.education)
    graduated = registered.year - years - rng.randint(0, 3)
    picked = pick_skills(occ, rng, 4, 8, core=1.0)
    extra = pick_some(occ.certificates, rng, 1, 2) if rng.random() < 0.55 else []
    certificates = merge_credentials(picked, extra)
    skills = [s for s in picked if not is_credential(s)]
    field = rng.choice(occ.fields) if occ.fields else "مرتبط"
    headline = rng.choice(occ.cv_titles)
    if years > 0:
        summary = rng.choice(occ.summaries).format(years=years)
    else:
        summary = rng.choice(common.CV_FRESH).format(field=field, title=headline)
    english = any(is_latin_start(t) for t in occ.titles) and rng.random() < 0.35
    extras = pick_some(common.CV_PERSONAL, rng, 0, 2)
    if english or (rng.random() < 0.2 and level in ("bachelor", "master")):
        extras.append(rng.choice(_LANGUAGES))
    return _CV(
        occupation=occ,
        headline=headline,
        province=province,
        city=city,
        years=years,
        education=level,
        education_line=_education_line(occ, level, graduated, rng),
        skills=skills,
        certificates=certificates,
        jobs=_jobs(occ, years, registered.year, rng),
        training=pick_some(occ.duties, rng, 2, 3) if years == 0 else [],
        summary=summary,
        goal=rng.choice(common.CV_GOALS),
        soft=pick_some(common.SOFT_SKILLS, rng, 1, 3),
        extras=extras,
        employment_label=rng.choice(common.EMPLOYMENT_LABELS[rng.choice(occ.employment)]),
        english=english,
        registered=iso(registered),
    )


def _years_text(years: int) -> str:
    return f"{years} سال" if years else "بدون سابقه (تازه‌کار)"


def _render_form(cv: _CV, rng: Random) -> str:
    colon = rng.choice((": ", ": ", " : "))
    lines = [
        rng.choice(("عنوان شغلی مورد نظر", "شغل مورد نظر", "عنوان")) + colon + cv.headline,
        "سابقه کار" + colon + _years_text(cv.years),
    ]
    if cv.jobs:
        job = cv.jobs[0]
        lines.append(f"آخرین سمت{colon}{job.title} - {job.employer} ({job.start} تا {job.end})")
        lines.append("شرح کار" + colon + job.description)
    if cv.training:
        lines.append("کارآموزی" + colon + join_fa(cv.training))
    lines.append(rng.choice(("تحصیلات", "مدرک تحصیلی", "آخرین مدرک")) + colon + cv.education_line)
    lines.append(
        rng.choice(("مهارت‌ها", "مهارت‌های فنی", "Skills")) + colon + join_list(cv.skills, rng)
    )
    if cv.certificates:
        lines.append(
            rng.choice(("گواهینامه‌ها", "مدارک و دوره‌ها")) + colon + join_list(cv.certificates, rng)
        )
    lines.append(rng.choice(("محل سکونت", "شهر محل زندگی")) + colon + f"{cv.province}، {cv.city}")
    lines.append(rng.choice(("نوع همکاری درخواستی", "نوع همکاری")) + colon + cv.employment_label)
    lines += cv.extras
    if rng.random() < 0.5 or len(" ".join(lines).split()) < 50:
        lines.append(cv.summary)
    if len(" ".join(lines).split()) < 45:
        lines.append(cv.goal)
    return "\n".join(lines)


def _render_narrative(cv: _CV, rng: Random) -> str:
    opener = "" if cv.summary[0].isascii() else rng.choice(("اینجانب ", "من ", ""))
    parts = [opener + cv.summary]
    for job in cv.jobs:
        sentence = (
            f"از سال {job.start} تا {job.end} به‌عنوان {job.title} در {job.employer} "
            f"مشغول به کار بوده‌ام و مسئولیت {job.description} را بر عهده داشتم"
        )
        if job.duties:
            sentence += "؛ همچنین " + join_fa(job.duties) + " از وظایف من بود"
        parts.append(sentence + ".")
    if cv.training:
        parts.append(f"در دوره کارآموزی و پروژه‌های دانشجویی با {join_fa(cv.training)} آشنا شده‌ام.")
    parts.append(
        rng.choice(("مدرک تحصیلی من {} است.", "تحصیلات: {}.", "دارای مدرک {} هستم.")).format(
            cv.education_line
        )
    )
    core, rest = cv.skills[:3], cv.skills[3:]
    skill_text = f"به {join_fa(core)} تسلط دارم"
    if rest:
        skill_text += f" و با {join_fa(rest)} نیز کار کرده‌ام"
    parts.append(skill_text + ".")
    if cv.certificates:
        parts.append(f"دارای {join_fa(cv.certificates)} هستم.")
    parts.append(f"از نقاط قوت من می‌توانم به {join_fa(cv.soft)} اشاره کنم.")
    parts.append(f"ساکن {cv.city} ({cv.province}) هستم و متقاضی همکاری {cv.employment_label}.")
    parts.append(cv.goal)
    text = " ".join(parts)
    if cv.extras and rng.random() < 0.5:
        text += "\n" + "\n".join(cv.extras)
    return text


def _render_bullets(cv: _CV, rng: Random) -> str:
    bullets = bullet_maker(rng)
    heads = _HEADINGS_EN if cv.english else _HEADINGS_FA
    lines = [cv.headline, f"{cv.city} - {cv.province}"]
    lines += [rng.choice(heads["summary"]), cv.summary + " " + cv.goal]
    if cv.jobs:
        lines.append(rng.choice(heads["experience"]))
        items: list[str] = []
        for job in cv.jobs:
            items.append(
                f"{job.title} | {job.employer} | {job.start} - {job.end}: {job.description}"
            )
            items += job.duties
        lines += bullets(items)
    if cv.training:
        lines.append("کارآموزی و پروژه‌ها:" if not cv.english else "Internship & Projects:")
        lines += bullets(cv.training)
    lines.append(rng.choice(heads["education"]))
    lines += bullets([cv.education_line])
    lines.append(rng.choice(heads["skills"]))
    lines += bullets(cv.skills + cv.soft[:1])
    if cv.certificates:
        lines.append(rng.choice(heads["certificates"]))
        lines += bullets(cv.certificates)
    lines += cv.extras
    return "\n".join(lines)


_RENDERERS = {"form": _render_form, "narrative": _render_narrative, "bullets": _render_bullets}


@dataclass(frozen=True)
class JobseekerDraft:
    """A composed CV with its clean headline and the split of the skills ``skills`` merges.

    ``skills`` and ``certificates`` hold the spellings the CV used (before orthographic
    noise); ``headline`` is the title before noise.
    """

    record: JobseekerRecord
    headline: str
    skills: tuple[str, ...]
    certificates: tuple[str, ...]


def draft_jobseeker(
    occ: Occupation,
    number: int,
    rng: Random,
    *,
    provinces: tuple[Province, ...] = common.PROVINCES,
) -> JobseekerDraft:
    """Like :func:`make_jobseeker`, also returning the headline and the skill split.

    ``provinces`` replaces the demo's table of places (and their weights). With the default
    the record is exactly ``make_jobseeker(occ, number, rng)``'s for the same ``rng`` state.
    """
    cv = _facts(occ, rng, provinces)
    style = rng.choices(("form", "narrative", "bullets"), weights=(30, 35, 35))[0]
    text = _RENDERERS[style](cv, rng)
    noise = draw_noise(rng)
    record = JobseekerRecord(
        id=f"js{number:04d}",
        title=apply_noise(cv.headline, noise, rng),
        text=apply_noise(text, noise, rng),
        province=cv.province,
        city=cv.city,
        isco_code=occ.isco_code,
        experience_years=cv.years,
        education=cv.education,
        skills=list(dict.fromkeys(cv.skills + cv.certificates)),
        registered_at=cv.registered,
        style=style,
    )
    return JobseekerDraft(
        record=record,
        headline=cv.headline,
        skills=tuple(cv.skills),
        certificates=tuple(cv.certificates),
    )


def make_jobseeker(occ: Occupation, number: int, rng: Random) -> JobseekerRecord:
    """Write the ``number``-th CV (1-based) of the demo for occupation ``occ``."""
    return draft_jobseeker(occ, number, rng).record
