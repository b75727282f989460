"""Issue 13 class 4: every body is bounded in size and time, and uploads need a caller first."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from hardening_live import Server, new_account, new_address

from app.body_limit import BODY_TIMEOUT_MESSAGE

CHUNK = b"a" * 65536


class CountingJson:
    """A chunked JSON body of `total` bytes that records how much the server pulled."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"email": "x@example.org", "password": "'
        while self.pulled < self.total:
            self.pulled += len(CHUNK)
            yield CHUNK
        yield b'"}'


def peak_rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def exchange(server: Server, head: bytes, body: bytes = b"", wait: float = 30) -> tuple[bytes, float, bool]:
    """Send a raw request; (reply, seconds until it came, whether the server then closed)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=wait) as sock:
        sock.sendall(head + body)
        reply = b""
        closed = False
        while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                closed = True
                break
            reply += chunk
        elapsed = time.monotonic() - started
        if not closed:
            try:
                closed = sock.recv(1) == b""
            except TimeoutError:
                closed = False
    return reply, elapsed, closed


@pytest.mark.parametrize("path", ["/v1/auth/register", "/v1/auth/refresh"])
def test_a_huge_chunked_json_body_is_cut_off_while_streaming(proxied_server: Server, path: str) -> None:
    body = CountingJson(300 * 2**20)  # 300 MiB, no Content-Length
    before = peak_rss_mib()
    reply = httpx.post(f"{proxied_server.base_url}{path}", content=body,
                       headers={"content-type": "application/json"}, timeout=60)
    assert reply.request.headers["transfer-encoding"] == "chunked"
    assert reply.status_code == 413
    assert reply.json() == {"error": "payload_too_large",
                            "detail": "The request is too large: the limit is 64 kilobytes."}
    assert body.pulled < 16 * 2**20, f"the client pushed {body.pulled} bytes"
    assert peak_rss_mib() - before < 50


@pytest.mark.parametrize("path", ["/v1/auth/register", "/v1/auth/refresh", "/v1/auth/token"])
def test_a_declared_huge_length_is_answered_before_any_body(proxied_server: Server, path: str) -> None:
    kind = "application/x-www-form-urlencoded" if path.endswith("token") else "application/json"
    reply, elapsed, closed = exchange(
        proxied_server,
        f"POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: {kind}\r\n"
        "Content-Length: 1000000000000\r\n\r\n".encode(),
    )
    assert reply.startswith(b"HTTP/1.1 413")
    assert b"connection: close" in reply.lower()
    assert closed
    assert elapsed < 5, elapsed  # was 10 s


def test_json_routes_take_64_kib_and_no_more(proxied_server: Server) -> None:
    with proxied_server.client(address=new_address()) as client:
        under = client.post("/v1/auth/refresh", json={"refresh_token": "x" * 60_000})
        assert under.status_code == 422  # parsed and validated: the field is too long
        over = client.post("/v1/auth/refresh", json={"refresh_token": "x" * 70_000})
        assert over.status_code == 413


def test_an_upload_without_a_valid_token_is_refused_before_its_body(proxied_server: Server) -> None:
    head = (
        "POST /v1/descriptions HTTP/1.1\r\nHost: t\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 14680064\r\n"
    )
    for authorization in ("", "Authorization: Bearer not-a-jwt\r\n"):
        reply, _, closed = exchange(proxied_server, (head + authorization + "\r\n").encode())
        assert reply.startswith(b"HTTP/1.1 401"), reply[:80]
        assert b'"not_authenticated"' in reply
        assert closed


def test_a_photo_larger_than_the_json_limit_is_still_accepted(proxied_server: Server, photos_dir) -> None:
    photo = max(photos_dir.glob("*.jpg"), key=lambda p: p.stat().st_size)
    assert photo.stat().st_size > 64 * 1024
    _, tokens = new_account(proxied_server)
    with proxied_server.client(tokens["access_token"], address=new_address()) as client:
        reply = client.post("/v1/descriptions", files={"photo": (photo.name, photo.read_bytes(), "image/jpeg")})
    assert reply.status_code == 201, reply.text


def test_a_stalled_body_gets_408_and_the_connection_is_closed(proxied_server: Server) -> None:
    reply, elapsed, closed = exchange(
        proxied_server,
        b"POST /v1/auth/register HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n",
        b'{"email":',
    )
    assert reply.startswith(b"HTTP/1.1 408"), reply[:80]
    assert BODY_TIMEOUT_MESSAGE.encode() in reply
    assert closed
    assert elapsed < 3.0 + 10  # body_timeout_s is 3 on this server; was never (45 s+)


def test_a_dripping_body_gets_408(proxied_server: Server) -> None:
    """One byte a second never stalls for 3 s, but it is far below 1 KiB/s."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", proxied_server.port), timeout=30) as sock:
        sock.sendall(b"POST /v1/auth/register HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n")
        reply = b""
        for _ in range(30):
            try:
                sock.sendall(b" ")
            except OSError:
                break
            sock.settimeout(1.0)
            try:
                reply += sock.recv(4096)
            except TimeoutError:
                continue
            if reply:
                break
    assert reply.startswith(b"HTTP/1.1 408"), reply[:80]
    assert time.monotonic() - started < 20
