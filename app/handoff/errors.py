"""Handoff errors: the HTTP `{"error","detail"}` family, also sent as WebSocket error frames.

Details are user-facing sentences from the language layer (English and Japanese)."""

from __future__ import annotations

from contextvars import ContextVar

from app.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    SightlineError,
    ValidationFailedError,
)
from models.language import message, resolve_language

# The language of the socket whose frame is being handled: errors raised deep in the
# service (which knows no socket) are still said in that person's language.
socket_language: ContextVar[str | None] = ContextVar("socket_language", default=None)


def say(key: str, language: str | None, **values: object) -> str:
    """A handoff sentence in `language`, else the current socket's (English without a catalogue)."""
    chosen = language or socket_language.get()
    return message(f"handoff.{key}", language=resolve_language(chosen), **values)


class AlreadyTakenError(ConflictError):
    code = "already_taken"


class InvalidStateError(ConflictError):
    code = "invalid_state"


def not_found(language: str | None) -> SightlineError:
    """A handoff that does not exist or is not the caller's (the two look the same)."""
    return NotFoundError(say("not_found", language))


def forbidden(key: str, language: str | None) -> SightlineError:
    """The caller's role may not do this."""
    return PermissionDeniedError(say(key, language))


def invalid(key: str, language: str | None) -> SightlineError:
    """A field or frame is invalid."""
    return ValidationFailedError(say(key, language))
