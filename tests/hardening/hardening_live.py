"""Real servers for the hardening tests: the app served exactly as `sightline serve` serves it
(app.startup.uvicorn_config), on SQLite or a throw-away PostgreSQL database, with Redis
under a key prefix unique to the run; and a TCP proxy that can blackhole or refuse."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from dbutil import create_postgres_database, drop_postgres_database, sqlite_url
from support import redis_url, require_postgres_url, require_redis_url

from app.main import create_app
from app.settings import Settings
from app.startup import check_database, uvicorn_config

PASSWORD = "a long and unusual passphrase"
RUN_PREFIX = f"sightline-test-{uuid.uuid4().hex[:8]}"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def new_email() -> str:
    """A fresh email address."""
    return f"h-{uuid.uuid4().hex[:12]}@example.org"


def new_address() -> str:
    """A fresh documentation address (TEST-NET) to stand for one client behind a proxy."""
    return f"198.18.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


@dataclass
class Server:
    """The app in a uvicorn server on a background thread."""

    base_url: str
    port: int
    settings: Settings
    server: uvicorn.Server
    thread: threading.Thread
    cleanups: list[object] = field(default_factory=list)

    def client(self, token: str | None = None, address: str | None = None) -> httpx.Client:
        """A client; `address` is sent as X-Forwarded-For (believed only from trusted proxies)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if address:
            headers["X-Forwarded-For"] = address
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=60)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def settings_for(tmp_path: Path, **overrides: object) -> Settings:
    """Test settings: own data dir and secret, the lighter analyzers, a unique Redis prefix,
    the login limits' counts in hour windows."""
    values: dict[str, object] = {
        "env": "test",
        "data_dir": tmp_path,
        "jwt_secret": secrets.token_urlsafe(40),
        "database_url": sqlite_url(tmp_path),
        "enable_scene": False,
        "enable_explicit": False,
        "register_rate_limit": "100000/hour",
        # The production limits in hour windows: on a loaded machine 30 attempts can
        # take longer than a minute, and a minute window would then let the 31st pass.
        "login_rate_limit": "10/hour",
        "login_address_rate_limit": "30/hour",
        "rate_limit_key_prefix": f"{RUN_PREFIX}-{uuid.uuid4().hex[:6]}",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def start(settings: Settings, *, migrate: bool = True) -> Server:
    """Migrate, then serve on a free port and wait until it answers."""
    if migrate:
        asyncio.run(check_database(settings, migrate=True))
    port = free_port()
    config = uvicorn_config(create_app(settings), settings, host="127.0.0.1", port=port)
    config.lifespan = "on"
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 300
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return Server(f"http://127.0.0.1:{port}", port, settings, server, thread)


@contextlib.contextmanager
def database(kind: str, tmp_path: Path) -> Iterator[dict[str, object]]:
    """Settings overrides for a fresh database of `kind` ("sqlite" or "postgres" + Redis)."""
    if kind == "sqlite":
        yield {"database_url": sqlite_url(tmp_path)}
        return
    base = require_postgres_url()
    url = asyncio.run(create_postgres_database(base))
    try:
        yield {"database_url": url, "redis_url": redis_url() or require_redis_url()}
    finally:
        asyncio.run(drop_postgres_database(base, url))


def register(client: httpx.Client, email: str | None = None, password: str = PASSWORD,
             **extra: object) -> httpx.Response:
    """POST /v1/auth/register."""
    return client.post(
        "/v1/auth/register", json={"email": email or new_email(), "password": password, **extra}
    )


def log_in(client: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    """POST /v1/auth/token."""
    return client.post("/v1/auth/token", data={"username": email, "password": password})


def new_account(server: Server) -> tuple[str, dict[str, str]]:
    """Register and log in from a fresh address; (email, token pair)."""
    email = new_email()
    with server.client(address=new_address()) as client:
        assert register(client, email).status_code == 201
        reply = log_in(client, email)
        assert reply.status_code == 200, reply.text
        return email, reply.json()


class FaultProxy:
    """A TCP proxy on 127.0.0.1 in front of one server, that we can break on purpose.

    `pass`: forwards. `blackhole`: accepts connections and swallows bytes both ways
    (a partitioned network: peers wait). `refuse`: stops listening and resets every
    open connection (a server that is down)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.mode = "pass"
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._call(self._listen())

    def _call(self, coroutine: object) -> object:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)  # type: ignore[arg-type]

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(
            self._handle, "127.0.0.1", self.port, reuse_address=True
        )

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        upstream_writer = None
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
            self._writers.add(upstream_writer)
            await asyncio.gather(
                self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)
            )
        except OSError:
            pass
        finally:
            for each in (writer, upstream_writer):
                if each is not None:
                    self._writers.discard(each)
                    each.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            if self.mode == "blackhole":
                continue
            writer.write(data)
            await writer.drain()
        writer.close()

    def set_mode(self, mode: str) -> None:
        """Switch to `pass`, `blackhole` or `refuse`."""
        self._call(self._set_mode(mode))

    async def _set_mode(self, mode: str) -> None:
        previous, self.mode = self.mode, mode
        if mode == "refuse":
            if self._server is not None:
                self._server.close()
                self._server = None
            for writer in list(self._writers):
                writer.transport.abort()
        elif previous == "refuse":
            await self._listen()

    def close(self) -> None:
        self._call(self._set_mode("refuse"))
        self._loop.call_soon_threadsafe(self._loop.stop)
