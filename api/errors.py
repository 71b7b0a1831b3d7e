"""The one place that turns domain errors into HTTP responses."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import ForbiddenError, NotAuthenticatedError
from karyab.service import CoderUnavailableError, InvalidRecordError, UnknownOrganisationError
from matching.matcher import UnknownRecordError
from storage.errors import StoreError

logger = logging.getLogger(__name__)


def error_response(status: int, error: str, message: str, detail: Any = None) -> JSONResponse:
    body: dict[str, Any] = {"error": error, "message": message}
    if detail is not None:
        body["detail"] = detail
    return JSONResponse(status_code=status, content=body)


def _summarise(errors: list[dict[str, Any]]) -> str:
    parts = []
    for item in errors[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body")
        parts.append(f"{where or 'body'}: {item.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _jsonable(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Drop the raw input and context: they can be huge or hold bytes that are not JSON.
    return [
        {"loc": list(item.get("loc", ())), "msg": item.get("msg"), "type": item.get("type")}
        for item in errors[:20]
    ]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        return error_response(422, "invalid_request", _summarise(errors), _jsonable(errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, "http_error", str(exc.detail))

    @app.exception_handler(UnknownRecordError)
    async def _unknown(_: Request, exc: UnknownRecordError) -> JSONResponse:
        return error_response(404, "not_found", str(exc))

    @app.exception_handler(UnknownOrganisationError)
    async def _unknown_organisation(_: Request, exc: UnknownOrganisationError) -> JSONResponse:
        return error_response(404, "not_found", str(exc))

    @app.exception_handler(CoderUnavailableError)
    async def _no_coder(_: Request, exc: CoderUnavailableError) -> JSONResponse:
        return error_response(503, "unavailable", str(exc))

    @app.exception_handler(NotAuthenticatedError)
    async def _unauthenticated(_: Request, exc: NotAuthenticatedError) -> JSONResponse:
        response = error_response(401, "unauthenticated", str(exc))
        response.headers["WWW-Authenticate"] = "ApiKey"
        return response

    @app.exception_handler(ForbiddenError)
    async def _forbidden(_: Request, exc: ForbiddenError) -> JSONResponse:
        return error_response(403, "forbidden", str(exc))

    @app.exception_handler(StoreError)
    async def _store(_: Request, exc: StoreError) -> JSONResponse:
        # The database failed (down, full, locked too long): the request may be retried.
        logger.error("store error: %s", exc)
        return error_response(503, "store_unavailable", "the store could not complete the request")

    @app.exception_handler(InvalidRecordError)
    async def _invalid(_: Request, exc: InvalidRecordError) -> JSONResponse:
        return error_response(422, "invalid_record", str(exc))
