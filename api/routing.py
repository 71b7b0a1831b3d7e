"""A route class that insists on UTF-8 request bodies, as JSON (RFC 8259) requires."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from api.errors import error_response


class Utf8Route(APIRoute):
    """Rejects bodies that are not UTF-8 (UTF-16 with a BOM would otherwise slip through)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            body = await request.body()  # cached by Starlette; FastAPI parses the same bytes
            if body:
                try:
                    body.decode("utf-8")
                except UnicodeDecodeError as error:
                    return error_response(
                        400,
                        "invalid_encoding",
                        f"request body is not UTF-8 (bad byte at offset {error.start})",
                    )
            return await handler(request)

        return checked
