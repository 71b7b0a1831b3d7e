from __future__ import annotations

from fastapi import APIRouter

from api.deps import EngineDep
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(engine: EngineDep) -> Health:
    """Liveness, and what is searchable: the index sizes (in memory, so probes cost nothing;
    the index is kept in step with the store)."""
    return Health(
        status="ok",
        encoder=engine.encoder.name,
        vacancies=len(engine.indexes["vacancy"]),
        jobseekers=len(engine.indexes["jobseeker"]),
        search={kind: index.kind for kind, index in engine.indexes.items()},
    )
