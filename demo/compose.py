"""Helpers shared by the ad and CV composers: places, employers, degrees, bullets."""

from __future__ import annotations

from collections.abc import Callable
from random import Random

from demo.content import common
from demo.content.model import Occupation, Province
from demo.textutil import pick_form, pick_some


def pick_place(rng: Random, provinces: tuple[Province, ...]) -> tuple[str, str]:
    """A (province, city) pair drawn by the provinces' weights."""
    province = rng.choices(provinces, weights=[p.weight for p in provinces])[0]
    return province.name, rng.choice(province.cities)


def pick_employer(rng: Random, occ: Occupation) -> tuple[str, str]:
    """An invented employer (e.g. «شرکت نرم‌افزاری آرتان داده») and the industry it is in."""
    brand = rng.choice(common.BRANDS_FIRST)
    if rng.random() < 0.7:
        brand += " " + rng.choice(common.BRANDS_SECOND)
    pick = rng.randrange(len(occ.employers) + len(occ.sector_employers))
    if pick < len(occ.employers):
        return occ.employers[pick].format(brand=brand), rng.choice(occ.industries)
    template, industry = occ.sector_employers[pick - len(occ.employers)]
    return template.format(brand=brand), industry


def education_phrase(level: str, field: str | None, rng: Random, labels: tuple[str, ...]) -> str:
    """Write an education requirement or degree, e.g. «کارشناسی مهندسی کامپیوتر»."""
    label = rng.choice(labels)
    if field is None or level == "below_diploma":
        return label
    if level in ("diploma", "associate"):
        field = field.removeprefix("مهندسی ").split(" - ")[0]
    return rng.choice(
        (f"{label} {field}", f"{label} در رشته {field}", f"{label} {field} یا رشته‌های مرتبط")
    )


def pick_skills(occ: Occupation, rng: Random, low: int, high: int, core: float) -> list[str]:
    """Between ``low`` and ``high`` skills of ``occ`` in one spelling each.

    The defining first skill is included with probability ``core``.
    """
    picked = pick_some(occ.skills[1:], rng, low - 1, high - 1)
    if rng.random() < core:
        picked.insert(rng.randint(0, min(1, len(picked))), occ.skills[0])
    return [pick_form(skill, rng) for skill in picked]


def bullet_maker(rng: Random) -> Callable[[list[str]], list[str]]:
    """A list formatter with one bullet style ("-", "•", "*" or numbered) per document."""
    kind = rng.choice(("-", "•", "*", "1.", "1-", "1)"))

    def bullets(items: list[str]) -> list[str]:
        if kind in ("-", "•", "*"):
            return [f"{kind} {item}" for item in items]
        tail = kind[1]
        return [f"{n}{tail} {item}" for n, item in enumerate(items, 1)]

    return bullets
