"""Issue 13 class 8: security headers, /metrics behind a token or on its own port, private
data files, and SQLite erasure that leaves nothing in free pages or the WAL."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
from hardening_live import (
    PASSWORD,
    Server,
    free_port,
    log_in,
    new_account,
    new_address,
    register,
    settings_for,
    start,
)
from sqlalchemy import make_url, text

from app.db.engine import checkpoint_after_erasure, create_engine

SERVE = Path(sys.executable).parent / "sightline"


def test_every_answer_carries_the_security_headers(proxied_server: Server) -> None:
    email, tokens = new_account(proxied_server)
    with proxied_server.client(address=new_address()) as client:
        token = log_in(client, email)
        me = client.get("/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
        health = client.get("/healthz")
        too_large = client.post("/v1/auth/refresh", json={"refresh_token": "x" * 70_000})
    for reply in (token, me, health, too_large):
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["referrer-policy"] == "no-referrer"
    for reply in (token, me):
        assert reply.headers["cache-control"] == "no-store"
    assert too_large.status_code == 413
    assert "content-security-policy" not in token.headers  # JSON, not a page


def test_html_pages_get_a_strict_content_security_policy(proxied_server: Server) -> None:
    with proxied_server.client() as client:
        docs = client.get("/v1/docs")
    assert docs.headers["content-type"].startswith("text/html")
    policy = docs.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy


def test_metrics_are_not_public(proxied_server: Server, tmp_path: Path) -> None:
    with proxied_server.client() as client:
        assert client.get("/metrics").status_code == 404  # no token configured: not served here
    server = start(settings_for(tmp_path, metrics_token="m" * 32))
    try:
        with server.client() as client:
            assert client.get("/metrics").status_code == 401
            assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
            scraped = client.get("/metrics", headers={"Authorization": "Bearer " + "m" * 32})
            assert scraped.status_code == 200
            assert "sightline_http_requests_total" in scraped.text
    finally:
        server.stop()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_serve_keeps_data_private_and_metrics_on_their_own_port(tmp_path: Path, photos_dir: Path) -> None:
    data = tmp_path / "data"
    port, metrics_port = free_port(), free_port()
    process = subprocess.Popen(
        [str(SERVE), "serve", "--port", str(port)],
        env={**os.environ, "SIGHTLINE_ENV": "test", "SIGHTLINE_DATA_DIR": str(data),
             "SIGHTLINE_METRICS_PORT": str(metrics_port), "SIGHTLINE_RETAIN_PHOTOS_HOURS": "1",
             "SIGHTLINE_ENABLE_SCENE": "false", "SIGHTLINE_ENABLE_EXPLICIT": "false"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=120) as client:
            email = "private@example.org"
            assert register(client, email).status_code == 201
            token = log_in(client, email, PASSWORD).json()["access_token"]
            photo = sorted(photos_dir.glob("*.jpg"))[0]
            described = client.post("/v1/descriptions", headers={"Authorization": f"Bearer {token}"},
                                    files={"photo": (photo.name, photo.read_bytes(), "image/jpeg")})
            assert described.status_code == 201, described.text
            assert client.get("/metrics").status_code == 404
        scraped = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10)
        assert "sightline_http_requests_total" in scraped.text
        assert mode(data) == 0o700
        files = [path for path in data.rglob("*") if path.is_file()]
        retained = [path for path in files if path.parent.name == "photos"]
        assert retained, "no retained photo to check"
        assert {path.name for path in files} >= {"sightline.db", "sightline.db-wal", "jwt_secret"}
        assert {str(path): oct(mode(path)) for path in files if mode(path) != 0o600} == {}
        assert {oct(mode(path)) for path in data.rglob("*") if path.is_dir()} <= {"0o700"}
    finally:
        process.terminate()
        process.wait(30)


def test_erased_account_leaves_no_trace_in_the_sqlite_files(tmp_path: Path) -> None:
    server = start(settings_for(tmp_path, trusted_proxies="127.0.0.1"))
    marker = "erase-me-7f3a9c"
    path = Path(make_url(server.settings.resolved_database_url).database or "")

    def files_contain_marker() -> bool:
        return any(marker.encode() in file.read_bytes()
                   for file in (path, path.with_name(path.name + "-wal")) if file.exists())

    try:
        email = f"{marker}@example.org"
        with server.client(address=new_address()) as client:
            assert register(client, email).status_code == 201
            token = log_in(client, email).json()["access_token"]
            assert files_contain_marker()
            erased = client.delete("/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert erased.status_code == 204
        # secure_delete zeroed the rows; the checkpoint after the response (a background
        # task) removes the old page versions from the WAL.
        deadline = time.monotonic() + 30
        while files_contain_marker():
            assert time.monotonic() < deadline, "the erased email is still in the SQLite files"
            time.sleep(0.2)
    finally:
        server.stop()


def test_checkpoint_empties_the_wal_while_connections_stay_open(tmp_path: Path) -> None:
    wal = tmp_path / "c.db-wal"

    async def run() -> tuple[int, bool, int]:
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
        try:
            async with engine.begin() as connection:
                await connection.execute(text("CREATE TABLE t (x TEXT)"))
                await connection.execute(text("INSERT INTO t VALUES ('secret-words')"))
            async with engine.begin() as connection:
                await connection.execute(text("DELETE FROM t"))
            before = wal.stat().st_size  # the pool keeps a connection: the WAL is still there
            done = await checkpoint_after_erasure(engine)
            return before, done, wal.stat().st_size
        finally:
            await engine.dispose()

    before, done, after = asyncio.run(run())
    assert before > 0 and done and after == 0
    assert b"secret-words" not in (tmp_path / "c.db").read_bytes()


def test_sqlite_files_are_private_and_use_secure_delete(tmp_path: Path) -> None:
    async def pragma() -> int:
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
        try:
            async with engine.connect() as connection:
                return int((await connection.execute(text("PRAGMA secure_delete"))).scalar_one())
        finally:
            await engine.dispose()

    assert asyncio.run(pragma()) == 1
    assert mode(tmp_path / "x.db") == 0o600
