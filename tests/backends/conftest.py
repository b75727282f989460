"""Fixtures for backend tests: grounded requests and the fake model server."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from backend_helpers import API_KEY, FakeServer, build_request

from models.types import DescribeRequest

HERE = Path(__file__).parent


@pytest.fixture
def make_request() -> Callable[..., DescribeRequest]:
    """Factory for grounded requests."""
    return build_request


@pytest.fixture(scope="session")
def _server_process() -> Iterator[FakeServer]:
    process = subprocess.Popen(
        [sys.executable, str(HERE / "fake_openai_server.py"), "--api-key", API_KEY],
        stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    port = int(process.stdout.readline())
    try:
        yield FakeServer(port)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def openai_server(_server_process: FakeServer) -> FakeServer:
    """The fake server, reset to answer normally with an empty request log."""
    _server_process.control(mode="ok", times=0, hang_s=5.0, clear=True)
    return _server_process
