"""One handler per error kind, all rendering {"error": code, "detail": message}."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.errors import ServiceUnavailableError, SightlineError
from app.i18n import negotiate_language
from models.language import message

logger = logging.getLogger(__name__)

_HTTP_CODES = {
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def error_response(
    status_code: int, code: str, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The one error body shape."""
    return JSONResponse({"error": code, "detail": detail}, status_code=status_code, headers=headers)


def request_language(request: Request) -> str:
    """The language error details are said in: the request's `Accept-Language`."""
    return negotiate_language(None, request.headers.get("accept-language"))


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (RFC 9110 §15.5.6). Starlette's 405
    names only the first route's, though a path has one route per method here."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    """Register handlers so that no exception text or stack trace reaches a client."""

    @app.exception_handler(SightlineError)
    async def _sightline_error(request: Request, error: SightlineError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if error.status_code == 401 else {}
        if error.retry_after_s is not None:
            headers["Retry-After"] = str(error.retry_after_s)
        detail = error.localized(request_language(request))
        return error_response(error.status_code, error.code, detail, headers or None)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        # Name the fields, never echo their values (they may be the user's question or password).
        fields = sorted(
            {
                ".".join(str(part) for part in item.get("loc", ())[1:]) or "body"
                for item in error.errors()
            }
        )
        detail = message(
            "error.invalid_fields", language=request_language(request), fields=", ".join(fields)
        )
        return error_response(422, "validation_error", detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        language = request_language(request)
        if error.status_code == 400:
            # FastAPI's only 400: a body it could not parse (not UTF-8, say). That is
            # invalid input like any other, answered as documented: 422 naming the body.
            detail = message("error.invalid_fields", language=language, fields="body")
            return error_response(422, "validation_error", detail)
        code = _HTTP_CODES.get(error.status_code, "http_error")
        key = "error.not_found" if error.status_code == 404 else "error.bad_request"
        headers = getattr(error, "headers", None)
        if error.status_code == 405:
            key = "error.method_not_allowed"
            headers = {**(headers or {}), "Allow": _allowed_methods(request)}
        detail = message(key, language=language)
        return error_response(error.status_code, code, detail, headers)

    @app.exception_handler(SQLAlchemyTimeoutError)
    async def _database_busy(request: Request, _error: SQLAlchemyTimeoutError) -> JSONResponse:
        logger.warning("database connection pool exhausted")
        busy = ServiceUnavailableError()
        return error_response(busy.status_code, busy.code, busy.localized(request_language(request)),
                              {"Retry-After": str(busy.retry_after_s)})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        logger.error("unhandled error", exc_info=error)
        detail = message("error.internal", language=request_language(request))
        return error_response(500, "internal_error", detail)
