"""The plain records that travel between the store, the matcher and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

# Where a record's ``isco_code`` came from: with the record (an office or source system coded
# it), the coder's auto-coding, or a person's decision on its title (karyab.coding_review).
# Only the last two are re-coded when the coder, its cut or a decision changes.
IscoSource = Literal["given", "coder", "decision"]
ISCO_SOURCES: tuple[IscoSource, ...] = ("given", "coder", "decision")


class Education(StrEnum):
    """Highest completed level, ordered from lowest to highest."""

    below_diploma = "below_diploma"
    diploma = "diploma"
    associate = "associate"
    bachelor = "bachelor"
    master = "master"
    doctorate = "doctorate"

    @property
    def rank(self) -> int:
        return list(Education).index(self)

    @property
    def label_fa(self) -> str:
        return _EDUCATION_FA[self]


_EDUCATION_FA = {
    Education.below_diploma: "زیر دیپلم",
    Education.diploma: "دیپلم",
    Education.associate: "کاردانی",
    Education.bachelor: "کارشناسی",
    Education.master: "کارشناسی ارشد",
    Education.doctorate: "دکتری",
}


@dataclass(frozen=True)
class Vacancy:
    id: str
    title: str
    text: str
    province: str | None = None
    city: str | None = None
    employer: str | None = None
    isco_code: str | None = None
    # The coder's best code where it abstained: not shown as the record's occupation, but
    # the first stage of matching searches that occupation group too.
    isco_guess: str | None = None
    isco_source: IscoSource | None = None  # None: coded before sources were kept, or uncoded
    min_experience_years: int | None = None
    education: Education | None = None
    skills: tuple[str, ...] = ()
    # Taxonomy skills found in the text and the declared skills (explicit and implicit).
    skill_ids: tuple[str, ...] = ()
    # Requirement phrases no taxonomy skill matched: counted by analytics as new skills.
    unmatched_phrases: tuple[str, ...] = ()
    employment_type: str | None = None
    gender: str | None = None
    posted_at: str | None = None

    def document(self) -> str:
        """The text that is embedded and searched."""
        return f"{self.title}\n{self.text}".strip()

    def attributes(self) -> dict[str, str | int | float | None]:
        """The fields search filters act on."""
        return {
            "province": self.province,
            "city": self.city,
            "isco_code": self.isco_code,
            "min_experience_years": self.min_experience_years,
            "education_rank": self.education.rank if self.education else None,
            "remote": int(self.employment_type == "remote"),
            "isco_minor": _minor(self.isco_code or self.isco_guess),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Vacancy:
        return cls(
            id=str(data["id"]),
            title=str(data.get("title") or ""),
            text=str(data.get("text") or ""),
            province=data.get("province"),
            city=data.get("city"),
            employer=data.get("employer"),
            isco_code=data.get("isco_code"),
            isco_guess=data.get("isco_guess"),
            isco_source=_isco_source(data.get("isco_source")),
            min_experience_years=data.get("min_experience_years"),
            education=Education(data["education"]) if data.get("education") else None,
            skills=tuple(data.get("skills") or ()),
            skill_ids=tuple(data.get("skill_ids") or ()),
            unmatched_phrases=tuple(data.get("unmatched_phrases") or ()),
            employment_type=data.get("employment_type"),
            gender=data.get("gender"),
            posted_at=data.get("posted_at"),
        )


@dataclass(frozen=True)
class Jobseeker:
    id: str
    title: str
    text: str
    province: str | None = None
    city: str | None = None
    isco_code: str | None = None
    isco_guess: str | None = None  # as for Vacancy
    isco_source: IscoSource | None = None  # as for Vacancy
    experience_years: int | None = None
    education: Education | None = None
    skills: tuple[str, ...] = ()
    skill_ids: tuple[str, ...] = ()
    registered_at: str | None = None

    def document(self) -> str:
        return f"{self.title}\n{self.text}".strip()

    def attributes(self) -> dict[str, str | int | float | None]:
        return {
            "province": self.province,
            "city": self.city,
            "isco_code": self.isco_code,
            "isco_minor": _minor(self.isco_code or self.isco_guess),
            "experience_years": self.experience_years,
            "education_rank": self.education.rank if self.education else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Jobseeker:
        return cls(
            id=str(data["id"]),
            title=str(data.get("title") or ""),
            text=str(data.get("text") or ""),
            province=data.get("province"),
            city=data.get("city"),
            isco_code=data.get("isco_code"),
            isco_guess=data.get("isco_guess"),
            isco_source=_isco_source(data.get("isco_source")),
            experience_years=data.get("experience_years"),
            education=Education(data["education"]) if data.get("education") else None,
            skills=tuple(data.get("skills") or ()),
            skill_ids=tuple(data.get("skill_ids") or ()),
            registered_at=data.get("registered_at"),
        )


@dataclass(frozen=True)
class Match:
    """One ranked result, in either direction, with the evidence for it."""

    id: str
    title: str
    score: float
    rank: int
    province: str | None = None
    city: str | None = None
    occupation: str | None = None
    matched_skills: tuple[str, ...] = ()
    missing_skills: tuple[str, ...] = ()
    explanation: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def _minor(code: str | None) -> str | None:
    """The 3-digit ISCO minor group the first stage's occupation tier searches."""
    return code[:3] if code else None


def _isco_source(value: object) -> IscoSource | None:
    return value if value in ISCO_SOURCES else None
