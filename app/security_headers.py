"""Response headers that every answer carries (pure ASGI; nothing is buffered).

- `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` on everything;
- a strict `Content-Security-Policy` on HTML pages (only this origin's scripts,
  styles and images; no framing, plugins, base-URI or foreign form targets);
- `Cache-Control: no-store` unless the route set its own: API answers carry
  tokens and personal data (descriptions, questions, accounts) that no shared
  or browser cache should keep.

What each header is for, and what it deliberately does not cover, is in
docs/security.md.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HTML_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)


class SecurityHeadersMiddleware:
    """Add the security headers to every HTTP response start."""

    def __init__(self, app: ASGIApp, *, csp: str = HTML_CONTENT_SECURITY_POLICY) -> None:
        self.app = app
        self.csp = csp.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry point."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self._headers(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _headers(self, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        present = {name.lower() for name, _ in headers}
        added = [(name, value) for name, value in ALWAYS if name not in present]
        if b"cache-control" not in present:
            added.append((b"cache-control", b"no-store"))
        content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
        if content_type.lower().startswith(b"text/html") and b"content-security-policy" not in present:
            added.append((b"content-security-policy", self.csp))
        return headers + added
