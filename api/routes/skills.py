from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field, StringConstraints

from api.auth import EVERY_ROLE, allow
from api.errors import error_response
from api.routing import Utf8Route
from api.schemas import MAX_TEXT_CHARS

router = APIRouter(
    prefix="/v1/skills",
    tags=["skills"],
    route_class=Utf8Route,
    dependencies=[Depends(allow(*EVERY_ROLE))],
)

MAX_BATCH = 100
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)]


class InferRequest(BaseModel):
    texts: list[Text] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="Vacancy texts or CVs (at most 100 per request). An empty text gets an "
        "empty skill list.",
    )
    top_k: int = Field(default=20, ge=1, le=100)
    isco_codes: list[Annotated[str, StringConstraints(pattern=r"^\d{4}$")] | None] | None = Field(
        default=None,
        description="Known ISCO-08 unit group per text (same length as texts); texts without "
        "one are coded by the occupation coder when it is loaded.",
    )


class SkillPublic(BaseModel):
    id: str = Field(description="ESCO URI, or karyab:skill/... for the project's own skills")
    label_fa: str
    label_en: str
    labels: list[str] = Field(description="Every surface form, Persian and English")
    score: float
    source: Literal["explicit", "implicit", "occupation"]
    evidence: str | None = Field(
        description="The words that name the skill (explicit), the sentence that implies it "
        "(implicit), or the occupation it comes from (occupation)"
    )


class InferredText(BaseModel):
    skills: list[SkillPublic]


class InferResponse(BaseModel):
    results: list[InferredText]


@router.post("/infer", response_model=InferResponse)
def infer_skills(body: InferRequest, request: Request) -> object:
    """Skills of each text, ranked, each with its source and evidence."""
    from skills.inference import OccupationHint

    inferencer = request.app.state.engine.skills
    if inferencer is None:
        return error_response(503, "unavailable", "skills inference is not loaded")
    if body.isco_codes is not None and len(body.isco_codes) != len(body.texts):
        return error_response(
            422, "invalid_request", "isco_codes must have one entry per text (or be omitted)"
        )
    codes = body.isco_codes or [None] * len(body.texts)
    unknown = [c for c in codes if c and inferencer.isco is not None and c not in inferencer.isco]
    if unknown:
        return error_response(422, "invalid_request", f"not ISCO-08 codes: {sorted(set(unknown))}")
    hints = [OccupationHint(code, 1.0) if code else None for code in codes]
    found = inferencer.infer_many(body.texts, top_k=body.top_k, occupations=hints)
    return InferResponse(
        results=[
            InferredText(skills=[SkillPublic.model_validate(s.to_dict()) for s in skills])
            for skills in found
        ]
    )
