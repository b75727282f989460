"""Count, time and log every HTTP request: route template, method, status, duration.

It sits just inside the security headers (app/edge.py), outside the body limits,
so edge answers (401 before an upload, 408, 413) are counted too; and it turns
an exception that escaped every handler into the 500 body here, logged, counted
and passing through the security headers (Starlette's outermost error
middleware would answer it past all of them, issue 13 class 5).

A pure ASGI middleware rather than `@app.middleware("http")`: Starlette's
BaseHTTPMiddleware wraps `receive`, which hides a client's disconnect from
`Request.is_disconnected()` (the describe gate asks it; docs/concurrency.md)
and buffers streamed responses through an extra task.
"""

from __future__ import annotations

import json
import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.i18n import negotiate_language
from app.metrics import HTTP_REQUEST_SECONDS, HTTP_REQUESTS_TOTAL
from models.language import message

logger = logging.getLogger("sightline.http")


class RequestObserver:
    """Records each request once its response has been sent (or has failed)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts: an exception escaped every handler
        response_started = False

        async def send_and_note_status(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        except Exception as error:
            route = getattr(scope.get("route"), "path", "unmatched")
            logger.error("unhandled error", exc_info=error, extra={"route": route})
            if response_started:
                raise  # too late for a body: the server closes the connection
            status = 500
            start, body = _internal_error(scope)
            await send_and_note_status(start)
            await send(body)
        finally:
            # The router records the matched route in the shared scope; never the raw path.
            route = getattr(scope.get("route"), "path", "unmatched")
            elapsed = time.perf_counter() - started
            method = scope["method"]
            HTTP_REQUESTS_TOTAL.labels(method, route, str(status)).inc()
            HTTP_REQUEST_SECONDS.labels(method, route).observe(elapsed)
            logger.info(
                "request",
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )


def _internal_error(scope: Scope) -> tuple[Message, Message]:
    """The 500 answer, said in the request's `Accept-Language`."""
    accept_language = next(
        (value.decode("latin-1") for name, value in scope.get("headers", [])
         if name == b"accept-language"),
        None,
    )
    detail = message("error.internal", language=negotiate_language(None, accept_language))
    body = json.dumps({"error": "internal_error", "detail": detail}).encode()
    start: Message = {
        "type": "http.response.start",
        "status": 500,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    return start, {"type": "http.response.body", "body": body}
