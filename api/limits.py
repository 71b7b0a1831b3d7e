"""ASGI middleware: request bodies over a byte limit get 413, callers over a rate 429."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    """Checks Content-Length up front and counts streamed bytes for chunked bodies."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._reject(send)
                    return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        body = json.dumps(
            {
                "error": "payload_too_large",
                "message": f"request body is over the limit of {self.max_bytes} bytes",
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class RateLimit:
    """At most ``per_minute`` requests in each clock minute per API key (told apart by a
    hash of it) or, without a key, per client address; more get 429 with Retry-After.
    In-process counts: with several workers each enforces the limit on its own share."""

    def __init__(
        self, app: ASGIApp, per_minute: int, clock: Callable[[], float] = time.time
    ) -> None:
        self.app = app
        self.per_minute = per_minute
        self.clock = clock
        self._counts: dict[str, tuple[int, int]] = {}

    def _who(self, scope: Scope) -> str:
        for name, value in scope.get("headers", []):
            if name == b"x-api-key":
                return "key:" + hashlib.sha256(value).hexdigest()[:24]
        client = scope.get("client")
        return f"addr:{client[0] if client else '-'}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.per_minute <= 0 or scope.get("path") == "/health":
            await self.app(scope, receive, send)
            return
        now = self.clock()
        window = int(now // 60)
        who = self._who(scope)
        seen_window, count = self._counts.get(who, (window, 0))
        count = count + 1 if seen_window == window else 1
        if len(self._counts) > 100_000:  # forget finished windows
            self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
        self._counts[who] = (window, count)
        if count > self.per_minute:
            retry = max(1, int(60 - now % 60))
            body = json.dumps(
                {"error": "rate_limited", "message": f"over {self.per_minute} requests a minute"}
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 429,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"retry-after", str(retry).encode()),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)
