"""Reusable dependencies: the engine loaded once in the lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from karyab.service import Karyab


async def get_engine(request: Request) -> Karyab:
    # async: a plain function would cost every request a hop to the thread pool
    engine: Karyab = request.app.state.engine
    return engine


EngineDep = Annotated[Karyab, Depends(get_engine)]
