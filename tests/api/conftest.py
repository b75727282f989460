"""Fixtures: a real server per database (SQLite always; PostgreSQL + Redis when
configured, always in CI) and fresh accounts on it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from dbutil import create_postgres_database, drop_postgres_database
from live import Account, LiveServer, register_and_log_in, server_settings, start_server
from support import redis_url, require_photos_dir, require_postgres_url


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def live_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The service on SQLite (photo retention on) and on PostgreSQL + Redis (retention off)."""
    require_photos_dir()
    tmp_path = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        server = start_server(server_settings(tmp_path, retain_photos_hours=1.0))
        yield server
        server.stop()
        return
    base = require_postgres_url()
    url = asyncio.run(create_postgres_database(base))
    server = start_server(server_settings(tmp_path, database_url=url, redis_url=redis_url()))
    yield server
    server.stop()
    asyncio.run(drop_postgres_database(base, url))


@pytest.fixture
def user(live_server: LiveServer) -> Iterator[Account]:
    """A new user per test."""
    account = register_and_log_in(live_server)
    yield account
    account.client.close()


@pytest.fixture
def other_user(live_server: LiveServer) -> Iterator[Account]:
    """A second, unrelated user."""
    account = register_and_log_in(live_server)
    yield account
    account.client.close()
