"""Real servers and real WebSocket clients for the handoff tests.

A server is uvicorn in a thread (full app, lifespan, middleware) or a
`sightline serve` subprocess; clients are `websockets` connections and httpx.
Every wait is on a frame or a condition with a generous deadline, never a sleep.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
import websockets
from dbutil import sqlite_url

from app.handoff.frames import SERVER_FRAME
from app.main import create_app
from app.settings import Settings

START_TIMEOUT_S = 300
FRAME_TIMEOUT_S = 30.0
PASSWORD = "correct horse battery staple"
_languages = itertools.count()


def unique_language() -> str:
    """A 3-letter language tag no other test uses: volunteers of one test are never
    rung for another test's handoffs on a shared server."""
    n = next(_languages) + os.getpid() * 7 % 300
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "q" + letters[(n // 26) % 26] + letters[n % 26]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def handoff_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings for a handoff test server (its own data dir, secret and database)."""
    values: dict[str, object] = {
        "env": "test",
        "data_dir": tmp_path,
        "jwt_secret": secrets.token_urlsafe(40),
        "register_rate_limit": "100000/hour",
        "register_account_rate_limit": "100000/hour",
        "login_rate_limit": "100000/hour",
        "login_address_rate_limit": "100000/hour",
        "login_account_rate_limit": "100000/hour",
        "database_url": sqlite_url(tmp_path),
        "enable_scene": False,
        "enable_explicit": False,
        "handoff_sweep_s": 0.2,
        "allowed_origins": "https://volunteer.example.org",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@dataclass
class Server:
    """A running Sightline server."""

    base_url: str
    settings: Settings
    stop: Callable[[], None]
    admin_token: str = ""

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/v1/ws"

    def client(self, token: str | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=60)


def migrate(settings: Settings) -> None:
    """Apply the migrations (as `sightline serve` does)."""
    from app.cli import _upgrade

    asyncio.run(_upgrade(settings))


def start_in_thread(settings: Settings) -> Server:
    """uvicorn in a background thread, pinging as `sightline serve` does (10 s, 10 s)."""
    migrate(settings)
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None,
                            lifespan="on", ws_ping_interval=10, ws_ping_timeout=10)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=30)

    result = Server(base_url=f"http://127.0.0.1:{port}", settings=settings, stop=stop)
    result.admin_token = make_admin(result)
    return result


def start_process(env: dict[str, str], data_dir: Path, *, migrate_first: bool) -> Server:
    """`sightline serve` as a separate process (its own event loop, broker subscriber, sweeper)."""
    port = free_port()
    full_env = {**os.environ, **env, "SIGHTLINE_DATA_DIR": str(data_dir)}
    log = open(data_dir / f"serve-{port}.log", "wb")
    args = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    if not migrate_first:
        args.append("--no-migrate")
    process = subprocess.Popen(args, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            log.close()
            raise RuntimeError(f"sightline serve exited: {(data_dir / f'serve-{port}.log').read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/v1/health", timeout=2).status_code < 500:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("sightline serve did not start")
        time.sleep(0.2)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()

    settings = Settings(_env_file=None, data_dir=data_dir,  # type: ignore[call-arg]
                        database_url=env["SIGHTLINE_DATABASE_URL"], env="test",
                        jwt_secret=env["SIGHTLINE_JWT_SECRET"])
    return Server(base_url=base, settings=settings, stop=stop)


def make_admin(server: Server, database_url: str | None = None) -> str:
    """Create an admin straight in the database; its access token."""
    from app.auth.passwords import PasswordService
    from app.auth.service import create_account
    from app.db.engine import create_engine, create_session_factory, transaction

    email = f"admin-{uuid.uuid4().hex[:8]}@example.org"

    async def create() -> None:
        engine = create_engine(database_url or server.settings.resolved_database_url)
        async with transaction(create_session_factory(engine)) as session:
            await create_account(session=session, passwords=PasswordService(), email=email,
                                 password=PASSWORD, role="admin")
        await engine.dispose()

    asyncio.run(create())
    response = httpx.post(f"{server.base_url}/v1/auth/token",
                          data={"username": email, "password": PASSWORD}, timeout=60)
    return str(response.json()["access_token"])


@dataclass
class Account:
    """A logged-in account."""

    email: str
    token: str
    id: str
    session: str = ""


async def log_in(server: Server, email: str) -> dict[str, Any]:
    async with server.client() as client:
        response = await client.post("/v1/auth/token", data={"username": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return dict(response.json())


async def new_user(server: Server, language: str = "en") -> Account:
    """Register and log in a user whose first language is `language`."""
    email = f"user-{uuid.uuid4().hex[:10]}@example.org"
    async with server.client() as client:
        response = await client.post("/v1/auth/register",
                                     json={"email": email, "password": PASSWORD, "languages": [language]})
        assert response.status_code == 201, response.text
        account_id = response.json()["id"]
    tokens = await log_in(server, email)
    return Account(email=email, token=tokens["access_token"], id=account_id)


async def new_volunteer(server: Server, language: str, *, name: str = "Aiko",
                        timezone: str = "UTC", quiet_hours: dict[str, str] | None = None) -> Account:
    """An admin creates a volunteer, who logs in and writes a profile."""
    email = f"volunteer-{uuid.uuid4().hex[:10]}@example.org"
    async with server.client(server.admin_token) as admin:
        response = await admin.post("/v1/admin/accounts", json={
            "email": email, "password": PASSWORD, "role": "volunteer", "languages": [language]})
        assert response.status_code == 201, response.text
        account_id = response.json()["id"]
    tokens = await log_in(server, email)
    account = Account(email=email, token=tokens["access_token"], id=account_id)
    async with server.client(account.token) as client:
        response = await client.put("/v1/volunteer/profile", json={
            "display_name": name, "languages": [language], "timezone": timezone,
            "quiet_hours": quiet_hours})
        assert response.status_code == 200, response.text
    return account


def checked(raw: str | bytes) -> dict[str, Any]:
    """A received frame, validated against the published server-frame schema."""
    frame = json.loads(raw)
    SERVER_FRAME.validate_python(frame)
    return dict(frame)


@dataclass
class Peer:
    """A WebSocket client: frames are read into a buffer; `expect` waits for one."""

    connection: Any
    frames: list[dict[str, Any]] = field(default_factory=list)
    role: str = ""

    @classmethod
    async def open(cls, server: Server, token: str, **connect_args: Any) -> Peer:
        """Connect, authenticate and wait for `ready`."""
        # The tests read each peer's frames lazily; an unbounded client queue keeps the
        # library reading (and answering pings) meanwhile, as a real app's reader loop does.
        connect_args.setdefault("max_queue", None)
        connection = await websockets.connect(server.ws_url, open_timeout=60, **connect_args)
        peer = cls(connection=connection)
        await peer.send({"type": "auth", "token": token})
        ready = await peer.expect("ready")
        peer.role = ready["role"]
        return peer

    async def send(self, frame: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(frame))

    async def expect(self, kind: str, timeout: float = FRAME_TIMEOUT_S, **fields: Any) -> dict[str, Any]:
        """The first buffered or next frame of `kind` whose fields match; it leaves the buffer."""
        deadline = time.monotonic() + timeout
        while True:
            for index, frame in enumerate(self.frames):
                if frame.get("type") == kind and all(frame.get(k) == v for k, v in fields.items()):
                    return self.frames.pop(index)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {kind} frame {fields} within {timeout} s; got {self.frames}")
            try:
                raw = await asyncio.wait_for(self.connection.recv(), timeout=remaining)
            except TimeoutError:
                continue
            self.frames.append(checked(raw))

    async def expect_any(self, kinds: tuple[str, ...], timeout: float = FRAME_TIMEOUT_S) -> dict[str, Any]:
        """The first buffered or next frame of any of `kinds`; it leaves the buffer."""
        deadline = time.monotonic() + timeout
        while True:
            for index, frame in enumerate(self.frames):
                if frame.get("type") in kinds:
                    return self.frames.pop(index)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {kinds} frame within {timeout} s; got {self.frames}")
            try:
                raw = await asyncio.wait_for(self.connection.recv(), timeout=remaining)
            except TimeoutError:
                continue
            self.frames.append(checked(raw))

    async def drain(self, quiet_s: float = 0.3) -> list[dict[str, Any]]:
        """Frames that arrive until none has for `quiet_s` (only for asserting an absence)."""
        while True:
            try:
                raw = await asyncio.wait_for(self.connection.recv(), timeout=quiet_s)
            except TimeoutError:
                return self.frames
            self.frames.append(checked(raw))

    async def closed_with(self, timeout: float = FRAME_TIMEOUT_S) -> int | None:
        """Read until the server closes; the close code."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    self.frames.append(checked(await self.connection.recv()))
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None

    async def close(self) -> None:
        await self.connection.close()


async def create_handoff(server: Server, user: Account, language: str, **body: Any) -> str:
    """POST /v1/handoffs; the new id."""
    async with server.client(user.token) as client:
        response = await client.post("/v1/handoffs", json={"language": language, **body})
        assert response.status_code == 201, response.text
        assert response.json()["state"] == "ringing"
        return str(response.json()["id"])


async def connected_call(server: Server, language: str) -> tuple[Account, Account, Peer, Peer, str]:
    """A user and a volunteer in an active handoff, both on sockets."""
    user = await new_user(server, language)
    volunteer = await new_volunteer(server, language)
    user_peer = await Peer.open(server, user.token)
    volunteer_peer = await Peer.open(server, volunteer.token)
    await volunteer_peer.send({"type": "available"})
    handoff_id = await create_handoff(server, user, language)
    await volunteer_peer.expect("offer", handoff_id=handoff_id)
    await volunteer_peer.send({"type": "accept", "handoff_id": handoff_id})
    await volunteer_peer.expect("state", handoff_id=handoff_id, state="active")
    await user_peer.expect("state", handoff_id=handoff_id, state="active")
    return user, volunteer, user_peer, volunteer_peer, handoff_id


class tuned:
    """Change a thread server's handoff settings for one test (the service reads them live)."""

    def __init__(self, server: Server, **values: Any) -> None:
        self.server, self.values, self.saved = server, values, {}

    def __enter__(self) -> None:
        for name, value in self.values.items():
            self.saved[name] = getattr(self.server.settings, name)
            setattr(self.server.settings, name, value)

    def __exit__(self, *_exc: object) -> None:
        for name, value in self.saved.items():
            setattr(self.server.settings, name, value)


async def query(server: Server, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Read the server's database directly (assertions about what is stored)."""
    from sqlalchemy import text

    from app.db.engine import create_engine

    engine = create_engine(server.settings.resolved_database_url)
    try:
        async with engine.connect() as connection:
            return [tuple(row) for row in (await connection.execute(text(sql), params)).all()]
    finally:
        await engine.dispose()


async def wait_until(condition: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> None:
    """Poll an async condition until true (for state only visible in the database)."""
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not hold within {timeout} s")
        await asyncio.sleep(0.1)
