"""A demo history of job ads over 24 Jalali months (1402-01 .. 1403-12) with planted trends.

The analytics feature needs ads spread over time whose skill shares change in known ways:
:data:`PLANTED` lists skills whose share among the ads of some occupations rises, falls or
stays flat, and brand-new phrases (unknown to the skills gazetteer) that appear from a given
month on. Every history ad is written by :func:`demo.vacancies.make_vacancy` with all the
planted phrases dropped from the occupation's own material, so a planted skill is mentioned
exactly when the planting schedule says so (the shares are dithered, not drawn per ad, so
any stretch of months shows its planted share). Jobseekers are plain demo CVs (no planted
skills), registered over the same 24 months.

``python -m demo.history`` prints how often each planted item appears per month.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from random import Random
from typing import Literal

import jdatetime

from demo.content import OCCUPATIONS, Occupation
from demo.generate import DEFAULT_SEED
from demo.jobseekers import make_jobseeker
from demo.records import JobseekerRecord, VacancyRecord
from demo.vacancies import make_vacancy

TrendKind = Literal["rising", "falling", "stable", "new"]

FIRST_MONTH = (1402, 1)
MONTHS = 24
NOWRUZ_FACTOR = 0.6  # Farvardin (Nowruz holidays) has fewer ads
GROWTH = 0.5  # the last month has 1.5 times the ads of the first (before the Nowruz dip)

_OCCUPATION_KEYS = {occ.key for occ in OCCUPATIONS}


@dataclass(frozen=True)
class PlantedTrend:
    """A skill (or a brand-new phrase) planted in the ads of some occupations.

    ``forms`` are the spellings written in ads, one drawn per ad. ``start_share`` and
    ``end_share`` are the probabilities that an ad of one of ``occupations`` mentions it in the
    first and the last month, linear in between. For ``kind == "new"`` the probability is 0
    before ``first_month`` ("YYYY-MM") and ramps from ``start_share`` there to ``end_share``.
    """

    key: str
    forms: tuple[str, ...]
    occupations: tuple[str, ...]
    kind: TrendKind
    start_share: float
    end_share: float
    first_month: str | None = None

    def share(self, month: str) -> float:
        """The planted probability for an ad of ``month`` ("YYYY-MM") of its occupations."""
        index = month_index(month)
        start = 0 if self.first_month is None else month_index(self.first_month)
        if index < start:
            return 0.0
        span = MONTHS - 1 - start
        progress = (index - start) / span if span else 1.0
        return self.start_share + (self.end_share - self.start_share) * progress


_DEVELOPERS = ("python_backend", "dotnet_java_backend", "frontend", "php_web", "mobile_dev")
_FINANCE = ("accountant", "accounting_associate", "bookkeeping_clerk", "finance_manager")
_OFFICE = ("secretary", "office_clerk", "data_entry", "stock_clerk")
_DESIGN = ("graphic_designer", "digital_marketing")

_RISE = (0.05, 0.6)
_FALL = (0.6, 0.05)
_NEW = (0.05, 0.4)

PLANTED: tuple[PlantedTrend, ...] = (
    # Rising skills of the taxonomy.
    PlantedTrend("moadian", ("سامانه مودیان", "سامانه مؤدیان"), _FINANCE, "rising", *_RISE),
    PlantedTrend(
        "ai_literacy",
        ("مفاهیم هوش مصنوعی", "ابزارهای هوش مصنوعی"),
        (*_DEVELOPERS, "data_analyst", "digital_marketing"),
        "rising",
        *_RISE,
    ),
    PlantedTrend(
        "solar_panels",
        ("نصب پنل خورشیدی", "نصب پنل‌های خورشیدی"),
        # Plumbers fit solar water heaters and their panels too.
        ("building_electrician", "industrial_electrician", "plumber"),
        "rising",
        *_RISE,
    ),
    PlantedTrend(
        "power_bi",
        ("Power BI", "پاور بی آی"),
        ("accountant", "accounting_associate", "finance_manager"),
        "rising",
        *_RISE,
    ),
    # Not Docker: python_backend's duties mention it, and network_admin's VMware is the same
    # taxonomy skill (virtualisation), so its share would not follow the schedule.
    PlantedTrend(
        "devops",
        ("DevOps", "دواپس"),
        ("python_backend", "dotnet_java_backend", "network_admin"),
        "rising",
        *_RISE,
    ),
    PlantedTrend(
        "instagram_content",
        ("تولید محتوا برای اینستاگرام", "تولید محتوای اینستاگرام"),
        ("digital_marketing", "sales_rep", "shop_assistant"),
        "rising",
        *_RISE,
    ),
    # Falling skills of the taxonomy.
    PlantedTrend(
        "icdl",
        ("ICDL", "مهارت‌های ICDL"),
        (*_OFFICE, "accountant", "accounting_associate", "bookkeeping_clerk"),
        "falling",
        *_FALL,
    ),
    PlantedTrend("jquery", ("jQuery", "جی‌کوئری"), _DEVELOPERS, "falling", *_FALL),
    PlantedTrend("coreldraw", ("CorelDRAW", "کورل دراو"), _DESIGN, "falling", *_FALL),
    PlantedTrend(
        "manual_drafting",
        ("نقشه‌کشی دستی", "نقشه کشی دستی"),
        ("draughtsperson", "civil_engineer", "mechanical_engineer"),
        "falling",
        *_FALL,
    ),
    # Stable skills of the taxonomy.
    PlantedTrend(
        "teamwork",
        ("کار تیمی", "روحیه کار تیمی"),
        (*_DEVELOPERS, "sales_manager", "sales_rep", "call_center", "hr_specialist", "nurse"),
        "stable",
        0.3,
        0.3,
    ),
    PlantedTrend(
        "excel", ("Excel", "اکسل"), (*_FINANCE, *_OFFICE, "sales_manager"), "stable", 0.4, 0.4
    ),
    PlantedTrend(
        "ntsw",
        ("سامانه جامع تجارت",),
        ("stock_clerk", "accountant", "accounting_associate", "sales_manager"),
        "stable",
        0.3,
        0.3,
    ),
    PlantedTrend("canva", ("Canva", "کانوا"), _DESIGN, "stable", 0.3, 0.3),
    # Brand-new phrases that nothing in the skills gazetteer knows.
    PlantedTrend(
        "langchain",
        ("LangChain", "langchain"),
        ("python_backend", "data_analyst"),
        "new",
        *_NEW,
        first_month="1403-01",
    ),
    PlantedTrend(
        "prompt_writing",
        ("پرامپت‌نویسی", "پرامپت نویسی"),
        (*_DESIGN, "data_analyst"),
        "new",
        *_NEW,
        first_month="1402-07",
    ),
    PlantedTrend(
        "midjourney", ("Midjourney", "midjourney"), _DESIGN, "new", *_NEW, first_month="1402-10"
    ),
    PlantedTrend("capcut", ("CapCut", "Capcut"), _DESIGN, "new", *_NEW, first_month="1403-01"),
    PlantedTrend(
        "supabase",
        ("Supabase", "supabase"),
        ("frontend", "mobile_dev"),
        "new",
        *_NEW,
        first_month="1403-04",
    ),
    PlantedTrend(
        "instagram_sales",
        ("فروش اینستاگرامی",),
        ("sales_rep", "shop_assistant", "cashier"),
        "new",
        *_NEW,
        first_month="1402-07",
    ),
)

# Every history ad drops all of these from its occupation's own material.
DROPPED_FORMS: tuple[str, ...] = tuple(form for item in PLANTED for form in item.forms)


@dataclass(frozen=True)
class History:
    """The generated history: plain JSON-ready records and the trends planted in them."""

    vacancies: list[VacancyRecord]
    jobseekers: list[JobseekerRecord]
    planted: tuple[PlantedTrend, ...]


def month_label(index: int) -> str:
    """``"YYYY-MM"`` of the ``index``-th month (0-based) of the history."""
    year, month = divmod(FIRST_MONTH[0] * 12 + FIRST_MONTH[1] - 1 + index, 12)
    return f"{year:04d}-{month + 1:02d}"


def month_index(label: str) -> int:
    """The 0-based position of ``"YYYY-MM"`` in the history (may fall outside 0..23)."""
    year, month = (int(part) for part in label.split("-"))
    return (year - FIRST_MONTH[0]) * 12 + month - FIRST_MONTH[1]


MONTH_LABELS: tuple[str, ...] = tuple(month_label(i) for i in range(MONTHS))


def days_in_month(year: int, month: int) -> int:
    """Days of a Jalali month (Esfand has 30 days in leap years)."""
    if month == 12:
        return 30 if jdatetime.date(year, 1, 1).isleap() else 29
    return int(jdatetime.j_days_in_month[month - 1])


def monthly_volumes(total: int) -> list[int]:
    """Ads per month: linear growth with a Nowruz dip in Farvardin, summing to ``total``."""
    weights = [
        (1 + GROWTH * i / (MONTHS - 1)) * (NOWRUZ_FACTOR if month_label(i).endswith("-01") else 1)
        for i in range(MONTHS)
    ]
    exact = [total * w / sum(weights) for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(MONTHS), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _check_planted(planted: Sequence[PlantedTrend]) -> None:
    for item in planted:
        unknown = set(item.occupations) - _OCCUPATION_KEYS
        if unknown:
            raise ValueError(f"{item.key}: unknown occupations {sorted(unknown)}")


def generate_history(
    seed: int = DEFAULT_SEED, vacancies: int = 6000, jobseekers: int = 1500
) -> History:
    """Compose the history's ads month by month (ids in posting order) and its CVs."""
    _check_planted(PLANTED)
    plan = Random(f"history:{seed}")
    writer = Random(f"history-vacancies:{seed}")
    vacancy_weights = [occ.vacancies for occ in OCCUPATIONS]
    credit = {item.key: plan.random() for item in PLANTED}
    ads: list[VacancyRecord] = []
    for index, count in enumerate(monthly_volumes(vacancies)):
        label = month_label(index)
        year, month = (int(part) for part in label.split("-"))
        last_day = days_in_month(year, month)
        days = sorted(plan.randint(1, last_day) for _ in range(count))
        for day in days:
            occ = plan.choices(OCCUPATIONS, weights=vacancy_weights)[0]
            extra = _draw_planted(occ, label, credit, plan)
            record = make_vacancy(
                occ,
                len(ads) + 1,
                writer,
                extra_skills=extra,
                drop_skills=DROPPED_FORMS,
                posted=jdatetime.date(year, month, day),
            )
            record["id"] = f"h-v{len(ads) + 1:05d}"
            ads.append(record)
    cvs = _jobseekers(seed, jobseekers)
    return History(vacancies=ads, jobseekers=cvs, planted=PLANTED)


