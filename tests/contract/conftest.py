"""A real server on SQLite for the contract tests (the API tests' helpers, reused)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The live-server helpers live beside the API tests; share them rather than copy them.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "api"))

from live import LiveServer, server_settings, start_server
from support import require_photos_dir


@pytest.fixture(scope="session")
def contract_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The service with photo retention on, so follow-ups use the retained copy."""
    require_photos_dir()
    server = start_server(server_settings(tmp_path_factory.mktemp("contract"), retain_photos_hours=1.0))
    yield server
    server.stop()
