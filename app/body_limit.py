"""Request bodies with bounds: size, time and (for uploads) a caller before a single byte is read.

A pure ASGI middleware (no buffering). ``receive`` is wrapped; when the app
first asks for the body (the router has matched the route by then, and not one
byte has been handed over) a ``BodyRules`` callable gives the byte limit of the
route (small for JSON, the upload limit only for photo routes) and whether it is
an upload. Then:

- an upload route without a valid bearer token is answered 401 before its body
  is read (``authenticate``), so anonymous clients cannot make us hold photos;
- a declared Content-Length over the limit is answered 413 before any of it is read;
- otherwise bytes are counted as the app reads them, and a chunked body is cut
  off as soon as it crosses the limit (413);
- each wait for the next piece of body is bounded, Apache ``mod_reqtimeout``
  style: ``timeout_s`` without a byte, or an average below ``min_rate_bytes_s``
  after the first ``timeout_s`` (a slow drip), answers 408.

Once a body is cut off the app's own response is discarded, whatever it was:
frameworks turn errors raised while parsing a body into their own 400 (FastAPI
does), and the client must hear 413 or 408. These answers carry
``Connection: close`` because the rest of the body is never read; uvicorn then
closes the connection.

Add it outside everything that reads bodies (see ``app.edge``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from app.errors import NotAuthenticatedError, PayloadTooLargeError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class BodyRule:
    """What a route accepts: at most `max_bytes`; `upload` routes need a caller first."""

    max_bytes: int
    upload: bool = False


BodyRules = Callable[[Scope], BodyRule | None]  # None: not limited (only for tests' tiny apps)
Authenticate = Callable[[Scope], bool]


class BodyAbortedError(Exception):
    """Raised inside the wrapped ``receive`` when a body is cut off."""


def body_too_large_message(max_body_bytes: int, *, upload: bool = True) -> str:
    """The spoken message for a body over the limit."""
    mebibyte, kibibyte = 1024 * 1024, 1024
    if max_body_bytes % mebibyte == 0:  # 15 MiB is "15 megabytes" to a person
        size, unit = str(max_body_bytes // mebibyte), "megabyte"
    elif max_body_bytes % kibibyte == 0:
        size, unit = str(max_body_bytes // kibibyte), "kilobyte"
    else:
        size, unit = f"{max_body_bytes / 1_000_000:.1f}".removesuffix(".0"), "megabyte"
    units = unit if size == "1" else unit + "s"
    if upload:
        return f"The upload is too large: the limit is {size} {units}. Please send a smaller photo."
    return f"The request is too large: the limit is {size} {units}."


BODY_TIMEOUT_MESSAGE = "The request took too long to arrive. Please check the connection and try again."


class RequestBodyMiddleware:
    """Bound every request body by size and time; authenticate uploads before reading them."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        rules: BodyRules,
        timeout_s: float,
        min_rate_bytes_s: int = 0,
        authenticate: Authenticate | None = None,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self.app = app
        self.rules = rules
        self.timeout_s = timeout_s
        self.min_rate_bytes_s = min_rate_bytes_s
        self.authenticate = authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry point."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await _BodyGuard(self, scope, receive, send).run()


