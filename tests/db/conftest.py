"""A fresh, empty database per test: a SQLite file, and PostgreSQL when configured (always in CI)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from dbutil import create_postgres_database, drop_postgres_database, sqlite_url
from sqlalchemy.ext.asyncio import AsyncEngine
from support import require_postgres_url

from app.db.engine import create_engine


@pytest.fixture(params=["sqlite", "postgres"])
async def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on an empty database."""
    if request.param == "sqlite":
        engine = create_engine(sqlite_url(tmp_path))
        yield engine
        await engine.dispose()
        return
    base = require_postgres_url()
    url = await create_postgres_database(base)
    engine = create_engine(url)
    yield engine
    await engine.dispose()
    await drop_postgres_database(base, url)
