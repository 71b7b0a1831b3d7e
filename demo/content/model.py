"""Typed containers for the hand-written occupation material of the demo market."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PastRole:
    """A previous position as a jobseeker would describe it on a CV."""

    title: str
    description: str


@dataclass(frozen=True)
class Occupation:
    """Everything the generator needs to write ads and CVs for one occupation.

    ``skills`` entries may hold spelling alternatives separated by ``|`` (for example
    ``"Excel|اکسل"``); the generator picks one form per document and records that form.
    The first skill is the defining one: every CV and most ads mention it.
    ``summaries`` are CV summary sentences and may contain the ``{years}`` placeholder.
    ``employers`` are employer-name templates with a ``{brand}`` placeholder that fit any of
    the ``industries``; ``sector_employers`` pair a sector-specific template (a restaurant, a
    hospital) with the one industry it belongs to.
    ``vacancies`` and ``cvs`` are how many documents of each kind the demo holds.
    """

    key: str
    isco_code: str
    titles: tuple[str, ...]
    cv_titles: tuple[str, ...]
    industries: tuple[str, ...]
    employers: tuple[str, ...]
    duties: tuple[str, ...]
    skills: tuple[str, ...]
    education: tuple[str, ...]
    fields: tuple[str, ...]
    experience: tuple[int, int]
    summaries: tuple[str, ...]
    past_roles: tuple[PastRole, ...]
    vacancies: int
    cvs: int
    certificates: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    employment: tuple[str, ...] = ("full_time",)
    genders: tuple[str | None, ...] = (None,)
    seniority: bool = False
    sector_employers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Province:
    """An Iranian province (official Persian name), its cities and its share of the demo."""

    name: str
    weight: int
    cities: tuple[str, ...]
