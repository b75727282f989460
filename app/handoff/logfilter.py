"""Keep WebSocket frames out of the log.

The `websockets` protocol (which uvicorn uses to serve `/v1/ws`) logs every frame it
sends and receives at DEBUG, through uvicorn's `uvicorn.error` logger: with
SIGHTLINE_LOG_LEVEL=DEBUG that would write access tokens, message text and
signalling payloads. This filter drops those frame records, whatever the level.
`aiosqlite` likewise logs every statement with its parameters (message text,
questions) at DEBUG: its records below INFO are dropped too.
"""

from __future__ import annotations

import logging

FRAME_FORMATS = frozenset({"< %s", "> %s"})  # websockets' "received" / "sent" frame records
LOGGERS = ("uvicorn.error", "websockets", "websockets.server", "websockets.protocol")


class DropFrameRecords(logging.Filter):
    """Refuses the `websockets` protocol's per-frame debug records."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.msg in FRAME_FORMATS and record.pathname.replace("\\", "/").endswith(
            "websockets/protocol.py"))


class DropDebugRecords(logging.Filter):
    """Refuses records below INFO (a driver's statement-by-statement debug log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.INFO


_FILTER = DropFrameRecords()
_DEBUG_FILTER = DropDebugRecords()


def install_frame_log_filter() -> None:
    """Attach the filter to the loggers that carry frame records (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    driver = logging.getLogger("aiosqlite")
    if _DEBUG_FILTER not in driver.filters:
        driver.addFilter(_DEBUG_FILTER)
