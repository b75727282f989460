"""Refuse request bodies over a size limit, before and while they stream in.

A pure ASGI middleware (no buffering): a declared Content-Length over the limit
is refused before the app runs; otherwise ``receive`` is wrapped and counts the
bytes as the app reads them, so a chunked upload without Content-Length is cut
off as soon as it crosses the limit.

Once the limit is crossed the app's own response is discarded, whatever it was:
frameworks turn errors raised while parsing a body into their own 400 (FastAPI
does), and the client must hear 413. The 413 carries ``Connection: close``
because the rest of the body is never read.

Add it as the outermost middleware so nothing reads the body before it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from app.errors import PayloadTooLargeError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyTooLargeError(Exception):
    """Raised inside the wrapped ``receive`` when the body crosses the limit."""


def body_too_large_message(max_body_bytes: int) -> str:
    """The spoken message for an upload over the limit."""
    mebibyte = 1024 * 1024
    if max_body_bytes % mebibyte == 0:  # 15 MiB is "15 megabytes" to a person
        size = str(max_body_bytes // mebibyte)
    else:
        size = f"{max_body_bytes / 1_000_000:.1f}".removesuffix(".0")
    unit = "megabyte" if size == "1" else "megabytes"
    return f"The upload is too large: the limit is {size} {unit}. Please send a smaller photo."


class BodySizeLimitMiddleware:
    """Answer 413 when a request body to the given path prefixes exceeds ``max_body_bytes``."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        paths_prefixes: tuple[str, ...] = ("/v1/descriptions",),
    ) -> None:
        if max_body_bytes <= 0:
            raise ValueError("max_body_bytes must be positive")
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.paths_prefixes = paths_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry point."""
        if scope["type"] != "http" or not self._applies_to(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._send_413(send)
            return

        received = 0
        exceeded = False
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLargeError
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    exceeded = True
                    raise BodyTooLargeError
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if exceeded and not response_started:
                return  # the app's answer to a cut-off body is replaced by our 413
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLargeError:
            if response_started:
                raise
        except Exception:
            # An app may wrap our exception in its own; the flag tells the truth.
            if not exceeded or response_started:
                raise
        if exceeded and not response_started:
            await self._send_413(send)

    def _applies_to(self, path: str) -> bool:
        return any(path.startswith(prefix) for prefix in self.paths_prefixes)

    async def _send_413(self, send: Send) -> None:
        body = json.dumps(
            {
                "error": PayloadTooLargeError.code,
                "detail": body_too_large_message(self.max_body_bytes),
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    """The declared Content-Length, or None when absent or not a number."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
