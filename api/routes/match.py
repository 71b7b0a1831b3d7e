from __future__ import annotations

from fastapi import APIRouter

from api.auth import Caller, jobseeker_province, require
from api.deps import EngineDep
from api.routing import Utf8Route
from api.schemas import MatchPublic, MatchRequest, MatchResponse
from matching.matcher import SearchFilters

router = APIRouter(prefix="/v1", tags=["match"], route_class=Utf8Route)


@router.post("/match", response_model=MatchResponse)
def match(body: MatchRequest, engine: EngineDep, caller: Caller) -> MatchResponse:
    """Vacancies for a CV text (`kind="cv"`), or jobseekers for a vacancy text."""
    if body.kind == "cv":
        require(caller, "jobseeker", "office", "admin")
    else:  # the results are people
        require(caller, "office", "admin")
    asked = body.filters.model_dump() if body.filters else {}
    if body.kind == "vacancy":
        asked["province"] = jobseeker_province(caller, asked.get("province"))
    filters = SearchFilters(**asked) if asked else None
    matches = engine.match_text(body.text, body.kind, body.k, filters)
    return MatchResponse(results=[MatchPublic.of(m) for m in matches])
