"""Record shapes and value sets of the bundled demo data."""

from __future__ import annotations

from typing import Final, TypedDict

EDUCATION_LEVELS: Final = (
    "below_diploma",
    "diploma",
    "associate",
    "bachelor",
    "master",
    "doctorate",
)
EMPLOYMENT_TYPES: Final = ("full_time", "part_time", "remote", "project")
STYLES: Final = ("form", "narrative", "bullets")
GENDERS: Final = ("male", "female")

VACANCY_KEYS: Final = (
    "id",
    "title",
    "text",
    "employer",
    "province",
    "city",
    "isco_code",
    "min_experience_years",
    "education",
    "skills",
    "employment_type",
    "gender",
    "posted_at",
    "style",
)
JOBSEEKER_KEYS: Final = (
    "id",
    "title",
    "text",
    "province",
    "city",
    "isco_code",
    "experience_years",
    "education",
    "skills",
    "registered_at",
    "style",
)


class VacancyRecord(TypedDict):
    """One job ad. ``skills`` are spelled as the ad wrote them, before orthographic noise."""

    id: str
    title: str
    text: str
    employer: str
    province: str
    city: str
    isco_code: str
    min_experience_years: int | None
    education: str | None
    skills: list[str]
    employment_type: str
    gender: str | None
    posted_at: str
    style: str


class JobseekerRecord(TypedDict):
    """One CV. ``skills`` are spelled as the CV wrote them, before orthographic noise."""

    id: str
    title: str
    text: str
    province: str
    city: str
    isco_code: str
    experience_years: int
    education: str
    skills: list[str]
    registered_at: str
    style: str
