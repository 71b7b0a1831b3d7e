"""Reusable dependencies: the engine loaded once in the lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from karyab.service import Karyab


def get_engine(request: Request) -> Karyab:
    engine: Karyab = request.app.state.engine
    return engine


EngineDep = Annotated[Karyab, Depends(get_engine)]
