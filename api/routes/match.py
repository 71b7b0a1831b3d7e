from __future__ import annotations

from fastapi import APIRouter

from api.deps import EngineDep
from api.routing import Utf8Route
from api.schemas import MatchPublic, MatchRequest, MatchResponse
from matching.matcher import SearchFilters

router = APIRouter(prefix="/v1", tags=["match"], route_class=Utf8Route)


@router.post("/match", response_model=MatchResponse)
def match(body: MatchRequest, engine: EngineDep) -> MatchResponse:
    """Vacancies for a CV text (`kind="cv"`), or jobseekers for a vacancy text."""
    filters = SearchFilters(**body.filters.model_dump()) if body.filters else None
    matches = engine.match_text(body.text, body.kind, body.k, filters)
    return MatchResponse(results=[MatchPublic.of(m) for m in matches])
