from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.auth import (
    Caller,
    ForbiddenError,
    canonical_province,
    check_vacancy_owner,
    jobseeker_province,
)
from api.deps import EngineDep
from api.routing import Utf8Route
from api.schemas import (
    MatchPublic,
    MatchResponse,
    VacancyCreate,
    VacancyList,
    VacancyPublic,
    VacancySummary,
)
from karyab.records import Education, Vacancy
from matching.matcher import SearchFilters, UnknownRecordError

router = APIRouter(prefix="/v1/vacancies", tags=["vacancies"], route_class=Utf8Route)

IdPath = Annotated[str, Path(min_length=1, max_length=128)]


@router.post("", response_model=VacancyPublic, status_code=201)
def create_vacancy(body: VacancyCreate, engine: EngineDep, caller: Caller) -> VacancyPublic:
    """Store (or replace) a vacancy; it is encoded and indexed at once."""
    record = body.to_record(body.id or f"v-{uuid.uuid4().hex[:12]}")
    stored = engine.get("vacancy", record.id)
    if stored is not None:
        check_vacancy_owner(caller, stored if isinstance(stored, Vacancy) else None, record.id)
    check_vacancy_owner(caller, record, record.id)
    engine.add_vacancies([record], actor=caller.name)
    return VacancyPublic.of(record)


@router.get("", response_model=VacancyList)
def list_vacancies(
    engine: EngineDep,
    caller: Caller,
    province: Annotated[str | None, Query(max_length=100)] = None,
    q: Annotated[str | None, Query(max_length=200, description="part of the title")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> VacancyList:
    """Stored vacancies, the most recently written first, to pick one from. Any key may
    list them (a vacancy is public), but an office key lists its own province's only."""
    province = canonical_province(province)
    if caller.role == "office":
        if province not in (None, caller.province):
            raise ForbiddenError(f"an office key lists the vacancies of {caller.province} only")
        province = caller.province
    records, total = engine.list_vacancies(
        province=province, title_contains=q or None, limit=limit, offset=offset
    )
    return VacancyList(total=total, vacancies=[VacancySummary.of(r) for r in records])


@router.get("/{vacancy_id}", response_model=VacancyPublic)
def get_vacancy(vacancy_id: IdPath, engine: EngineDep, _: Caller) -> VacancyPublic:
    record = engine.get("vacancy", vacancy_id)
    if not isinstance(record, Vacancy):
        raise UnknownRecordError("vacancy", vacancy_id)
    return VacancyPublic.of(record)


@router.get("/{vacancy_id}/shortlist", response_model=MatchResponse)
def shortlist(
    vacancy_id: IdPath,
    engine: EngineDep,
    caller: Caller,
    k: Annotated[int, Query(ge=1, le=200)] = 10,
    province: Annotated[str | None, Query(max_length=100)] = None,
    city: Annotated[str | None, Query(max_length=100)] = None,
    min_experience_years: Annotated[int | None, Query(ge=0, le=70)] = None,
    min_education: Education | None = None,
) -> MatchResponse:
    """Jobseekers for a stored vacancy, best first, with filters and an explanation each."""
    vacancy = engine.get("vacancy", vacancy_id)
    check_vacancy_owner(caller, vacancy if isinstance(vacancy, Vacancy) else None, vacancy_id)
    filters = SearchFilters(
        province=jobseeker_province(caller, province),
        city=city,
        min_experience_years=min_experience_years,
        min_education=min_education,
    )
    matches = engine.shortlist(vacancy_id, k, filters)
    return MatchResponse(results=[MatchPublic.of(m) for m in matches])
