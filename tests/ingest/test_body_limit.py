"""BodySizeLimitMiddleware: 413 from Content-Length, and mid-stream without buffering."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from .conftest import REPO_ROOT
from .limit_server import build_app

LIMIT = 1_000_000
CHUNK = b"\x00" * 65_536


def multipart_chunks(total: int, boundary: str = "sightlineboundary") -> Iterator[bytes]:
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; '
        'filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    ).encode()
    sent = 0
    while sent < total:
        yield CHUNK
        sent += len(CHUNK)
    yield f"\r\n--{boundary}--\r\n".encode()


async def as_async(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


# ---------------------------------------------------------------- in process (ASGI)


@pytest.fixture
def asgi_client() -> Iterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(LIMIT))
    yield httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_declared_length_over_limit_is_413(asgi_client: httpx.AsyncClient):
    response = await asgi_client.post("/v1/descriptions/raw", content=b"x" * (LIMIT + 1))
    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "payload_too_large"
    assert "limit is 1 megabyte." in body["detail"]
    assert response.headers["connection"] == "close"


async def test_at_the_limit_passes(asgi_client: httpx.AsyncClient):
    response = await asgi_client.post("/v1/descriptions/raw", content=b"x" * LIMIT)
    assert response.status_code == 200
    assert response.json() == {"bytes": LIMIT}


async def test_multipart_stream_over_limit_is_413_not_fastapis_400(asgi_client):
    # FastAPI turns any error while parsing a form into a 400; the client must
    # still hear 413.
    boundary = "sightlineboundary"
    response = await asgi_client.post(
        "/v1/descriptions",
        content=as_async(multipart_chunks(3 * LIMIT, boundary)),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


async def test_small_multipart_upload_passes(asgi_client: httpx.AsyncClient):
    response = await asgi_client.post(
        "/v1/descriptions", files={"photo": ("p.jpg", b"\xff\xd8\xff" + b"1" * 1000, "image/jpeg")}
    )
    assert response.status_code == 200
    assert response.json() == {"photo_bytes": 1003}


async def test_other_paths_are_not_limited(asgi_client: httpx.AsyncClient):
    response = await asgi_client.post("/elsewhere", content=b"x" * (LIMIT * 2))
    assert response.status_code == 200


# ---------------------------------------------------------------- real server over TCP


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen(
        [sys.executable, str(REPO_ROOT / "tests/ingest/limit_server.py"), str(port), str(LIMIT)],
        cwd=REPO_ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "the test server exited"
            assert time.monotonic() < deadline, "the test server did not start"
            time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(10)


class CountingBody:
    """A chunked request body of ``total`` bytes that records how much was pulled."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        while self.pulled < self.total:
            self.pulled += len(CHUNK)
            yield CHUNK


@pytest.mark.parametrize("path", ["/v1/descriptions/raw", "/v1/descriptions/streamed"])
def test_chunked_body_over_limit_is_cut_off_by_the_real_server(server, path: str):
    base, pid = server
    total = 300 * 1024 * 1024  # 300 MiB, no Content-Length (chunked)
    body = CountingBody(total)
    peak_before = peak_rss_mib(pid)
    started = time.monotonic()
    response = httpx.post(f"{base}{path}", content=body, timeout=30)
    elapsed = time.monotonic() - started
    grown = peak_rss_mib(pid) - peak_before
    print(
        f"{path}: client pushed {body.pulled / 2**20:.1f} MiB of {total / 2**20:.0f} MiB "
        f"in {elapsed:.2f}s; server peak RSS grew {grown:.1f} MiB"
    )
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    # The server stopped reading: the client could not push the whole body.
    assert body.pulled < total // 4, f"client sent {body.pulled} bytes"
    assert elapsed < 10
    # ...and never held it: its peak memory barely moved.
    assert grown < 50


def test_multipart_upload_over_limit_is_413_over_tcp(server):
    base, pid = server
    boundary = "sightlineboundary"
    peak_before = peak_rss_mib(pid)
    response = httpx.post(
        f"{base}/v1/descriptions",
        content=multipart_chunks(200 * 1024 * 1024, boundary),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        timeout=30,
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert peak_rss_mib(pid) - peak_before < 50


def test_declared_length_over_limit_is_refused_before_the_body(server):
    base, _ = server
    with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=5) as sock:
        sock.sendall(
            b"POST /v1/descriptions/raw HTTP/1.1\r\nHost: t\r\n"
            b"Content-Length: 50000000\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        reply = b""
        while chunk := sock.recv(65_536):  # no body byte was sent, yet the answer comes
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 413")
    assert b"payload_too_large" in reply


def test_under_limit_passes_over_tcp(server):
    base, _ = server
    body = CountingBody(LIMIT // 2)
    response = httpx.post(f"{base}/v1/descriptions/streamed", content=body)
    assert response.status_code == 200
    assert response.json() == {"bytes": body.pulled}
