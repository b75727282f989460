"""Structured JSON logs. Records carry event names and ids, never photos,
questions, descriptions or tokens."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

# Attributes every LogRecord has; anything else was passed through `extra=`.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}
# Extra keys that would carry user content are dropped even if a caller passes them.
_FORBIDDEN_KEYS = frozenset(
    {
        "question",
        "text",
        "answer",
        "photo",
        "token",
        "password",
        "authorization",
        "access_token",
        "refresh_token",
        "email",
        "comment",
    }
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and safe extras."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if (
                key not in _STANDARD_ATTRIBUTES
                and key not in _FORBIDDEN_KEYS
                and not key.startswith("_")
            ):
                payload[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info and record.exc_info[0] is not None:
            # The type only: exception text can quote user input.
            payload["error_type"] = record.exc_info[0].__name__
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    """Send all logs as JSON lines to stderr (idempotent)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Access logs carry query strings and client addresses; our middleware logs routes instead.
    logging.getLogger("uvicorn.access").disabled = True
    # Alembic announces each of its plugins at INFO when it is imported: noise at every start.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
