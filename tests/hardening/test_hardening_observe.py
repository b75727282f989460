"""Issue 13 class 5 (observability): every 500 is logged, counted in the request metrics and
carries the security headers; the edge's own 401/408/413 are counted too.

Before: an exception that escaped every handler was answered by Starlette's outermost
error middleware, past the request observer and the security headers (no
`X-Content-Type-Options`, counted only by luck of ordering), and the body-limit
middleware's 401/408/413 were never counted at all."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hardening_live import Server, new_account, new_address
from prometheus_client import REGISTRY
from support import require_photos_dir


def requests_counted(method: str, status: int) -> float:
    """The in-process request counter (the test servers run in this process), summed over routes."""
    total = 0.0
    for metric in REGISTRY.collect():
        if metric.name != "sightline_http_requests":
            continue
        for sample in metric.samples:
            labels = sample.labels
            if (sample.name.endswith("_total") and labels.get("method") == method
                    and labels.get("status") == str(status)):
                total += sample.value
    return total


def wait_for_count(method: str, status: int, above: float) -> float:
    """The counter is written once the response is sent: wait for it (bounded)."""
    deadline = time.monotonic() + 30
    while (value := requests_counted(method, status)) <= above:
        assert time.monotonic() < deadline, f"{method} {status} was never counted"
        time.sleep(0.05)
    return value


class Broken:
    """The real pipeline, except that describing raises an unexpected error (a bug)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def describe_photo(self, **_: Any) -> Any:
        raise RuntimeError("a bug in the pipeline")


@pytest.fixture
def broken_pipeline(proxied_server: Server) -> Iterator[None]:
    services = proxied_server.server.config.app.state.services
    real = services.describe.pipeline
    services.describe.pipeline = Broken(real)
    yield
    services.describe.pipeline = real


def test_a_500_is_logged_counted_and_has_the_security_headers(
    proxied_server: Server, broken_pipeline: None, caplog: pytest.LogCaptureFixture
) -> None:
    _, tokens = new_account(proxied_server)
    photo = (require_photos_dir() / "VizWiz_test_00000046.jpg").read_bytes()
    before = requests_counted("POST", 500)
    with caplog.at_level(logging.ERROR), proxied_server.client(tokens["access_token"], new_address()) as user:
        reply = user.post("/v1/descriptions", files={"photo": ("p.jpg", photo, "image/jpeg")})
    assert reply.status_code == 500
    assert reply.json() == {"error": "internal_error",
                            "detail": "Something went wrong on our side. Please try again."}
    assert reply.headers["x-content-type-options"] == "nosniff"  # was missing
    assert reply.headers["referrer-policy"] == "no-referrer"
    assert reply.headers["cache-control"] == "no-store"
    wait_for_count("POST", 500, before)
    logged = [r for r in caplog.records if r.getMessage() == "unhandled error"]
    assert logged and logged[0].exc_info is not None
    assert "a bug in the pipeline" not in reply.text


def test_edge_answers_are_counted(proxied_server: Server) -> None:
    with proxied_server.client(address=new_address()) as anonymous:
        before = requests_counted("POST", 413)
        big = anonymous.post("/v1/auth/register", content=b"{" + b" " * (65 * 1024) + b"}",
                             headers={"content-type": "application/json"})
        assert big.status_code == 413
        wait_for_count("POST", 413, before)

        before = requests_counted("POST", 401)
        upload = anonymous.post("/v1/descriptions", files={"photo": ("p.jpg", b"\xff\xd8" * 10, "image/jpeg")})
        assert upload.status_code == 401
        wait_for_count("POST", 401, before)

    before = requests_counted("POST", 408)
    with socket.create_connection(("127.0.0.1", proxied_server.port), timeout=60) as sock:
        sock.sendall(b"POST /v1/auth/register HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"email\":")
        assert sock.recv(4096).startswith(b"HTTP/1.1 408")
    wait_for_count("POST", 408, before)


def test_readyz_names_what_is_down_quickly(proxied_server: Server) -> None:
    started = time.monotonic()
    with httpx.Client(base_url=proxied_server.base_url, timeout=30) as client:
        ready = client.get("/readyz")
    assert time.monotonic() - started < 10
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "unavailable": [],
                            "checks": {"database": True, "rate_limit_store": True, "models": True}}
