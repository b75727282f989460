"""Engine and session factory, built once at start-up from Settings.

Every wait on the database is bounded: connecting (a blackholed host), each
statement (a stalled server or a lock), and waiting for a pooled connection.
A fault then surfaces within seconds as an error that `app.api.fault_errors`
answers with 503 and Retry-After, instead of a request hanging for a minute.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, make_url, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.settings import Settings

logger = logging.getLogger(__name__)


def _default(name: str) -> float:
    value = Settings.model_fields[name].default
    assert isinstance(value, float)
    return value


@dataclass(frozen=True)
class DatabaseTimeouts:
    """How long to wait for a connection, a statement and a pooled connection (seconds).

    `statement_s=None` means no statement limit (migrations may run long)."""

    connect_s: float = _default("database_connect_timeout_s")
    statement_s: float | None = _default("database_statement_timeout_s")
    pool_s: float = _default("database_pool_timeout_s")

    @classmethod
    def from_settings(cls, settings: Settings) -> DatabaseTimeouts:
        """The timeouts the API runs with."""
        return cls(
            connect_s=settings.database_connect_timeout_s,
            statement_s=settings.database_statement_timeout_s,
            pool_s=settings.database_pool_timeout_s,
        )

    @classmethod
    def for_migrations(cls, settings: Settings) -> DatabaseTimeouts:
        """Bounded connecting, unbounded statements: a schema change may take a while."""
        return cls(connect_s=settings.database_connect_timeout_s, statement_s=None)


def create_engine(database_url: str, timeouts: DatabaseTimeouts | None = None) -> AsyncEngine:
    """Create the async engine with bounded waits.

    SQLite gets foreign keys, WAL for concurrent readers, `secure_delete` (erased
    rows are overwritten, not left in free pages) and a file created 0600."""
    timeouts = timeouts or DatabaseTimeouts()
    kwargs: dict[str, Any] = {"pool_timeout": timeouts.pool_s}
    dialect = make_url(database_url).get_backend_name()
    if dialect == "sqlite":
        _create_private_sqlite_file(database_url)
        busy_s = timeouts.statement_s if timeouts.statement_s is not None else 30.0
        kwargs["connect_args"] = {"timeout": busy_s}
    else:
        kwargs["pool_pre_ping"] = True
        if make_url(database_url).get_driver_name() == "asyncpg":
            connect_args: dict[str, Any] = {"timeout": timeouts.connect_s}
            if timeouts.statement_s is not None:
                # Client side: a blackholed server cannot hold a query longer than this.
                connect_args["command_timeout"] = timeouts.statement_s
                # Server side: the server also stops the work (and frees its locks).
                connect_args["server_settings"] = {
                    "statement_timeout": str(int(timeouts.statement_s * 1000))
                }
            kwargs["connect_args"] = connect_args
    engine = create_async_engine(database_url, **kwargs)
    if engine.dialect.name == "sqlite":
        busy_ms = int(kwargs["connect_args"]["timeout"] * 1000)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

    return engine


def _create_private_sqlite_file(database_url: str) -> None:
    """Create the SQLite file 0600 before SQLite does (it would use the umask, often 0644).

    SQLite gives its -wal and -shm files the database file's permissions."""
    database = make_url(database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
            path.chmod(0o600)


async def checkpoint_after_erasure(engine: AsyncEngine) -> bool:
    """After erasing a user's rows (and committing), push them out of SQLite's WAL.

    With `secure_delete` the erased cells are zeroed in the new page versions,
    but the old versions stay in the WAL file until a checkpoint copies the new
    ones into the database and the WAL is truncated. True when that completed;
    False when readers kept it from completing (the next checkpoint finishes it).
    PostgreSQL needs nothing here (its free space is reused, never served)."""
    if engine.dialect.name != "sqlite":
        return True
    async with engine.connect() as connection:
        busy, _log, _done = (await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))).one()
    if busy:
        logger.warning("WAL checkpoint after erasure was blocked by readers")
    return not busy


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session whose work is committed on success and rolled back on error."""
    async with factory() as session, session.begin():
        yield session
