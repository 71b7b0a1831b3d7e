"""The hidden facts of one generated document, from which relevance is computed.

Systems under evaluation never see these: the visible records carry neither the occupation
code nor the skill lists. A vacancy's facts are those its ad was composed from; a jobseeker's
are those its CV states (the skills its CV mentions, its years, education and place).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

DocumentKind = Literal["vacancy", "jobseeker"]


@dataclass(frozen=True)
class DocumentTruth:
    """Hidden facts of one vacancy or CV.

    ``skills``: every canonical skill the document mentions (a CV: the skills and certificates
    it lists). For a vacancy these split into ``essential_skills`` (required),
    ``optional_skills`` (an advantage) and ``certificates`` (licences and certificates asked
    for); a CV's ``certificates`` are the ones it holds and its ``essential_skills`` and
    ``optional_skills`` are empty.
    ``years``: a vacancy's minimum years of experience (``None`` when the ad states none), a
    jobseeker's years of experience. ``education``: a vacancy's minimum level (``None`` when
    not stated), a jobseeker's level (one of :data:`demo.records.EDUCATION_LEVELS`).
    ``remote``: the vacancy is a remote job (always ``False`` for a CV).
    ``style``: how the text was written (the demo's ``form``/``narrative``/``bullets`` or an
    untuned style); it plays no part in relevance.
    """

    id: str
    kind: DocumentKind
    occupation: str
    isco_code: str
    skills: tuple[str, ...]
    essential_skills: tuple[str, ...]
    optional_skills: tuple[str, ...]
    certificates: tuple[str, ...]
    years: int | None
    education: str | None
    province: str
    city: str
    remote: bool
    employment_type: str | None
    style: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists)."""
        data = asdict(self)
        for key in ("skills", "essential_skills", "optional_skills", "certificates"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentTruth:
        kind = data["kind"]
        if kind not in ("vacancy", "jobseeker"):
            raise ValueError(f"unknown document kind {kind!r}")
        return cls(
            id=str(data["id"]),
            kind=kind,
            occupation=str(data["occupation"]),
            isco_code=str(data["isco_code"]),
            skills=tuple(data["skills"]),
            essential_skills=tuple(data["essential_skills"]),
            optional_skills=tuple(data["optional_skills"]),
            certificates=tuple(data["certificates"]),
            years=data["years"],
            education=data["education"],
            province=str(data["province"]),
            city=str(data["city"]),
            remote=bool(data["remote"]),
            employment_type=data["employment_type"],
            style=str(data["style"]),
        )