class _BodyGuard:
    """One request's wrapped receive/send and the reason its body was refused, if it was.

    The rule is chosen at the first ``receive``: by then the router has matched the
    request (``scope["route"]``), and not one byte of body has been handed over."""

    def __init__(self, owner: RequestBodyMiddleware, scope: Scope, receive: Receive, send: Send) -> None:
        self.owner = owner
        self.scope = scope
        self.receive = receive
        self.send = send
        self.rule: BodyRule | None = None
        self.resolved = False
        self.received = 0
        self.body_done = False
        self.refused: int | None = None  # 401, 408 or 413
        self.response_started = False
        self.started_at = asyncio.get_running_loop().time()

    async def run(self) -> None:
        try:
            await self.owner.app(self.scope, self.guarded_receive, self.guarded_send)
        except Exception:
            # An app may wrap our exception in its own; the flag tells the truth.
            if self.refused is None or self.response_started:
                raise
        if self.refused is not None and not self.response_started:
            await self._send_refusal()

    async def _send_refusal(self) -> None:
        if self.refused == 401:
            await _send_error(
                self.send, 401, NotAuthenticatedError.code, NotAuthenticatedError.default_detail,
                extra_headers=[(b"www-authenticate", b"Bearer")],
            )
        elif self.refused == 413 and self.rule is not None:
            await _send_error(
                self.send, 413, PayloadTooLargeError.code,
                body_too_large_message(self.rule.max_bytes, upload=self.rule.upload),
            )
        else:
            await _send_error(self.send, 408, "request_timeout", BODY_TIMEOUT_MESSAGE)

    def _refuse(self, status: int) -> BodyAbortedError:
        self.refused = status
        return BodyAbortedError(status)

    def _resolve_rule(self) -> None:
        self.resolved = True
        self.started_at = asyncio.get_running_loop().time()  # the app asks for the body now
        self.rule = self.owner.rules(self.scope)
        if self.rule is None:
            return
        authenticate = self.owner.authenticate
        if self.rule.upload and authenticate is not None and not authenticate(self.scope):
            raise self._refuse(401)
        declared = _content_length(self.scope)
        if declared is not None and declared > self.rule.max_bytes:
            raise self._refuse(413)

    def _wait_budget(self) -> float:
        """Seconds the next piece of body may take: idle cap, and the minimum average rate."""
        budget = self.owner.timeout_s
        if self.owner.min_rate_bytes_s > 0:
            now = asyncio.get_running_loop().time()
            deadline = (
                self.started_at + self.owner.timeout_s + self.received / self.owner.min_rate_bytes_s
            )
            budget = min(budget, deadline - now)
        return budget

    async def guarded_receive(self) -> Message:
        if self.refused is not None:
            raise BodyAbortedError(self.refused)
        if not self.resolved:
            self._resolve_rule()
        if self.body_done or self.rule is None:
            # After the body (waiting for a disconnect while a response streams): no deadline.
            return await self.receive()
        budget = self._wait_budget()
        try:
            if budget <= 0:
                raise TimeoutError
            message = await asyncio.wait_for(self.receive(), budget)
        except TimeoutError:
            raise self._refuse(408) from None
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.rule.max_bytes:
                raise self._refuse(413)
            if not message.get("more_body", False):
                self.body_done = True
        else:
            self.body_done = True
        return message

    async def guarded_send(self, message: Message) -> None:
        if self.refused is not None and not self.response_started:
            return  # the app's answer to a refused body is replaced by ours
        if message["type"] == "http.response.start":
            self.response_started = True
        await self.send(message)


class BodySizeLimitMiddleware(RequestBodyMiddleware):
    """The size limit alone on paths under some prefixes (other paths unlimited).

    Kept for small test apps; the API uses ``RequestBodyMiddleware`` through ``app.edge``,
    which limits every route."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        paths_prefixes: tuple[str, ...] = ("/v1/descriptions",),
        timeout_s: float = 60.0,
    ) -> None:
        if max_body_bytes <= 0:
            raise ValueError("max_body_bytes must be positive")
        rule = BodyRule(max_bytes=max_body_bytes, upload=True)

        def rules(scope: Scope) -> BodyRule | None:
            path = scope.get("path", "")
            return rule if any(path.startswith(prefix) for prefix in paths_prefixes) else None

        super().__init__(app, rules=rules, timeout_s=timeout_s)
        self.max_body_bytes = max_body_bytes


async def _send_error(
    send: Send,
    status: int,
    code: str,
    detail: str,
    extra_headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = json.dumps({"error": code, "detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *(extra_headers or []),
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
