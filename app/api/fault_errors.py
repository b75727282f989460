"""Faults of what the API depends on → 503 with Retry-After, never a 500 or a stack trace.

A database that refuses or drops connections, times out (a blackholed host
hits the engine's connect/statement timeouts), is read-only or out of disk; a
Redis that is gone; a data directory that cannot be written. None of these is
the client's fault, and each may pass: the client is told to retry shortly.
Anything else is not classified here and reaches the generic 500 handler.

Logs carry the dependency, the error type and the SQLSTATE, never the error
text (driver messages quote SQL parameters, which can be user input).
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

from app.i18n import negotiate_language
from models.language import message

logger = logging.getLogger(__name__)

RETRY_AFTER_S = 5
UNAVAILABLE_DETAIL = "The service is temporarily unavailable. Please try again in a few seconds."

# SQLSTATE classes: 08 connection exception, 53 insufficient resources (disk full,
# out of memory, too many connections), 57 operator intervention (shutdown,
# statement timeout), 58 system error (I/O), 40 rollback (serialization, deadlock).
_TRANSIENT_SQLSTATE_CLASSES = frozenset({"08", "53", "57", "58", "40"})
_TRANSIENT_SQLSTATES = frozenset({"25006"})  # read-only transaction: a standby, or read-only mode
_STORAGE_ERRNOS = frozenset(
    {errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EACCES, errno.EPERM}
)


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and len(seen) < 8:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _sqlstate(error: BaseException) -> str | None:
    for link in _chain(error):
        for attribute in ("sqlstate", "pgcode"):
            value = getattr(link, attribute, None)
            if isinstance(value, str) and len(value) == 5:
                return value
        orig = getattr(link, "orig", None)
        if orig is not None and orig is not link:
            for attribute in ("sqlstate", "pgcode"):
                value = getattr(orig, attribute, None)
                if isinstance(value, str) and len(value) == 5:
                    return value
    return None


def classify_fault(error: BaseException) -> str | None:
    """The dependency at fault ("database", "redis", "storage", "network"), or None
    when the error is not a transient fault of a dependency."""
    if isinstance(error, OperationalError | InterfaceError | DisconnectionError):
        return "database"
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return "database"
        state = _sqlstate(error)
        if state and (state[:2] in _TRANSIENT_SQLSTATE_CLASSES or state in _TRANSIENT_SQLSTATES):
            return "database"
        return None
    module = type(error).__module__
    if module.startswith(("redis", "limits")):
        return "redis"
    if module.startswith(("asyncpg", "aiosqlite", "sqlite3")):
        return "database"
    if isinstance(error, TimeoutError | ConnectionError):
        return "network"
    if isinstance(error, OSError) and error.errno in _STORAGE_ERRNOS:
        return "storage"
    return None


def unavailable_response(language: str | None = None) -> JSONResponse:
    """The one 503 body for a dependency fault, said in `language` (English by default)."""
    return JSONResponse(
        {"error": "unavailable", "detail": message("error.unavailable", language=language)},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


async def _dependency_fault(request: Request, error: Exception) -> JSONResponse:
    dependency = classify_fault(error)
    if dependency is None:
        raise error  # not ours: the generic handler logs it and answers 500
    logger.warning(
        "dependency unavailable",
        extra={
            "dependency": dependency,
            "error_type": type(error).__name__,
            "sqlstate": _sqlstate(error),
            "route": getattr(request.scope.get("route"), "path", "unmatched"),
        },
    )
    return unavailable_response(
        negotiate_language(None, request.headers.get("accept-language"))
    )


def install_fault_handlers(app: FastAPI) -> None:
    """Register the 503 handlers on `app` (one handler, classified by `classify_fault`)."""
    fault_types: list[type[Exception]] = [DBAPIError, DisconnectionError, OSError]
    try:
        from redis.exceptions import RedisError

        fault_types.append(RedisError)
    except ImportError:  # redis is a dependency, but the handler must not need it
        pass
    try:
        from asyncpg import InterfaceError as AsyncpgInterfaceError
        from asyncpg import PostgresError

        fault_types += [PostgresError, AsyncpgInterfaceError]
    except ImportError:
        pass
    try:
        from limits.errors import StorageError

        fault_types.append(StorageError)
    except ImportError:
        pass
    for fault_type in fault_types:
        app.add_exception_handler(fault_type, _dependency_fault)
