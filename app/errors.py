"""The one error family. Each error has a status code, a stable code and a
message that is safe to show to the user; nothing else reaches a client.

A message with a catalogue key (`message_key`, or `key=` when raised) is said in
the request's language (models/language catalogues, en and ja; the handlers
negotiate it from `Accept-Language`). `detail` is its English form, for logs and
callers without a request. A detail given as text, without a key, is said as is.
"""

from __future__ import annotations

from models.language import message


class SightlineError(Exception):
    """Base of every error that is rendered to a client as {"error", "detail"}."""

    status_code = 400
    code = "bad_request"
    default_detail = "The request could not be processed."
    message_key: str | None = "error.bad_request"
    # Sent as `Retry-After` (seconds) when set: when the client may usefully try again.
    retry_after_s: int | None = None

    def __init__(
        self,
        detail: str | None = None,
        *,
        retry_after_s: int | None = None,
        key: str | None = None,
        **values: object,
    ) -> None:
        # A detail given as text has no translation; otherwise the key (or the class's).
        self.key = key if key is not None else (None if detail else self.message_key)
        self.values = values
        if detail is None and self.key is not None:
            detail = message(self.key, language="en", **values)
        self.detail = detail or self.default_detail
        if retry_after_s is not None:
            self.retry_after_s = retry_after_s
        super().__init__(self.detail)

    def localized(self, language: str | None) -> str:
        """The detail in `language` (a supported tag), or as given when it has no key."""
        if self.key is None:
            return self.detail
        return message(self.key, language=language, **self.values)


class PayloadTooLargeError(SightlineError):
    status_code = 413
    code = "payload_too_large"
    default_detail = "The photo is too large."
    message_key = "error.payload_too_large"


class UnsupportedMediaTypeError(SightlineError):
    status_code = 415
    code = "unsupported_media_type"
    default_detail = "Only JPEG, PNG and HEIC/HEIF photos are supported."
    message_key = "error.unsupported_media_type"


class UnprocessablePhotoError(SightlineError):
    status_code = 422
    code = "unreadable_photo"
    default_detail = (
        "The photo could not be read. It may be damaged or incomplete; please take it again."
    )
    message_key = "error.unreadable_photo"


class ValidationFailedError(SightlineError):
    status_code = 422
    code = "validation_error"
    default_detail = "Some fields of the request are missing or invalid."
    message_key = "error.validation"


class IdempotencyConflictError(SightlineError):
    status_code = 422
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used with a different request."
    message_key = "error.idempotency_key_reused"


class NotAuthenticatedError(SightlineError):
    status_code = 401
    code = "not_authenticated"
    default_detail = "Sign in to continue."
    message_key = "error.not_authenticated"


class PermissionDeniedError(SightlineError):
    status_code = 403
    code = "forbidden"
    default_detail = "You are not allowed to do this."
    message_key = "error.forbidden"


class NotFoundError(SightlineError):
    status_code = 404
    code = "not_found"
    default_detail = "Not found."
    message_key = "error.not_found"


class ConflictError(SightlineError):
    status_code = 409
    code = "conflict"
    default_detail = "This conflicts with existing data."
    message_key = "error.conflict"


class RateLimitedError(SightlineError):
    status_code = 429
    code = "rate_limited"
    default_detail = "Too many attempts. Please wait a minute and try again."
    message_key = "error.rate_limited"
    retry_after_s = 60


class ServiceUnavailableError(SightlineError):
    status_code = 503
    code = "unavailable"
    default_detail = "The service is busy. Please try again shortly."
    message_key = "error.busy"
    retry_after_s = 5


class RequestAbandonedError(SightlineError):
    """The client went away while its request waited for a turn; the work is skipped.

    Never seen by the client (it is gone); logged and counted like any answer."""

    status_code = 499
    code = "client_closed_request"
    default_detail = "The request was abandoned by the client."
    message_key = "error.abandoned"
