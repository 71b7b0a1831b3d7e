"""Application factory: the engine is loaded once in the lifespan and shared by routes."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.auth import KeyCache, ensure_admin_key
from api.errors import install_error_handlers
from api.limits import BodySizeLimit, RateLimit
from api.routes import (
    admin,
    analytics,
    applications,
    health,
    jobseekers,
    match,
    occupations,
    skills,
    ui,
    vacancies,
)
from karyab.service import Karyab
from karyab.settings import Settings

logger = logging.getLogger(__name__)

DESCRIPTION = """
Persian-first job matching for Iran's national employment system: vacancies for a
jobseeker's CV, and a shortlist of jobseekers for a vacancy, each result explained with the
skills it matches and misses. Scores are cosine similarities: compare them within one result
list, never against a fixed threshold.
"""


def freeze_loaded_objects() -> None:
    """Keep the garbage collector off the loaded engine: models, taxonomies and indexes are
    millions of long-lived objects, and a full collection walking them stalls every
    request in flight (the p99 spikes of the load benchmark). Call once, after loading."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None, engine: Karyab | None = None) -> FastAPI:
    """Build the app. Pass ``engine`` to share one already loaded (tests do)."""
    settings = settings or (engine.settings if engine else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = engine is None
        app.state.engine = engine or Karyab.open(settings)
        ensure_admin_key(app.state.engine)  # a store's first start with keys on
        if owned and settings.load_demo:
            app.state.engine.load_demo_if_empty(show_progress=True)
        if owned:
            freeze_loaded_objects()
        try:
            yield
        finally:
            if owned:
                app.state.engine.close()

    app = FastAPI(
        title="karyab",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.key_cache = KeyCache(ttl=settings.api_key_cache_seconds)
    install_error_handlers(app)
    routers = (
        health,
        jobseekers,
        vacancies,
        applications,
        match,
        occupations,
        skills,
        analytics,
        admin,
        ui,
    )
    for module in routers:
        app.include_router(module.router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(RateLimit, per_minute=settings.rate_limit_per_minute)
    if settings.cors_origins:  # closed unless origins are named
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["content-type", "x-api-key"],
        )
    return app
