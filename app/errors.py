"""The one error family. Each error has a status code, a stable code and a
message that is safe to show to the user; nothing else reaches a client."""

from __future__ import annotations


class SightlineError(Exception):
    """Base of every error that is rendered to a client as {"error", "detail"}."""

    status_code = 400
    code = "bad_request"
    default_detail = "The request could not be processed."
    # Sent as `Retry-After` (seconds) when set: when the client may usefully try again.
    retry_after_s: int | None = None

    def __init__(self, detail: str | None = None, *, retry_after_s: int | None = None) -> None:
        self.detail = detail or self.default_detail
        if retry_after_s is not None:
            self.retry_after_s = retry_after_s
        super().__init__(self.detail)


class PayloadTooLargeError(SightlineError):
    status_code = 413
    code = "payload_too_large"
    default_detail = "The photo is too large."


class UnsupportedMediaTypeError(SightlineError):
    status_code = 415
    code = "unsupported_media_type"
    default_detail = "Only JPEG, PNG and HEIC/HEIF photos are supported."


class UnprocessablePhotoError(SightlineError):
    status_code = 422
    code = "unreadable_photo"
    default_detail = (
        "The photo could not be read. It may be damaged or incomplete; please take it again."
    )


class ValidationFailedError(SightlineError):
    status_code = 422
    code = "validation_error"
    default_detail = "Some fields of the request are missing or invalid."


class IdempotencyConflictError(SightlineError):
    status_code = 422
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used with a different request."


class NotAuthenticatedError(SightlineError):
    status_code = 401
    code = "not_authenticated"
    default_detail = "Sign in to continue."


class PermissionDeniedError(SightlineError):
    status_code = 403
    code = "forbidden"
    default_detail = "You are not allowed to do this."


class NotFoundError(SightlineError):
    status_code = 404
    code = "not_found"
    default_detail = "Not found."


class ConflictError(SightlineError):
    status_code = 409
    code = "conflict"
    default_detail = "This conflicts with existing data."


class RateLimitedError(SightlineError):
    status_code = 429
    code = "rate_limited"
    default_detail = "Too many attempts. Please wait a minute and try again."
    retry_after_s = 60


class ServiceUnavailableError(SightlineError):
    status_code = 503
    code = "unavailable"
    default_detail = "The service is busy. Please try again shortly."
    retry_after_s = 5


class RequestAbandonedError(SightlineError):
    """The client went away while its request waited for a turn; the work is skipped.

    Never seen by the client (it is gone); logged and counted like any answer."""

    status_code = 499
    code = "client_closed_request"
    default_detail = "The request was abandoned by the client."
