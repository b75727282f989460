"""Fixtures: one embedded (SQLite, in-process broker) server per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from handoff_live import Server, handoff_settings, start_in_thread


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The single-process default: SQLite and the in-process broker."""
    live = start_in_thread(handoff_settings(tmp_path_factory.mktemp("handoff")))
    yield live
    live.stop()
