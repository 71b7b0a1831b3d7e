from __future__ import annotations

from fastapi import APIRouter

from api.deps import EngineDep
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(engine: EngineDep) -> Health:
    counts = engine.counts()
    return Health(
        status="ok",
        encoder=engine.encoder.name,
        vacancies=counts["vacancy"],
        jobseekers=counts["jobseeker"],
    )
