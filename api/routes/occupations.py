from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field, StringConstraints

from api.auth import EVERY_ROLE, allow
from api.errors import error_response
from api.routing import Utf8Route
from api.schemas import MAX_TEXT_CHARS

router = APIRouter(
    prefix="/v1/occupations",
    tags=["occupations"],
    route_class=Utf8Route,
    dependencies=[Depends(allow(*EVERY_ROLE))],
)

MAX_BATCH = 1000
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)]


class CodeRequest(BaseModel):
    texts: list[Text] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="Job titles, vacancy texts or CVs (at most 1,000 per request).",
    )
    top_k: int = Field(default=5, ge=1, le=20)


class OccupationPublic(BaseModel):
    code: str
    title_fa: str
    title_en: str
    score: float


class CodedText(BaseModel):
    occupations: list[OccupationPublic]
    confidence: float = Field(description="Calibrated probability that the top code is right")
    abstain: bool = Field(description="True when the confidence is below the auto-coding cut")


class CodeResponse(BaseModel):
    results: list[CodedText]


@router.post("/code", response_model=CodeResponse)
def code_occupations(body: CodeRequest, request: Request) -> object:
    """ISCO-08 codes for each text, ranked, with a confidence and an abstain flag."""
    coder = request.app.state.engine.occupation_coder
    if coder is None:
        return error_response(503, "unavailable", "the occupation coder is not loaded")
    predictions = coder.predict(body.texts, top_k=body.top_k)
    return CodeResponse(
        results=[
            CodedText(
                occupations=[
                    OccupationPublic(
                        code=c.code, title_fa=c.title_fa, title_en=c.title_en, score=c.score
                    )
                    for c in p.candidates
                ],
                confidence=p.confidence,
                abstain=p.abstain,
            )
            for p in predictions
        ]
    )
