"""The edge of the API: what every request passes before any route runs.

`install_edge_middleware(app, settings)` adds, outermost first:

1. `SecurityHeadersMiddleware` (so even a 413 or 408 carries the headers);
2. `RequestObserver` (app/api/observe.py): every request counted, timed and
   logged, the edge's own 401/408/413 included; an unhandled exception becomes
   the logged, counted 500 body here, inside the security headers;
3. `RequestBodyMiddleware`: every route's body is bounded (the JSON limit for
   all routes, the upload limit for routes that take a file), stalled or
   dripping bodies time out, and upload routes check the bearer token before
   the body is read.

Which routes are upload routes is read from the routes themselves (a parameter
declared with `File(...)` or typed `UploadFile`), so a new photo route gets the
upload limit without a list to keep in step. Proxy headers are not handled
here: the server applies them (`sightline serve` passes
SIGHTLINE_TRUSTED_PROXIES to uvicorn; see app.startup).
"""

from __future__ import annotations

import typing
from typing import Any

from fastapi import FastAPI, UploadFile, params
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.datastructures import UploadFile as StarletteUploadFile

from app.api.observe import RequestObserver
from app.body_limit import BodyRule, RequestBodyMiddleware, Scope
from app.errors import NotAuthenticatedError
from app.security_headers import SecurityHeadersMiddleware
from app.settings import Settings


def install_edge_middleware(app: FastAPI, settings: Settings) -> None:
    """Add the edge middleware; call it after every other `add_middleware` (it must be outermost)."""
    rules = RouteBodyRules(
        max_json_bytes=settings.max_json_bytes, max_upload_bytes=settings.max_upload_bytes
    )
    app.add_middleware(
        RequestBodyMiddleware,
        rules=rules,
        timeout_s=settings.body_timeout_s,
        min_rate_bytes_s=settings.body_min_rate_bytes_s,
        authenticate=bearer_token_is_valid,
    )
    app.add_middleware(RequestObserver)
    app.add_middleware(SecurityHeadersMiddleware)


class RouteBodyRules:
    """The body rule of a request: the upload limit on routes that take a file, the JSON limit
    everywhere else (including requests no route matched)."""

    def __init__(self, *, max_json_bytes: int, max_upload_bytes: int) -> None:
        self.json_rule = BodyRule(max_bytes=max_json_bytes)
        self.upload_rule = BodyRule(max_bytes=max_upload_bytes, upload=True)
        self._takes_a_file: dict[int, bool] = {}

    def __call__(self, scope: Scope) -> BodyRule:
        route = scope.get("route")  # set by the router before the endpoint reads the body
        if not isinstance(route, APIRoute):
            return self.json_rule
        takes_a_file = self._takes_a_file.get(id(route))
        if takes_a_file is None:
            takes_a_file = self._takes_a_file[id(route)] = _takes_a_file(route)
        return self.upload_rule if takes_a_file else self.json_rule


def _takes_a_file(route: APIRoute) -> bool:
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        for field in dependant.body_params:
            if isinstance(field.field_info, params.File) or _mentions_upload(
                field.field_info.annotation
            ):
                return True
        pending.extend(dependant.dependencies)
    return False


def _mentions_upload(annotation: Any, depth: int = 0) -> bool:
    """True when a type is, contains or is a model with an UploadFile."""
    if depth > 4 or annotation is None:
        return False
    if isinstance(annotation, type):
        if issubclass(annotation, UploadFile | StarletteUploadFile):
            return True
        if issubclass(annotation, BaseModel):
            return any(
                _mentions_upload(field.annotation, depth + 1)
                for field in annotation.model_fields.values()
            )
    return any(_mentions_upload(arg, depth + 1) for arg in typing.get_args(annotation))


def bearer_token_is_valid(scope: Scope) -> bool:
    """Whether the request carries a well-signed, unexpired access token (no database:
    revocation is checked by the route's own dependency once the body is in)."""
    services = getattr(getattr(scope.get("app"), "state", None), "services", None)
    if services is None:  # no lifespan (a test app): the route decides
        return True
    token = bearer_token(scope)
    if token is None:
        return False
    try:
        services.tokens.decode_access_token(token)
    except NotAuthenticatedError:
        return False
    return True


def bearer_token(scope: Scope) -> str | None:
    """The token of an `Authorization: Bearer ...` header, or None."""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = bytes(value).decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return None
    return None
