"""Documented error responses for routes: `responses=error_responses(401, 404, 422)`.

Every listed status is documented with the real `{"error", "detail"}` body
(`ErrorBody`), an example built from the `SightlineError` that produces it,
and the headers the handler sends (`WWW-Authenticate`, `Retry-After`).
Listing 422 also replaces FastAPI's default validation-error schema, which is
not what clients receive.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.errors import (
    ConflictError,
    NotAuthenticatedError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitedError,
    ServiceUnavailableError,
    SightlineError,
    UnsupportedMediaTypeError,
    ValidationFailedError,
)
from app.schemas.errors import ErrorBody

# status → (the error that usually produces it, when a client gets it)
_STATUSES: dict[int, tuple[SightlineError, str]] = {
    401: (NotAuthenticatedError(), "No valid access token: missing, malformed, expired or revoked."),
    403: (PermissionDeniedError(), "The account's role does not allow this."),
    404: (NotFoundError(), "Not found, or it belongs to another account."),
    409: (ConflictError(), "Conflicts with existing data."),
    413: (PayloadTooLargeError(), "The body or the photo's pixel count is over the limit."),
    415: (UnsupportedMediaTypeError(), "The photo is not JPEG, PNG or HEIC/HEIF."),
    422: (ValidationFailedError(), "A field is missing or invalid (named in `detail`)."),
    429: (RateLimitedError(), "Too many attempts from this address or for this account."),
    503: (
        ServiceUnavailableError(),
        "Busy: a bounded work queue is full or no database connection is free. "
        "Retry after `Retry-After` seconds.",
    ),
}

_RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer"},
}
_WWW_AUTHENTICATE = {
    "description": "`Bearer`: authenticate with an access token.",
    "schema": {"type": "string"},
}


def error_responses(
    *statuses: int, examples: Iterable[SightlineError] = ()
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the given error statuses.

    `examples` are the errors a route really raises for a status (their code
    and message become the documented examples); a status without one is
    documented with its usual error."""
    chosen = list(examples)
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        usual, description = _STATUSES[status]
        errors = [error for error in chosen if error.status_code == status] or [usual]
        entry: dict[str, Any] = {
            "model": ErrorBody,
            "description": description,
            "content": {
                "application/json": {
                    "examples": {
                        error.code: {"value": {"error": error.code, "detail": error.detail}}
                        for error in errors
                    }
                }
            },
        }
        headers: dict[str, Any] = {}
        if status == 401:
            headers["WWW-Authenticate"] = _WWW_AUTHENTICATE
        if any(error.retry_after_s is not None for error in errors):
            headers["Retry-After"] = _RETRY_AFTER
        if headers:
            entry["headers"] = headers
        responses[status] = entry
    return responses
