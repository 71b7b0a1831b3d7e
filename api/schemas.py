"""Request and response models at the HTTP edge (``ThingCreate`` / ``ThingPublic``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

import jdatetime
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from karyab.records import Education, IscoSource, Jobseeker, Match, Vacancy
from storage.schema import ApplicationStatus
from storage.sql_store import Application

MAX_TEXT_CHARS = 50_000
MAX_TITLE_CHARS = 500
MAX_SKILLS = 200
SkillLabel = Annotated[str, StringConstraints(min_length=1, max_length=200)]

_IsoCode = Field(default=None, pattern=r"^\d{4}$", description="ISCO-08 unit group, 4 digits")


def _jalali_date(value: str | None) -> str | None:
    """A real Jalali calendar day (the pattern lets 1402-13-40 through)."""
    if value is None:
        return None
    year, month, day = (int(part) for part in value.split("-"))
    try:
        jdatetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"{value} is not a day of the Jalali calendar") from None
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or whitespace only")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class _ProfileBase(_Strict):
    id: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="The caller's id; generated when omitted. Posting an existing id replaces it.",
    )
    title: str = Field(min_length=1, max_length=MAX_TITLE_CHARS)
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    province: str | None = Field(default=None, max_length=100)
    city: str | None = Field(default=None, max_length=100)
    isco_code: str | None = _IsoCode
    education: Education | None = None
    skills: list[SkillLabel] = Field(default_factory=list, max_length=MAX_SKILLS)

    _check_title = field_validator("title", "text")(_not_blank)


class JobseekerCreate(_ProfileBase):
    experience_years: int | None = Field(default=None, ge=0, le=70)
    registered_at: str | None = Field(default=None, pattern=r"^1[34]\d\d-\d\d-\d\d$")
    _check_registered = field_validator("registered_at")(_jalali_date)

    def to_record(self, record_id: str) -> Jobseeker:
        return Jobseeker(
            id=record_id,
            title=self.title,
            text=self.text,
            province=self.province,
            city=self.city,
            isco_code=self.isco_code,
            experience_years=self.experience_years,
            education=self.education,
            skills=tuple(self.skills),
            registered_at=self.registered_at,
        )


class VacancyCreate(_ProfileBase):
    employer: str | None = Field(default=None, max_length=300)
    min_experience_years: int | None = Field(default=None, ge=0, le=70)
    employment_type: Literal["full_time", "part_time", "remote", "project"] | None = None
    gender: Literal["male", "female"] | None = None
    posted_at: str | None = Field(default=None, pattern=r"^1[34]\d\d-\d\d-\d\d$")
    _check_posted = field_validator("posted_at")(_jalali_date)

    def to_record(self, record_id: str) -> Vacancy:
        return Vacancy(
            id=record_id,
            title=self.title,
            text=self.text,
            province=self.province,
            city=self.city,
            employer=self.employer,
            isco_code=self.isco_code,
            min_experience_years=self.min_experience_years,
            education=self.education,
            skills=tuple(self.skills),
            employment_type=self.employment_type,
            gender=self.gender,
            posted_at=self.posted_at,
        )


class JobseekerPublic(BaseModel):
    id: str
    title: str
    text: str
    province: str | None
    city: str | None
    isco_code: str | None
    isco_source: IscoSource | None = Field(
        default=None,
        description="Where isco_code came from: given (with the record), coder (auto-coded) "
        "or decision (a person coded its title); null without a code",
    )
    experience_years: int | None
    education: Education | None
    skills: list[str]
    skill_ids: list[str] = Field(
        description="Taxonomy skills found in the text and the declared skills (ESCO URIs or "
        "karyab:skill/... ids)"
    )
    registered_at: str | None

    @classmethod
    def of(cls, record: Jobseeker) -> JobseekerPublic:
        return cls.model_validate(
            {**asdict(record), "skills": list(record.skills), "skill_ids": list(record.skill_ids)}
        )


class VacancyPublic(BaseModel):
    id: str
    title: str
    text: str
    province: str | None
    city: str | None
    employer: str | None
    isco_code: str | None
    isco_source: IscoSource | None = Field(
        default=None,
        description="Where isco_code came from: given (with the record), coder (auto-coded) "
        "or decision (a person coded its title); null without a code",
    )
    min_experience_years: int | None
    education: Education | None
    skills: list[str]
    skill_ids: list[str] = Field(
        description="Taxonomy skills found in the text and the declared skills (ESCO URIs or "
        "karyab:skill/... ids)"
    )
    employment_type: str | None
    gender: str | None
    posted_at: str | None

    @classmethod
    def of(cls, record: Vacancy) -> VacancyPublic:
        return cls.model_validate(
            {**asdict(record), "skills": list(record.skills), "skill_ids": list(record.skill_ids)}
        )


class MatchFilters(_Strict):
    province: str | None = Field(default=None, max_length=100)
    city: str | None = Field(default=None, max_length=100)
    min_experience_years: int | None = Field(default=None, ge=0, le=70)
    min_education: Education | None = None
    isco_code: str | None = _IsoCode


class MatchRequest(_Strict):
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    kind: Literal["cv", "vacancy"] = Field(
        description="`cv` returns vacancies for the text; `vacancy` returns jobseekers."
    )
    k: int = Field(default=10, ge=1, le=200)
    filters: MatchFilters | None = None

    _check_text = field_validator("text")(_not_blank)


class MatchPublic(BaseModel):
    id: str
    title: str
    score: float = Field(description="Cosine similarity; compare within one result list only.")
    rank: int
    province: str | None
    city: str | None
    occupation: str | None = Field(description="ISCO-08 code of the matched record, if known")
    matched_skills: list[str]
    missing_skills: list[str]
    explanation: str
    details: dict[str, Any]

    @classmethod
    def of(cls, match: Match) -> MatchPublic:
        return cls(
            id=match.id,
            title=match.title,
            score=round(match.score, 6),
            rank=match.rank,
            province=match.province,
            city=match.city,
            occupation=match.occupation,
            matched_skills=list(match.matched_skills),
            missing_skills=list(match.missing_skills),
            explanation=match.explanation,
            details=match.details,
        )


class MatchResponse(BaseModel):
    results: list[MatchPublic]


class Health(BaseModel):
    status: Literal["ok"]
    encoder: str
    vacancies: int
    jobseekers: int
    # "exact" or "ivf_sq8" per side (see index.vector_index).
    search: dict[str, str] = Field(default_factory=dict)


class ErrorBody(BaseModel):
    error: str
    message: str
    detail: Any = None


_RecordId = Annotated[str, StringConstraints(min_length=1, max_length=128)]


class ApplicationUpdate(_Strict):
    """Where a jobseeker stands for a vacancy, as the office decided."""

    jobseeker_id: _RecordId
    vacancy_id: _RecordId
    status: ApplicationStatus
    organisation_id: int | None = Field(default=None, ge=1, le=2**53)


class ApplicationPublic(BaseModel):
    jobseeker_id: str
    vacancy_id: str
    status: str
    organisation_id: int | None
    updated_at: str

    @classmethod
    def of(cls, application: Application) -> ApplicationPublic:
        return cls(
            jobseeker_id=application.jobseeker_id,
            vacancy_id=application.vacancy_id,
            status=application.status,
            organisation_id=application.organisation_id,
            updated_at=application.updated_at.isoformat(),
        )


class ApplicationList(BaseModel):
    applications: list[ApplicationPublic]


class ApplicationEventPublic(BaseModel):
    jobseeker_id: str
    vacancy_id: str
    status: str
    previous_status: str | None
    at: str
    actor: str


class ApplicationEventList(BaseModel):
    events: list[ApplicationEventPublic]


class VacancySummary(BaseModel):
    """A vacancy in a list: enough to pick it, without its text."""

    id: str
    title: str
    province: str | None
    city: str | None
    employer: str | None
    isco_code: str | None
    min_experience_years: int | None
    education: Education | None
    posted_at: str | None

    @classmethod
    def of(cls, record: Vacancy) -> VacancySummary:
        return cls(
            id=record.id,
            title=record.title,
            province=record.province,
            city=record.city,
            employer=record.employer,
            isco_code=record.isco_code,
            min_experience_years=record.min_experience_years,
            education=record.education,
            posted_at=record.posted_at,
        )


class VacancyList(BaseModel):
    total: int = Field(description="vacancies matching the filters, over every page")
    vacancies: list[VacancySummary]
