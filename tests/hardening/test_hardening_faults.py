"""Issue 13 class 5: a database or Redis that is refused, blackholed, read-only or locked is
answered with 503 + Retry-After within seconds, and recovers without a restart; start-up
on an unusable data dir or database says so in one line and exits within seconds."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from dbutil import create_postgres_database, drop_postgres_database
from hardening_live import (
    FaultProxy,
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
from sqlalchemy.ext.asyncio import create_async_engine
from support import require_postgres_url, require_redis_url

from app.startup import check_database

# Connect 3 s + statement 5 s (a pooled connection's ping, then a new connection) bound
# each wait; a loaded machine gets a margin on top.
FAULT_ANSWER_S = 20.0
SERVE = Path(sys.executable).parent / "sightline"


def timed(call: object) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    reply = call()  # type: ignore[operator]
    return reply, time.monotonic() - started


def assert_unavailable(reply: httpx.Response, elapsed: float) -> None:
    assert reply.status_code == 503, (reply.status_code, reply.text)
    assert reply.headers["retry-after"].isdigit()
    assert reply.json()["error"] == "unavailable"
    assert elapsed < FAULT_ANSWER_S, elapsed


def eventually(check: object, within: float = 60.0) -> None:
    """Wait until `check()` is true (polling, bounded)."""
    deadline = time.monotonic() + within
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def proxies() -> Iterator[tuple[FaultProxy, FaultProxy]]:
    base = make_url(require_postgres_url())
    redis_target = make_url(require_redis_url().replace("redis://", "postgresql://", 1))
    database = FaultProxy(base.host or "127.0.0.1", base.port or 5432)
    store = FaultProxy(redis_target.host or "127.0.0.1", redis_target.port or 6379)
    yield database, store
    database.close()
    store.close()


@pytest.fixture(scope="module")
def faulty_server(
    proxies: tuple[FaultProxy, FaultProxy], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, str]]:
    """PostgreSQL and Redis each reached through a proxy we can break."""
    database, store = proxies
    base = require_postgres_url()
    real_url = asyncio.run(create_postgres_database(base))
    proxied = make_url(real_url).set(host="127.0.0.1", port=database.port)
    redis_db = require_redis_url().rsplit("/", 1)[-1]
    server = start(settings_for(
        tmp_path_factory.mktemp("faults"),
        database_url=proxied.render_as_string(hide_password=False),
        redis_url=f"redis://127.0.0.1:{store.port}/{redis_db}",
        trusted_proxies="127.0.0.1",
        rate_limit_store_retry_s=1.0,
    ))
    yield server, real_url
    server.stop()
    asyncio.run(drop_postgres_database(base, real_url))


def test_database_blackholed_refused_then_restored(
    faulty_server: tuple[Server, str], proxies: tuple[FaultProxy, FaultProxy]
) -> None:
    server, _ = faulty_server
    database, _ = proxies
    email, tokens = new_account(server)
    address = new_address()
    with server.client(address=address) as anonymous, server.client(tokens["access_token"], address) as user:
        assert user.get("/v1/descriptions").status_code == 200
        for mode in ("blackhole", "refuse"):
            database.set_mode(mode)
            try:
                assert_unavailable(*timed(lambda: register(anonymous)))
                assert_unavailable(*timed(lambda: log_in(anonymous, email)))
                assert_unavailable(*timed(lambda: user.get("/v1/descriptions")))
                ready, elapsed = timed(lambda: anonymous.get("/readyz"))
                assert ready.status_code == 503 and ready.json()["checks"]["database"] is False
                assert "database" in ready.json()["unavailable"]
                assert elapsed < 10, elapsed
            finally:
                database.set_mode("pass")
            # Restored: the same process serves again (stale connections are replaced).
            eventually(lambda: register(anonymous).status_code == 201)
            assert user.get("/v1/descriptions").status_code == 200


def test_readyz_says_the_rate_limit_store_is_down_within_10_s(
    faulty_server: tuple[Server, str], proxies: tuple[FaultProxy, FaultProxy]
) -> None:
    """Redis down is `degraded` (200: each process counts its own limits meanwhile) and named;
    before, it was a bare `not_ready` 503 that took every replica out of the load balancer."""
    server, _ = faulty_server
    _, store = proxies
    with server.client(address=new_address()) as client:
        for mode in ("blackhole", "refuse"):
            store.set_mode(mode)
            try:
                ready, elapsed = timed(lambda: client.get("/readyz"))
                assert elapsed < 10, elapsed
                assert ready.status_code == 200, ready.text
                body = ready.json()
                assert body["status"] == "degraded" and body["unavailable"] == ["rate_limit_store"]
                assert body["checks"] == {"database": True, "rate_limit_store": False, "models": True}
            finally:
                store.set_mode("pass")
            eventually(lambda: client.get("/readyz").json()["status"] == "ready")


def test_database_read_only_is_503_until_writable_again(faulty_server: tuple[Server, str]) -> None:
    server, real_url = faulty_server
    name = make_url(real_url).database

    async def set_read_only(on: bool) -> None:
        admin = create_async_engine(require_postgres_url(), isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as connection:
                value = "on" if on else "off"
                await connection.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = {value}'))
                # Pooled connections keep their setting: end them, as a failover would.
                await connection.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                    {"name": name},
                )
        finally:
            await admin.dispose()

    with server.client(address=new_address()) as client:
        asyncio.run(set_read_only(True))
        try:
            replies = [timed(lambda: register(client)) for _ in range(2)]
            for reply, elapsed in replies:
                assert_unavailable(reply, elapsed)
        finally:
            asyncio.run(set_read_only(False))
        eventually(lambda: register(client).status_code == 201)


def test_redis_gone_limits_per_process_then_shares_again(
    faulty_server: tuple[Server, str], proxies: tuple[FaultProxy, FaultProxy]
) -> None:
    server, _ = faulty_server
    _, store = proxies
    prefix = server.settings.rate_limit_key_prefix
    shared = redis.Redis.from_url(require_redis_url())

    def shared_keys() -> set[bytes]:
        return set(shared.scan_iter(match=f"{prefix}*"))

    for mode in ("blackhole", "refuse"):
        email, _ = new_account(server)
        store.set_mode(mode)
        try:
            with server.client(address=new_address()) as client:
                statuses = []
                for _ in range(11):
                    reply, elapsed = timed(lambda e=email: log_in(client, e, "wrong password"))
                    statuses.append(reply.status_code)
                    assert elapsed < FAULT_ANSWER_S
            # Not failed, not locked out, not unlimited: counted in this process meanwhile.
            assert statuses[:10] == [401] * 10 and statuses[10] == 429, statuses
        finally:
            store.set_mode("pass")

        def counted_in_redis_again(email: str = email) -> bool:
            before = shared_keys()
            with server.client(address=new_address()) as client:
                log_in(client, email, "wrong password")
            return bool(shared_keys() - before)  # a new address's counter landed in Redis

        eventually(counted_in_redis_again)
        for key in shared_keys():
            shared.delete(key)  # under this run's own prefix only


def test_sqlite_locked_answers_503_within_the_busy_timeout(tmp_path: Path) -> None:
    server = start(settings_for(tmp_path / "data", trusted_proxies="127.0.0.1"))
    try:
        with server.client(address=new_address()) as client:
            assert register(client).status_code == 201
            path = make_url(server.settings.resolved_database_url).database
            holder = sqlite3.connect(path, isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")  # another writer holds the lock
            try:
                assert_unavailable(*timed(lambda: register(client)))
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            assert register(client).status_code == 201
    finally:
        server.stop()


def test_sqlite_read_only_answers_503(tmp_path: Path) -> None:
    writable = settings_for(tmp_path)
    asyncio.run(check_database(writable, migrate=True))
    path = make_url(writable.resolved_database_url).database
    read_only = f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true"
    server = start(settings_for(tmp_path, database_url=read_only, trusted_proxies="127.0.0.1"),
                   migrate=False)
    try:
        with server.client(address=new_address()) as client:
            assert_unavailable(*timed(lambda: register(client)))
            assert client.get("/readyz").json()["checks"]["database"] is True  # reads still work
    finally:
        server.stop()


# --- start-up ---------------------------------------------------------------------------------


def serve(env: dict[str, str], prefix: list[str] | None = None) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = subprocess.run(
        [*(prefix or []), str(SERVE), "serve", "--port", str(free_port())],
        env={**os.environ, "SIGHTLINE_ENV": "test", **env},
        capture_output=True, text=True, timeout=120, check=False,
    )
    return result, time.monotonic() - started


def assert_one_clear_line(result: subprocess.CompletedProcess[str], elapsed: float, words: str) -> None:
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert result.returncode != 0
    assert len(lines) == 1, lines[:5]
    assert lines[0].startswith("Sightline cannot start:") and words in lines[0], lines[0]
    assert elapsed < 25, elapsed  # was 26-66 s and 534 lines for a refused database


def test_start_up_with_a_refused_database_fails_fast(tmp_path: Path) -> None:
    result, elapsed = serve({
        "SIGHTLINE_DATA_DIR": str(tmp_path),
        "SIGHTLINE_DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/x",
    })
    assert_one_clear_line(result, elapsed, "connection refused")


def test_start_up_with_a_blackholed_database_fails_fast(tmp_path: Path) -> None:
    base = make_url(require_postgres_url())
    proxy = FaultProxy(base.host or "127.0.0.1", base.port or 5432)
    proxy.set_mode("blackhole")
    try:
        result, elapsed = serve({
            "SIGHTLINE_DATA_DIR": str(tmp_path),
            "SIGHTLINE_DATABASE_URL": base.set(host="127.0.0.1", port=proxy.port).render_as_string(
                hide_password=False),
        })
    finally:
        proxy.close()
    assert_one_clear_line(result, elapsed, "timed out")


def test_start_up_on_a_read_only_data_dir_fails_fast(tmp_path: Path) -> None:
    read_only = tmp_path / "ro"
    read_only.mkdir()
    if os.geteuid() == 0:
        # Root ignores permission bits: a read-only tmpfs in a private mount namespace.
        if subprocess.run(["unshare", "-rm", "true"], check=False).returncode != 0:
            pytest.skip("unshare is not permitted here")
        prefix = ["unshare", "-rm", "sh", "-c", f'mount -t tmpfs -o ro tmpfs "{read_only}" && exec "$@"', "sh"]
    else:
        read_only.chmod(0o500)
        prefix = []
    result, elapsed = serve({"SIGHTLINE_DATA_DIR": str(read_only / "data")}, prefix)
    assert_one_clear_line(result, elapsed, "not writable")


# --- the photo directory (issue 13 class 5, part B) -------------------------------------------


def serve_with_photos_mount(tmp_path: Path, mount_options: str) -> tuple[subprocess.Popen[bytes], str]:
    """`sightline serve` keeping photos, its photo directory a tmpfs mounted with `mount_options`
    (read-only, or tiny) in a private mount namespace: root ignores permission bits."""
    if subprocess.run(["unshare", "-rm", "true"], check=False).returncode != 0:
        pytest.skip("unshare is not permitted here")
    data = tmp_path / "data"
    photos = data / "photos"
    photos.mkdir(parents=True)
    port = free_port()
    process = subprocess.Popen(
        ["unshare", "-rm", "sh", "-c", f'mount -t tmpfs -o {mount_options} tmpfs "{photos}" && exec "$@"',
         "sh", str(SERVE), "serve", "--port", str(port)],
        env={**os.environ, "SIGHTLINE_ENV": "test", "SIGHTLINE_DATA_DIR": str(data),
             "SIGHTLINE_RETAIN_PHOTOS_HOURS": "1", "SIGHTLINE_ENABLE_SCENE": "false",
             "SIGHTLINE_ENABLE_EXPLICIT": "false"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while True:
        assert process.poll() is None, "server exited"
        assert time.monotonic() < deadline, "server did not start"
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)


@pytest.mark.parametrize("mount_options", ["ro", "size=8k"], ids=["read-only", "disk-full"])
def test_an_unwritable_photo_directory_is_503_not_500(tmp_path: Path, mount_options: str) -> None:
    from support import require_photos_dir

    process, base = serve_with_photos_mount(tmp_path, mount_options)
    photo = (require_photos_dir() / "VizWiz_test_00000046.jpg").read_bytes()
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            email = f"ro-{os.getpid()}-{time.monotonic_ns()}@example.org"
            assert register(client, email).status_code == 201
            token = log_in(client, email).json()["access_token"]
            client.headers["Authorization"] = f"Bearer {token}"
            files = {"photo": ("p.jpg", photo, "image/jpeg")}
            reply = client.post("/v1/descriptions", files=files)
            assert_unavailable(reply, 0.0)  # was 500
            assert reply.headers["x-content-type-options"] == "nosniff"
            with client.stream("POST", "/v1/descriptions", files=files,
                               headers={"Accept": "text/event-stream"}) as stream:
                body = "".join(stream.iter_text())
            assert "event: error" in body and '"unavailable"' in body, body  # was internal_error
            assert client.get("/v1/descriptions").json()["items"] == []  # nothing half-stored
    finally:
        process.terminate()
        process.wait(30)