def _draw_planted(occ: Occupation, month: str, credit: dict[str, float], rng: Random) -> list[str]:
    """The planted forms of one ad of ``occ`` posted in ``month``.

    Each item's share is dithered rather than drawn independently per ad: the item's credit
    grows by its share with every ad of its occupations and the ad carries the item when the
    credit passes 1. So any run of ads carries it in its planted share (up to one ad), the
    trends are clear even in small occupations, and which ads carry it still depends on the
    random order of occupations and on each item's random starting credit.
    """
    extra: list[str] = []
    for item in PLANTED:
        if occ.key not in item.occupations:
            continue
        credit[item.key] += item.share(month)
        if credit[item.key] >= 1:
            credit[item.key] -= 1
            extra.append(rng.choice(item.forms))
    return extra


def _jobseekers(seed: int, count: int) -> list[JobseekerRecord]:
    rng = Random(f"history-jobseekers:{seed}")
    weights = [occ.cvs for occ in OCCUPATIONS]
    records: list[JobseekerRecord] = []
    for number in range(1, count + 1):
        occ = rng.choices(OCCUPATIONS, weights=weights)[0]
        record = make_jobseeker(occ, number, rng)
        record["id"] = f"h-j{number:05d}"
        records.append(record)
    return records


def planted_counts(history: History, item: PlantedTrend) -> dict[str, tuple[int, int]]:
    """Per month: (ads that list ``item`` among their skills, ads of its occupations).

    The occupations are told apart by the ISCO code, so occupations sharing a code with a
    planted one count among the ads.
    """
    codes = {occ.isco_code for occ in OCCUPATIONS if occ.key in item.occupations}
    forms = set(item.forms)
    counts = {label: [0, 0] for label in MONTH_LABELS}
    for ad in history.vacancies:
        if ad["isco_code"] in codes:
            cell = counts[ad["posted_at"][:7]]
            cell[1] += 1
            cell[0] += bool(forms & set(ad["skills"]))
    return {label: (hit, total) for label, (hit, total) in counts.items()}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    history = generate_history(args.seed)
    volumes = [sum(ad["posted_at"].startswith(m) for ad in history.vacancies) for m in MONTH_LABELS]
    print(f"{'month':<18}" + " ".join(m[2:] for m in MONTH_LABELS))
    print(f"{'ads':<18}" + " ".join(f"{v:5d}" for v in volumes))
    for item in history.planted:
        counts = planted_counts(history, item)
        row = " ".join(f"{counts[m][0]:5d}" for m in MONTH_LABELS)
        print(f"{item.key[:12]:<12} {item.kind[:5]:<5}" + row)
    print(f"{len(history.vacancies)} ads, {len(history.jobseekers)} CVs")


if __name__ == "__main__":
    main()
