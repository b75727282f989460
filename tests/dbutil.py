"""Create and drop throw-away databases for tests (a fresh PostgreSQL database or SQLite file)."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine


async def create_postgres_database(base_url: str) -> str:
    """Create an empty database next to `base_url`'s and return its URL."""
    name = f"sightline_test_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


async def drop_postgres_database(base_url: str, url: str) -> None:
    """Drop a database made by `create_postgres_database`."""
    name = make_url(url).database
    admin = create_async_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


def sqlite_url(directory: Path) -> str:
    """A new SQLite file URL in `directory`."""
    return f"sqlite+aiosqlite:///{directory / f'sightline-{uuid.uuid4().hex[:8]}.db'}"
