"""Fixtures: one server per database kind behind a trusted proxy (each test sends its own
X-Forwarded-For, as nginx would, so tests do not share per-address limits)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hardening_live import Server, database, settings_for, start
from support import require_photos_dir

DATABASES = ["sqlite", "postgres"]


@pytest.fixture(scope="module", params=DATABASES)
def db_kind(request: pytest.FixtureRequest) -> str:
    """The database under test; PostgreSQL runs with Redis for the rate limits."""
    return str(request.param)


@pytest.fixture(scope="module")
def proxied_server(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The API as deployed behind nginx: 127.0.0.1 is the trusted proxy."""
    require_photos_dir()
    tmp_path = tmp_path_factory.mktemp(f"proxied-{db_kind}")
    with database(db_kind, tmp_path) as overrides:
        server = start(settings_for(tmp_path, trusted_proxies="127.0.0.1", body_timeout_s=3.0,
                                    **overrides))
        yield server
        server.stop()
