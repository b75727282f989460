"""Volunteer handoff benchmark: two `sightline serve` processes, one PostgreSQL, one Redis.

Every user is connected to process A and every volunteer to process B, so each
offer, message and state change crosses processes (through Redis, with the
database as the source of truth). The run creates a fresh PostgreSQL database
(dropped at the end) and uses a Redis database number of its own (`--redis-url`),
so nobody else's data is touched. It measures:

1. latency (one call at a time): request → offer (from `POST /v1/handoffs` to the
   volunteer's `offer` frame) and message relay (a `message` sent on A → the frame
   arriving on B, and back), p50/p95;
2. load: `--handoffs` simultaneous handoffs (2 sockets each) exchanging
   `--messages` messages each way, counting lost, duplicated and out-of-order
   messages (all must be 0) and the matching and relay latency under load;
3. memory: the RSS of the two server processes before the sockets open and with
   every socket connected and joined, divided by the number of sockets.

Targets (issue 7, on 2 cores): offer p95 ≤ 100 ms, relay p95 ≤ 50 ms. The exit
status is 1 when a message was lost, duplicated or out of order, or a handoff did
not complete; the latency targets are reported, not enforced (the machine is
shared: the load average is printed beside the figures).

    .venv/bin/python bench/handoff.py                       # 200 handoffs, 400 sockets
    .venv/bin/python bench/handoff.py --handoffs 20 --samples 10 --json var/handoff.json

The classes here (`Cluster`, `Socket`) are also what tests/handoff/test_bench_handoff.py
and tests/handoff/test_webrtc_relay.py use to run servers and speak the protocol.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
# Database 15 is the test suite's; the benchmark keeps to 14 so that neither sees the other's keys.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
# Long enough for the password policy; the same for every bench account.
PASSWORD = "bench handoff password 7 violet lanterns"
OFFER_TARGET_MS = 100.0
RESEND_AFTER_S = 5.0  # a message not acknowledged this long is sent again (same client_id)
RELAY_TARGET_MS = 50.0
Frame = dict[str, Any]


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- a throw-away PostgreSQL database (the way tests/dbutil.py isolates tests) ---


async def create_postgres_database(base_url: str) -> str:
    """Create an empty database beside `base_url`'s and return its URL."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    name = f"sightline_bench_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


async def drop_postgres_database(base_url: str, url: str) -> None:
    """Drop a database made by `create_postgres_database`."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    name = make_url(url).database
    admin = create_async_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


# --- server processes ---


class ServerProcess:
    """`sightline serve` in a subprocess (its stderr goes to a file: a full pipe would stall it)."""

    def __init__(self, label: str, env: dict[str, str], log_dir: Path, source: Path = REPO_ROOT) -> None:
        self.label = label
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/v1/ws"
        self.log_path = log_dir / f"server-{label}.log"
        code = "import sys; from app.cli import main; sys.argv[0] = 'sightline'; main()"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", code, "serve", "--port", str(self.port), "--no-migrate"],
                cwd=source, env=env, stdout=subprocess.DEVNULL, stderr=log,
            )

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the server's log, for error messages."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def wait_ready(self, timeout_s: float) -> None:
        """Poll /readyz until the models are loaded and the database answers."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server {self.label} exited:\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/readyz", timeout=5).status_code == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError(f"server {self.label} was not ready after {timeout_s:.0f} s:\n{self.log_tail()}")

    def rss_bytes(self) -> int:
        """Resident memory of the server process (Linux /proc)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def stop(self) -> None:
        """Ctrl-C the server, then kill it if it does not stop."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@dataclass
class Account:
    """A logged-in account on the cluster."""

    email: str
    role: str
    token: str


class Cluster:
    """`processes` server processes sharing one database (and Redis when given).

    With `postgres_base_url` a fresh database is created next to it and dropped by
    `stop()`; without it the processes share a SQLite file (use one process then:
    that is the embedded default, with the in-process broker)."""

    def __init__(
        self,
        *,
        processes: int = 2,
        postgres_base_url: str | None = None,
        redis_url: str | None = None,
        settings: dict[str, str] | None = None,
        ready_timeout_s: float = 600,
        source: Path = REPO_ROOT,
    ) -> None:
        self.processes = processes
        self.source = source
        self.postgres_base_url = postgres_base_url
        self.redis_url = redis_url
        self.extra_settings = settings or {}
        self.ready_timeout_s = ready_timeout_s
        self.keep_logs = False
        self.run_id = uuid.uuid4().hex[:12]
        self.data_dir = Path(tempfile.mkdtemp(prefix="sightline-handoff-bench-"))
        self.database_url: str | None = None
        self.servers: list[ServerProcess] = []
        self.admin: Account | None = None

    def environment(self) -> dict[str, str]:
        """The environment every server process (and the CLI) runs with."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("SIGHTLINE_")}
        env.update({
            "PYTHONPATH": str(self.source),
            "SIGHTLINE_ENV": "test",
            "SIGHTLINE_DATA_DIR": str(self.data_dir),
            "SIGHTLINE_JWT_SECRET": self.jwt_secret,
            "SIGHTLINE_ACCESS_TOKEN_MINUTES": "240",
            "SIGHTLINE_LOG_LEVEL": "WARNING",
            # The handoff notifications' Redis channel: pub/sub ignores the database
            # number, so a prefix of our own keeps other runs' notifications out.
            "SIGHTLINE_HANDOFF_REDIS_PREFIX": f"sightline-handoff-bench-{self.run_id}",
            # Every bench client comes from 127.0.0.1: per-address limits would throttle the bench.
            "SIGHTLINE_REGISTER_RATE_LIMIT": "1000000/hour",
            "SIGHTLINE_REGISTER_ACCOUNT_RATE_LIMIT": "1000000/hour",
            "SIGHTLINE_LOGIN_RATE_LIMIT": "1000000/hour",
            "SIGHTLINE_LOGIN_ADDRESS_RATE_LIMIT": "1000000/hour",
            "SIGHTLINE_LOGIN_ACCOUNT_RATE_LIMIT": "1000000/hour",
            # A turn-taking bench client sends faster than any person types (over 20 frames a
            # second for many seconds on a quiet machine), which the per-socket frame limit
            # rightly closes with 1008; the limit has its own test (test_handoff_socket.py).
            "SIGHTLINE_HANDOFF_FRAMES_PER_S": "1000",
            "SIGHTLINE_HANDOFF_FRAME_BURST": "1000",
            # The describe models are not what is measured here; loading fewer starts faster.
            "SIGHTLINE_ENABLE_SCENE": "false",
            "SIGHTLINE_ENABLE_EXPLICIT": "false",
            "SIGHTLINE_DATABASE_URL": self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'handoff.db'}",
        })
        if self.redis_url:
            env["SIGHTLINE_REDIS_URL"] = self.redis_url
        env.update(self.extra_settings)
        return env

    async def start(self) -> None:
        """Create the database, migrate it, make an admin, start the servers and wait for them."""
        self.jwt_secret = secrets.token_urlsafe(48)
        if self.postgres_base_url:
            self.database_url = await create_postgres_database(self.postgres_base_url)
        env = self.environment()
        # `accounts create` migrates first: one migration, before any server starts.
        admin_email = f"bench-admin-{uuid.uuid4().hex[:8]}@example.org"
        code = "import sys; from app.cli import main; sys.argv[0] = 'sightline'; main()"
        made = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-c", code, "accounts", "create", "--email", admin_email, "--role", "admin"],
            cwd=self.source, env={**env, "SIGHTLINE_NEW_ACCOUNT_PASSWORD": PASSWORD},
            capture_output=True, text=True, timeout=600, check=False,
        )
        if made.returncode != 0:
            raise RuntimeError(f"creating the bench admin failed: {made.stderr[-2000:]}")
        labels = "ABCDEFGH"
        self.servers = [ServerProcess(labels[index], env, self.data_dir, self.source)
                        for index in range(self.processes)]
        for server in self.servers:
            await asyncio.to_thread(server.wait_ready, self.ready_timeout_s)
        self.admin = await self.log_in(admin_email, "admin")

    async def stop(self, keep_logs: bool = False) -> None:
        """Stop the servers and drop the database (the logs stay when asked, for a failure)."""
        for server in self.servers:
            await asyncio.to_thread(server.stop)
        if self.postgres_base_url and self.database_url:
            await drop_postgres_database(self.postgres_base_url, self.database_url)
        if keep_logs:
            print(f"server logs kept in {self.data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    async def __aenter__(self) -> Cluster:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(self, kind: object, *_: object) -> None:
        await self.stop(keep_logs=kind is not None or self.keep_logs)

    def http(self, index: int = 0, token: str | None = None) -> httpx.AsyncClient:
        """An HTTP client for server `index`, authenticated when a token is given."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        return httpx.AsyncClient(base_url=self.servers[index].url, headers=headers, timeout=120, limits=limits)

    async def log_in(self, email: str, role: str, index: int = 0) -> Account:
        """OAuth2 password login → an Account with its access token."""
        async with self.http(index) as client:
            response = await client.post("/v1/auth/token", data={"username": email, "password": PASSWORD})
            response.raise_for_status()
            return Account(email=email, role=role, token=str(response.json()["access_token"]))

    async def new_user(self, languages: tuple[str, ...] = ("en",), index: int = 0) -> Account:
        """Register a user (the public way) and log in."""
        email = f"bench-user-{uuid.uuid4().hex[:10]}@example.org"
        async with self.http(index) as client:
            response = await client.post(
                "/v1/auth/register",
                json={"email": email, "password": PASSWORD, "languages": list(languages)},
            )
            response.raise_for_status()
        return await self.log_in(email, "user", index)

    async def new_volunteer(
        self, languages: tuple[str, ...] = ("en",), index: int = 0, display_name: str = "Bench volunteer"
    ) -> Account:
        """An admin creates a volunteer; it logs in and saves its profile (no quiet hours)."""
        assert self.admin is not None
        email = f"bench-volunteer-{uuid.uuid4().hex[:10]}@example.org"
        async with self.http(index, self.admin.token) as client:
            response = await client.post(
                "/v1/admin/accounts",
                json={"email": email, "password": PASSWORD, "role": "volunteer", "languages": list(languages)},
            )
            response.raise_for_status()
        volunteer = await self.log_in(email, "volunteer", index)
        await self.put_profile(volunteer, index, languages, display_name)
        return volunteer

    async def bulk_accounts(
        self, role: str, count: int, *, index: int = 0, concurrency: int = 8, languages: tuple[str, ...] = ("en",)
    ) -> list[Account]:
        """Many accounts at once, logged in (volunteers with a profile).

        They are written straight to the database with a *cheap* Argon2id hash: the
        production cost (64 MiB, tens of ms) times hundreds of accounts takes minutes on
        two cores and measures nothing about handoffs. Logging in still goes through
        `POST /v1/auth/token` (verifying uses the parameters stored in the hash)."""
        from argon2 import PasswordHasher

        from app.auth import service as auth_service
        from app.auth.passwords import PasswordService
        from app.db.engine import create_engine, create_session_factory, transaction

        passwords = PasswordService(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        emails = [f"bench-{role}-{uuid.uuid4().hex[:10]}@example.org" for _ in range(count)]
        engine = create_engine(self.environment()["SIGHTLINE_DATABASE_URL"])
        try:
            async with transaction(create_session_factory(engine)) as session:
                for email in emails:
                    await auth_service.create_account(
                        session=session, passwords=passwords, email=email, password=PASSWORD,
                        role=role, languages=list(languages))  # type: ignore[arg-type]
        finally:
            await engine.dispose()
        gate = asyncio.Semaphore(concurrency)

        async def ready(email: str) -> Account:
            async with gate:
                account = await self.log_in(email, role, index)
                if role == "volunteer":
                    await self.put_profile(account, index, languages, "Bench volunteer")
                return account

        return list(await asyncio.gather(*(ready(email) for email in emails)))

    async def put_profile(self, volunteer: Account, index: int, languages: tuple[str, ...], name: str) -> None:
        """`PUT /v1/volunteer/profile`: languages, UTC, no quiet hours."""
        async with self.http(index, volunteer.token) as client:
            response = await client.put(
                "/v1/volunteer/profile",
                json={"display_name": name, "languages": list(languages), "timezone": "UTC", "quiet_hours": None},
            )
            response.raise_for_status()

    def rss_bytes(self) -> int:
        """The summed RSS of every server process."""
        return sum(server.rss_bytes() for server in self.servers)


# --- the WebSocket client ---


class Socket:
    """One authenticated `/v1/ws` connection; frames are read by a background task.

    `wait_for` returns the first frame (already received or still to come) that matches
    a predicate; the frames it passes over stay available to later waits. `received`
    keeps every frame in arrival order (with its arrival time in `arrived`)."""

    def __init__(self, connection: ClientConnection, role: str, early: list[Frame] | None = None) -> None:
        self.connection = connection
        self.role = role
        # Frames the server sent before `ready` (the protocol says `ready` comes first).
        self.before_ready = list(early or [])
        self.received: list[Frame] = list(self.before_ready)
        self.arrived: list[float] = [time.perf_counter()] * len(self.received)
        self._cursor = 0
        self._changed = asyncio.Condition()
        self.closed: asyncio.Future[tuple[int | None, str | None]] = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, ws_url: str, token: str, *, timeout_s: float = 60) -> Socket:
        """Connect, send `auth`, and wait for `ready`."""
        # Keepalive pings with a generous timeout: a loaded server must not be dropped by
        # the client for answering late (the server pings too and drops dead clients).
        connection = await asyncio.wait_for(
            connect(ws_url, max_size=2**20, open_timeout=timeout_s, ping_interval=20, ping_timeout=120), timeout_s)
        await connection.send(json.dumps({"type": "auth", "token": token}))
        early: list[Frame] = []
        deadline = time.monotonic() + timeout_s
        while True:
            frame = json.loads(await asyncio.wait_for(connection.recv(), max(0.1, deadline - time.monotonic())))
            if frame.get("type") == "ready":
                return cls(connection, str(frame["role"]), early)
            if frame.get("type") == "error" or len(early) > 100:
                await connection.close()
                raise RuntimeError(f"expected a ready frame, got {frame!r}")
            early.append(frame)

    async def _read(self) -> None:
        try:
            async for raw in self.connection:
                frame = json.loads(raw)
                now = time.perf_counter()
                async with self._changed:
                    self.received.append(frame)
                    self.arrived.append(now)
                    self._changed.notify_all()
        except Exception:  # a dropped connection ends the reader; `closed` says how
            pass
        finally:
            code, reason = self.connection.close_code, self.connection.close_reason
            if not self.closed.done():
                self.closed.set_result((code, reason))
            async with self._changed:
                self._changed.notify_all()

    async def send(self, frame: Frame) -> None:
        """Send one frame."""
        await self.connection.send(json.dumps(frame))

    async def wait_for(self, predicate: Callable[[Frame], bool], timeout_s: float = 60, *, start: int = 0) -> Frame:
        """The first frame from index `start` on that matches (waiting for it if need be)."""
        return (await self.wait_at(predicate, timeout_s, start=start))[1]

    async def wait_at(
        self, predicate: Callable[[Frame], bool], timeout_s: float = 60, *, start: int = 0
    ) -> tuple[int, Frame]:
        """Like `wait_for`, with the frame's index in `received`."""
        index = start

        def find() -> tuple[int, Frame] | None:
            nonlocal index
            while index < len(self.received):
                frame = self.received[index]
                index += 1
                if predicate(frame):
                    return index - 1, frame
            return None

        async def wait() -> tuple[int, Frame]:
            async with self._changed:
                while True:
                    found = find()
                    if found is not None:
                        return found
                    if self.closed.done():
                        raise ConnectionError(f"socket closed {self.closed.result()} before the frame came")
                    await self._changed.wait()

        return await asyncio.wait_for(wait(), timeout_s)

    def frames(self, kind: str, handoff_id: str | None = None) -> list[Frame]:
        """Every received frame of this type (and handoff)."""
        return [f for f in self.received if f.get("type") == kind and (handoff_id is None or f.get("handoff_id") == handoff_id)]

    async def join(self, handoff_id: str, last_seq: int | None = None) -> None:
        """Attach this socket to a handoff (replaying events after `last_seq`)."""
        frame: Frame = {"type": "join", "handoff_id": handoff_id}
        if last_seq is not None:
            frame["last_seq"] = last_seq
        await self.send(frame)

    def last_seq(self, handoff_id: str) -> int:
        """The highest `seq` this socket has received for a handoff (0: none)."""
        return max((int(f["seq"]) for f in self.received
                    if f.get("handoff_id") == handoff_id and isinstance(f.get("seq"), int)), default=0)

    async def join_from_latest(self, handoff_id: str) -> None:
        """Join asking for every event after the last one this socket saw. The protocol has
        no reply to `join`; none is needed: whatever is sent before the server handles it
        is replayed by it, and what this socket already had is not sent again."""
        await self.join(handoff_id, self.last_seq(handoff_id))

    async def close(self) -> None:
        """Close the connection and stop the reader."""
        await self.connection.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._reader


def is_state(handoff_id: str, state: str) -> Callable[[Frame], bool]:
    """Predicate: a `state` frame of this handoff with this state."""
    return lambda f: f.get("type") == "state" and f.get("handoff_id") == handoff_id and f.get("state") == state


def is_frame(kind: str, handoff_id: str) -> Callable[[Frame], bool]:
    """Predicate: a frame of this type about this handoff."""
    return lambda f: f.get("type") == kind and f.get("handoff_id") == handoff_id


def is_message(client_id: str) -> Callable[[Frame], bool]:
    """Predicate: the `message` frame with this client_id."""
    return lambda f: f.get("type") == "message" and f.get("client_id") == client_id


async def request_handoff(client: httpx.AsyncClient, **body: Any) -> str:
    """`POST /v1/handoffs` → the new handoff's id (raises on anything but 201)."""
    response = await client.post("/v1/handoffs", json=body)
    if response.status_code != 201:
        raise RuntimeError(f"POST /v1/handoffs → {response.status_code} {response.text[:300]}")
    return str(response.json()["id"])


# --- 1. latency, one call at a time ---


@dataclass
class LatencyResult:
    offer_ms: list[float] = field(default_factory=list)
    relay_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


async def measure_latency(
    cluster: Cluster, *, samples: int, messages_per_call: int, volunteers: int, relay_wait_s: float = 30.0,
) -> LatencyResult:
    """Request → offer and message relay latency, user on A and volunteers on B, one call at a time."""
    result = LatencyResult()
    user = await cluster.new_user(index=0)
    helpers = [await cluster.new_volunteer(index=1) for _ in range(volunteers)]
    user_socket = await Socket.open(cluster.servers[0].ws_url, user.token)
    volunteer_sockets = [await Socket.open(cluster.servers[1].ws_url, v.token) for v in helpers]
    try:
        for sock in volunteer_sockets:
            await sock.send({"type": "available"})
        async with cluster.http(0, user.token) as client:
            for sample in range(samples):
                marks = [len(sock.received) for sock in volunteer_sockets]
                began = time.perf_counter()
                handoff_id = await request_handoff(client, note=f"latency sample {sample}")
                offers = [
                    asyncio.create_task(sock.wait_at(is_frame("offer", handoff_id), 60, start=mark))
                    for sock, mark in zip(volunteer_sockets, marks, strict=True)
                ]
                done, pending = await asyncio.wait(offers, return_when=asyncio.FIRST_COMPLETED, timeout=60)
                for task in pending:
                    task.cancel()
                if not done:
                    raise RuntimeError("no volunteer was offered the call within 60 s")
                winner_task = next(iter(done))
                winner = volunteer_sockets[offers.index(winner_task)]
                result.offer_ms.append((winner.arrived[winner_task.result()[0]] - began) * 1000)

                await winner.send({"type": "accept", "handoff_id": handoff_id})
                await winner.wait_for(is_state(handoff_id, "active"), 60)
                await user_socket.wait_for(is_state(handoff_id, "active"), 60)
                await winner.join_from_latest(handoff_id)
                await user_socket.join_from_latest(handoff_id)
                for number in range(messages_per_call):
                    sender, receiver = (user_socket, winner) if number % 2 == 0 else (winner, user_socket)
                    client_id = f"lat-{sample}-{number}"
                    mark = len(receiver.received)
                    sent = time.perf_counter()
                    await sender.send({"type": "message", "handoff_id": handoff_id, "text": f"ping {number}",
                                       "client_id": client_id})
                    try:
                        position, _ = await receiver.wait_at(is_message(client_id), relay_wait_s, start=mark)
                    except TimeoutError:
                        acked = [f.get("seq") for f in sender.received
                                 if f.get("type") == "ack" and f.get("client_id") == client_id]
                        result.failures.append(
                            f"call {sample} message {number} ({'user on A → volunteer on B' if number % 2 == 0 else 'volunteer on B → user on A'}, "
                            f"stored as seq {acked}): not relayed within {relay_wait_s:.0f} s")
                        break  # the rest of this call would only wait behind it
                    result.relay_ms.append((receiver.arrived[position] - sent) * 1000)
                await user_socket.send({"type": "end", "handoff_id": handoff_id})
                await winner.wait_for(is_state(handoff_id, "ended"), 60)
                await user_socket.wait_for(is_state(handoff_id, "ended"), 60)
    finally:
        for sock in [user_socket, *volunteer_sockets]:
            await sock.close()
    return result


# --- 2. many handoffs at once ---


@dataclass
class LoadResult:
    handoffs: int = 0
    completed: int = 0
    expected_messages: int = 0
    delivered: int = 0
    lost: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    ack_mismatches: int = 0
    match_ms: list[float] = field(default_factory=list)
    relay_ms: list[float] = field(default_factory=list)
    request_statuses: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    rss_before: int = 0
    rss_connected: int = 0
    rss_after_messages: int = 0
    sockets: int = 0
    wall_s: float = 0.0
    offers: int = 0
    late_offers: int = 0
    talk_started: float = float("inf")
    talk_ended: float = 0.0
    interval_s: float = 0.0
    drops: list[str] = field(default_factory=list)  # close codes of sockets the server dropped
    resent: int = 0  # messages sent again (same client_id) after no ack
    reordered_by_resend: int = 0
    mismatch_examples: list[str] = field(default_factory=list)
    frames_before_ready: int = 0
    recovered_after_503: int = 0  # requests answered 503 that existed (found by GET /v1/handoffs)
    phases: Counter[str] = field(default_factory=Counter)
    max_client_lag_ms: float = 0.0


class Side:
    """One account's end of a call that survives dropped sockets, as a phone app would:
    when its socket is gone it reconnects, joins with the highest `seq` it saw, and
    resends the messages that were never acknowledged (same `client_id`). Every frame
    of every socket it had is kept, in arrival order, for the counting."""

    def __init__(self, ws_url: str, token: str, sock: Socket) -> None:
        self.ws_url, self.token = ws_url, token
        self.sockets = [sock]
        self.drops: list[tuple[int | None, str | None]] = []
        self.unacked: dict[str, Frame] = {}
        self.sent_at: dict[str, float] = {}  # client_id → when it was last sent
        self.resent = 0
        self._lock = asyncio.Lock()

    @property
    def sock(self) -> Socket:
        """The current socket."""
        return self.sockets[-1]

    def frames(self) -> list[tuple[Frame, float]]:
        """Every frame every socket of this side received, with arrival times."""
        return [pair for sock in self.sockets for pair in zip(sock.received, sock.arrived, strict=True)]

    async def ensure(self, handoff_id: str | None) -> bool:
        """Reconnect if the socket is gone (joining `handoff_id` and resending what was not
        acknowledged); True when it had to."""
        async with self._lock:
            if not self.sock.closed.done():
                return False
            self.drops.append(self.sock.closed.result())
            new = await self._reopen()
            last = max(sock.last_seq(handoff_id) for sock in self.sockets) if handoff_id else 0
            self.sockets.append(new)
            if handoff_id:
                await new.join(handoff_id, last)
                self.forget_acked()
                for frame in list(self.unacked.values()):
                    self.sent_at[str(frame["client_id"])] = time.monotonic()
                    self.resent += 1
                    await new.send(frame)
            return True

    async def _reopen(self, attempts: int = 6) -> Socket:
        """A new socket; a server too busy to authenticate is tried again (with a backoff)."""
        for attempt in range(attempts):
            try:
                return await Socket.open(self.ws_url, self.token, timeout_s=20)
            except (OSError, RuntimeError, TimeoutError, WebSocketException):
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(min(5.0, 0.2 * 2**attempt))
        raise AssertionError("unreachable")

    async def resend_stale(self, older_than_s: float) -> None:
        """Send again (same client_id) what has waited this long for its ack: the server
        answers `unavailable` (without saying which message) when it could not store one."""
        self.forget_acked()
        now = time.monotonic()
        for client_id, frame in list(self.unacked.items()):
            if now - self.sent_at.get(client_id, now) >= older_than_s:
                self.sent_at[client_id] = now
                self.resent += 1
                with contextlib.suppress(ConnectionClosed):
                    await self.sock.send(frame)

    def forget_acked(self) -> None:
        """Drop the acknowledged messages from the resend list."""
        for frame, _ in self.frames():
            if frame.get("type") == "ack":
                self.unacked.pop(str(frame.get("client_id")), None)

    async def send(self, frame: Frame, handoff_id: str | None) -> None:
        """Send a frame, reconnecting first when the socket is gone."""
        for _attempt in range(5):
            await self.ensure(handoff_id)
            try:
                await self.sock.send(frame)
                return
            except ConnectionClosed:
                await asyncio.sleep(0.1)
        raise ConnectionError("could not send after 5 reconnections")

    async def send_message(self, handoff_id: str, text: str, client_id: str) -> None:
        """Send a message, reconnecting (and resending) when the socket is gone."""
        frame = {"type": "message", "handoff_id": handoff_id, "text": text, "client_id": client_id}
        self.unacked[client_id] = frame
        self.sent_at[client_id] = time.monotonic()
        for _attempt in range(5):
            if await self.ensure(handoff_id):
                return  # ensure() resent it with the others
            try:
                await self.sock.send(frame)
                return
            except ConnectionClosed:
                await asyncio.sleep(0.1)

    async def wait_for(self, predicate: Callable[[Frame], bool], timeout_s: float, handoff_id: str | None) -> Frame:
        """The first matching frame on any socket of this side, reconnecting as needed."""
        deadline = time.monotonic() + timeout_s
        for frame, _ in self.frames():
            if predicate(frame):
                return frame
        while True:
            sock = self.sock
            try:
                return await sock.wait_for(predicate, max(0.1, deadline - time.monotonic()))
            except ConnectionError:
                if time.monotonic() > deadline:
                    raise
                await self.ensure(handoff_id)

    async def close(self) -> None:
        """Close the current socket."""
        await self.sock.close()


class VolunteerAgent:
    """A volunteer client: accepts one offer at a time; in a call, declines every offer
    (pending ones, and ones that still arrive: an offer can race with the accept that
    made this volunteer busy) so that those requests ring someone else now. A dropped
    socket is reopened (and made available again while not in a call)."""

    def __init__(self, side: Side, calls: dict[str, asyncio.Future[Side]]) -> None:
        self.side = side
        self.calls = calls  # handoff id → resolved with the winner's side
        self.handoff_id: str | None = None
        self.offers = 0
        self.late_offers = 0  # offers received while already in a call
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        pending: list[str] = []
        withdrawn: set[str] = set()
        trying: str | None = None
        sock, index = self.side.sock, 0
        while True:
            if sock is not self.side.sock:
                sock, index = self.side.sock, 0
            try:
                position, frame = await sock.wait_at(lambda f: True, timeout_s=3600, start=index)
            except ConnectionError:
                if await self.side.ensure(self.handoff_id) and self.handoff_id is None:
                    trying = None
                    await self.side.sock.send({"type": "available"})
                continue
            index = position + 1
            kind, handoff_id = frame.get("type"), frame.get("handoff_id")
            if kind == "offer":
                self.offers += 1
                if self.handoff_id is not None:
                    self.late_offers += 1
                    await sock.send({"type": "decline", "handoff_id": handoff_id})
                else:
                    pending.append(str(handoff_id))
            elif kind == "offer_withdrawn":
                withdrawn.add(str(handoff_id))
                if handoff_id == trying:
                    trying = None
            elif kind == "state" and frame.get("state") == "active" and handoff_id == trying:
                self.handoff_id, trying = trying, None
                future = self.calls.setdefault(str(handoff_id), asyncio.get_running_loop().create_future())
                if not future.done():
                    future.set_result(self.side)
                for other in pending:
                    if other not in withdrawn:
                        await sock.send({"type": "decline", "handoff_id": other})
                pending.clear()
            elif kind == "state" and handoff_id == self.handoff_id and frame.get("state") in ("ended", "cancelled"):
                self.handoff_id = None  # available again
            elif kind == "error" and trying is not None and handoff_id in (trying, None):
                trying = None  # already taken (or expired): try the next offer
            if trying is None and self.handoff_id is None:
                candidates = [h for h in pending if h not in withdrawn]
                if candidates:
                    trying = candidates[0]
                    pending.remove(trying)
                    await sock.send({"type": "accept", "handoff_id": trying})


async def step(name: str, awaitable: Any, timeout_s: float) -> Any:
    """Await with a timeout whose error says which step it was."""
    try:
        return await asyncio.wait_for(awaitable, timeout_s)
    except TimeoutError:
        raise TimeoutError(f"{name}: nothing after {timeout_s:.0f} s") from None


async def pass_barrier(barrier: asyncio.Barrier, timeout_s: float) -> None:
    """Wait at a barrier; a broken one (another handoff failed) or a timeout lets everyone through."""
    try:
        await asyncio.wait_for(barrier.wait(), timeout_s)
    except (asyncio.BrokenBarrierError, TimeoutError):
        await barrier.abort()


@dataclass
class Barriers:
    joined: asyncio.Barrier  # every handoff active and joined (+ the measuring task)
    talked: asyncio.Barrier  # every handoff done talking


async def run_pair(
    index: int, user: Side, client: httpx.AsyncClient, calls: dict[str, asyncio.Future[Side]],
    result: LoadResult, barriers: Barriers, *, messages: int, interval_s: float, timeout_s: float,
) -> None:
    """One handoff under load (a failure breaks the barriers so that the others go on)."""
    try:
        await _run_pair(index, user, client, calls, result, barriers, messages=messages,
                        interval_s=interval_s, timeout_s=timeout_s)
    except BaseException:
        await barriers.joined.abort()
        await barriers.talked.abort()
        raise


async def _run_pair(
    index: int, user: Side, client: httpx.AsyncClient, calls: dict[str, asyncio.Future[Side]],
    result: LoadResult, barriers: Barriers, *, messages: int, interval_s: float, timeout_s: float,
) -> None:
    """Request, wait for a volunteer, join, exchange messages, count, end."""
    began = time.perf_counter()
    for attempt in range(6):  # a busy server answers 503: try again, as an app would
        response = await client.post("/v1/handoffs", json={"note": f"load {index}"})
        result.request_statuses[str(response.status_code)] = result.request_statuses.get(str(response.status_code), 0) + 1
        if response.status_code != 503:
            break
        await asyncio.sleep(0.5 * 2**attempt)
    if response.status_code == 409 and attempt > 0:
        # A 503 that had in fact created the request (seen under load): find it, as an app would.
        mine = await client.get("/v1/handoffs", params={"limit": 1})
        found = mine.json().get("handoffs", []) if mine.status_code == 200 else []
        if found and found[0]["state"] in ("ringing", "active"):
            result.recovered_after_503 += 1
            response = httpx.Response(201, json={"id": found[0]["id"]})
    if response.status_code != 201:
        raise RuntimeError(f"request {index}: {response.status_code} {response.text[:200]}")
    handoff_id = str(response.json()["id"])
    result.phases["ringing"] += 1
    future = calls.setdefault(handoff_id, asyncio.get_running_loop().create_future())
    volunteer: Side = await step("no volunteer accepted", future, timeout_s)
    await step("the user heard no `active`",
               user.wait_for(is_state(handoff_id, "active"), timeout_s, handoff_id), timeout_s)
    result.match_ms.append((time.perf_counter() - began) * 1000)
    result.phases["ringing"] -= 1
    marks = {"u": len(volunteer.frames()), "v": len(user.frames())}  # where each receiver's count starts
    for each in (volunteer, user):
        await each.send({"type": "join", "handoff_id": handoff_id,
                         "last_seq": max(sock.last_seq(handoff_id) for sock in each.sockets)}, handoff_id)
    result.phases["talking"] += 1
    await pass_barrier(barriers.joined, timeout_s)  # every socket connected and joined: the memory figure is taken here

    sent_at: dict[str, float] = {}
    expected = {side: [f"{side}-{index}-{n}" for n in range(messages)] for side in ("u", "v")}
    sender = {"u": user, "v": volunteer}
    receiver = {"u": volunteer, "v": user}

    async def talk(side: str) -> None:
        for number, client_id in enumerate(expected[side]):
            sent_at[client_id] = time.perf_counter()
            await sender[side].send_message(handoff_id, f"{side} {number}", client_id)
            await asyncio.sleep(interval_s)

    def messages_of(side: str) -> list[tuple[Frame, float]]:
        return [(f, t) for f, t in receiver[side].frames()[marks[side]:]
                if f.get("type") == "message" and f.get("handoff_id") == handoff_id]

    def complete(side: str) -> bool:
        sender[side].forget_acked()
        got = {str(f.get("client_id")) for f, _ in messages_of(side)}
        return not sender[side].unacked and got >= set(expected[side])

    result.talk_started = min(result.talk_started, time.perf_counter())
    await asyncio.gather(talk("u"), talk("v"))
    # Wait (bounded) until each side holds every message and every ack, reconnecting a
    # side whose socket the server dropped; then count.
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not (complete("u") and complete("v")):
        for each in (user, volunteer):
            await each.ensure(handoff_id)
            await each.resend_stale(RESEND_AFTER_S)
        await asyncio.sleep(0.5)  # arrival times are stamped by the reader, not by this poll
    # Count once every handoff has finished talking: a late duplicate has had time to arrive.
    result.phases["talking"] -= 1
    result.phases["done talking"] += 1
    await pass_barrier(barriers.talked, timeout_s)

    for side in ("u", "v"):
        frames = messages_of(side)
        ids = [str(f["client_id"]) for f, _ in frames]
        result.expected_messages += messages
        result.delivered += len(set(ids) & set(expected[side]))
        result.lost += len(set(expected[side]) - set(ids))
        result.duplicated += len(ids) - len(set(ids))
        # out of order: a seq lower than one received before it (the order is the seq order).
        # A message the sender had to resend is stored (and numbered) after the ones it sent
        # meanwhile: that reordering is the sender's, counted apart.
        last_seq, last_number = -1, -1
        for frame, arrived in frames:
            number = int(str(frame["client_id"]).rsplit("-", 1)[1])
            if int(frame["seq"]) <= last_seq:
                result.out_of_order += 1
            elif number < last_number:
                result.reordered_by_resend += 1
            last_seq, last_number = max(last_seq, int(frame["seq"])), max(last_number, number)
            if frame["client_id"] in sent_at:
                result.relay_ms.append((arrived - sent_at[str(frame["client_id"])]) * 1000)
                result.talk_ended = max(result.talk_ended, arrived)
        # the seq in the sender's ack is the seq the other side received
        acks: dict[str, set[int]] = {}
        for f, _ in sender[side].frames():
            if f.get("type") == "ack":
                acks.setdefault(str(f["client_id"]), set()).add(int(f["seq"]))
        seqs: dict[str, set[int]] = {}
        for f, _ in frames:
            seqs.setdefault(str(f["client_id"]), set()).add(int(f["seq"]))
        for client_id in expected[side]:
            if client_id in seqs and client_id in acks and acks[client_id] != seqs[client_id]:
                result.ack_mismatches += 1
                if len(result.mismatch_examples) < 10:
                    result.mismatch_examples.append(
                        f"{client_id}: acked {sorted(acks[client_id])}, delivered {sorted(seqs[client_id])}")

    result.phases["done talking"] -= 1
    result.phases["ending"] += 1
    await user.send({"type": "end", "handoff_id": handoff_id}, handoff_id)
    await step("the volunteer heard no `ended`",
               volunteer.wait_for(is_state(handoff_id, "ended"), timeout_s, handoff_id), timeout_s)
    await step("the user heard no `ended`", user.wait_for(is_state(handoff_id, "ended"), timeout_s, handoff_id), timeout_s)
    result.completed += 1
    result.phases["ending"] -= 1


async def measure_load(
    cluster: Cluster, *, handoffs: int, messages: int, interval_s: float, timeout_s: float, setup_concurrency: int,
) -> LoadResult:
    """`handoffs` simultaneous handoffs, users on A and volunteers on B."""
    result = LoadResult(handoffs=handoffs, interval_s=interval_s)
    gate = asyncio.Semaphore(setup_concurrency)

    async def side(url: str, token: str) -> Side:
        async with gate:
            return Side(url, token, await Socket.open(url, token))

    progress(f"load: creating {handoffs} users and {handoffs} volunteers")
    users = await cluster.bulk_accounts("user", handoffs, index=0, concurrency=setup_concurrency)
    volunteers = await cluster.bulk_accounts("volunteer", handoffs, index=1, concurrency=setup_concurrency)
    progress(f"load: opening {2 * handoffs} sockets")
    result.rss_before = cluster.rss_bytes()
    user_sides = await asyncio.gather(*(side(cluster.servers[0].ws_url, u.token) for u in users))
    volunteer_sides = await asyncio.gather(*(side(cluster.servers[1].ws_url, v.token) for v in volunteers))
    result.sockets = len(user_sides) + len(volunteer_sides)
    calls: dict[str, asyncio.Future[Side]] = {}
    agents = [VolunteerAgent(v, calls) for v in volunteer_sides]
    for volunteer in volunteer_sides:
        await volunteer.sock.send({"type": "available"})
    barriers = Barriers(joined=asyncio.Barrier(handoffs + 1), talked=asyncio.Barrier(handoffs))

    async def watch_lag() -> None:
        # The bench's own event loop must keep up, or its latencies are its own.
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.1)
            result.max_client_lag_ms = max(result.max_client_lag_ms, (time.perf_counter() - before - 0.1) * 1000)

    async def report_progress() -> None:
        while True:
            await asyncio.sleep(30)
            phases = {name: count for name, count in result.phases.items() if count}
            resent = sum(each.resent for each in [*user_sides, *volunteer_sides])
            drops = sum(len(each.drops) for each in [*user_sides, *volunteer_sides])
            progress(f"load: {phases} completed={result.completed} resent={resent} reconnects={drops}")

    lag_task = asyncio.create_task(watch_lag())
    progress_task = asyncio.create_task(report_progress())
    began = time.perf_counter()
    clients = [cluster.http(0, u.token) for u in users]
    try:
        pairs = [
            asyncio.create_task(run_pair(
                index, user_sides[index], clients[index], calls, result, barriers,
                messages=messages, interval_s=interval_s, timeout_s=timeout_s))
            for index in range(handoffs)
        ]
        progress(f"load: {handoffs} requests sent")
        with contextlib.suppress(asyncio.BrokenBarrierError, TimeoutError):
            await asyncio.wait_for(barriers.joined.wait(), timeout_s)
        result.rss_connected = cluster.rss_bytes()
        progress("load: every handoff active and joined; talking")
        outcomes = await asyncio.gather(*pairs, return_exceptions=True)
        result.rss_after_messages = cluster.rss_bytes()
        for number, outcome in enumerate(outcomes):
            if isinstance(outcome, BaseException):
                result.errors.append(f"handoff {number}: {type(outcome).__name__}: {outcome}")
    finally:
        result.wall_s = time.perf_counter() - began
        for agent in agents:
            agent.task.cancel()
            result.offers += agent.offers
            result.late_offers += agent.late_offers
        lag_task.cancel()
        progress_task.cancel()
        for each in [*user_sides, *volunteer_sides]:
            result.frames_before_ready += sum(len(sock.before_ready) for sock in each.sockets)
            result.resent += each.resent
            result.drops.extend(f"{code} {reason or ''}".strip() for code, reason in each.drops)
        for http_client in clients:
            await http_client.aclose()
        await asyncio.gather(*(each.close() for each in [*user_sides, *volunteer_sides]), return_exceptions=True)
    return result


# --- report ---


_STARTED = time.monotonic()


def progress(text: str) -> None:
    """A progress line on stderr (the figures go to stdout)."""
    print(f"[{time.monotonic() - _STARTED:7.1f} s] {text}", file=sys.stderr, flush=True)


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    return [round(value, 2) for value in os.getloadavg()]


def summary(latency: LatencyResult | None, load: LoadResult | None, load_avg: dict[str, list[float]]) -> dict[str, Any]:
    """Every figure, as printed and as written by --json."""
    out: dict[str, Any] = {"cpus": os.cpu_count(), "load_average": load_avg,
                           "targets": {"offer_p95_ms": OFFER_TARGET_MS, "relay_p95_ms": RELAY_TARGET_MS}}
    if latency is not None:
        out["latency"] = {
            "offer_samples": len(latency.offer_ms),
            "offer_p50_ms": round(percentile(latency.offer_ms, 50), 1),
            "offer_p95_ms": round(percentile(latency.offer_ms, 95), 1),
            "relay_samples": len(latency.relay_ms),
            "relay_p50_ms": round(percentile(latency.relay_ms, 50), 1),
            "relay_p95_ms": round(percentile(latency.relay_ms, 95), 1),
        }
        out["latency"]["failures"] = latency.failures
        out["latency"]["offer_target_met"] = out["latency"]["offer_p95_ms"] <= OFFER_TARGET_MS
        out["latency"]["relay_target_met"] = out["latency"]["relay_p95_ms"] <= RELAY_TARGET_MS
    if load is not None:
        mib = 1024 * 1024
        out["load"] = {
            "handoffs": load.handoffs, "sockets": load.sockets, "completed": load.completed,
            "expected_messages": load.expected_messages, "delivered": load.delivered,
            "lost": load.lost, "duplicated": load.duplicated, "out_of_order": load.out_of_order,
            "ack_seq_mismatches": load.ack_mismatches,
            "ack_mismatch_examples": load.mismatch_examples,
            "reordered_by_resend": load.reordered_by_resend,
            "frames_before_ready": load.frames_before_ready,
            "bench_client_max_loop_lag_ms": round(load.max_client_lag_ms, 1),
            "match_p50_ms": round(percentile(load.match_ms, 50), 1),
            "match_p95_ms": round(percentile(load.match_ms, 95), 1),
            "relay_p50_ms": round(percentile(load.relay_ms, 50), 1),
            "relay_p95_ms": round(percentile(load.relay_ms, 95), 1),
            "request_statuses": load.request_statuses,
            "requests_created_despite_503": load.recovered_after_503,
            "offers": load.offers,
            "offers_to_volunteers_in_a_call": load.late_offers,
            "sockets_dropped_by_server": len(load.drops),
            "messages_resent": load.resent,
            "drop_close_codes": sorted(set(load.drops)),
            "messages_per_s_offered": round(load.sockets / load.interval_s, 1) if load.interval_s else None,
            "messages_per_s_delivered": round(load.delivered / (load.talk_ended - load.talk_started), 1)
            if load.talk_ended > load.talk_started else None,
            "rss_before_mib": round(load.rss_before / mib, 1),
            "rss_connected_mib": round(load.rss_connected / mib, 1),
            "rss_after_messages_mib": round(load.rss_after_messages / mib, 1),
            "mib_per_connection": round((load.rss_connected - load.rss_before) / mib / max(load.sockets, 1), 3),
            "wall_s": round(load.wall_s, 1),
            "errors": load.errors[:20],
        }
    return out


def print_table(figures: dict[str, Any]) -> None:
    """A human-readable table of the figures."""
    rows: list[tuple[str, str]] = []
    if "latency" in figures:
        lat = figures["latency"]
        rows += [
            ("request → offer p50 / p95", f"{lat['offer_p50_ms']} / {lat['offer_p95_ms']} ms "
             f"(target p95 ≤ {OFFER_TARGET_MS:.0f}: {'met' if lat['offer_target_met'] else 'MISSED'}; n={lat['offer_samples']})"),
            ("message relay p50 / p95", f"{lat['relay_p50_ms']} / {lat['relay_p95_ms']} ms "
             f"(target p95 ≤ {RELAY_TARGET_MS:.0f}: {'met' if lat['relay_target_met'] else 'MISSED'}; n={lat['relay_samples']})"),
        ]
    if "load" in figures:
        load = figures["load"]
        rows += [
            ("handoffs completed", f"{load['completed']} / {load['handoffs']} ({load['sockets']} sockets)"),
            ("messages delivered", f"{load['delivered']} / {load['expected_messages']}"),
            ("lost / duplicated / out of order", f"{load['lost']} / {load['duplicated']} / {load['out_of_order']}"),
            ("ack seq ≠ delivered seq", f"{load['ack_seq_mismatches']} {load['ack_mismatch_examples'][:3]}"),
            ("sender order ≠ seq order (resends)", str(load["reordered_by_resend"])),
            ("frames before `ready`", str(load["frames_before_ready"])),
            ("bench client's worst loop lag", f"{load['bench_client_max_loop_lag_ms']} ms"),
            ("under load: match p50 / p95", f"{load['match_p50_ms']} / {load['match_p95_ms']} ms"),
            ("under load: relay p50 / p95", f"{load['relay_p50_ms']} / {load['relay_p95_ms']} ms"),
            ("messages/s offered / delivered", f"{load['messages_per_s_offered']} / {load['messages_per_s_delivered']}"),
            ("offers made (to volunteers in a call)", f"{load['offers']} ({load['offers_to_volunteers_in_a_call']})"),
            ("sockets dropped by the server (resumed)", f"{load['sockets_dropped_by_server']} {load['drop_close_codes']}"),
            ("messages resent (no ack within 5 s)", str(load["messages_resent"])),
            ("server RSS before / connected / after", f"{load['rss_before_mib']} / {load['rss_connected_mib']} / "
             f"{load['rss_after_messages_mib']} MiB"),
            ("memory per connection", f"{load['mib_per_connection']} MiB"),
            ("POST /v1/handoffs statuses", json.dumps(load["request_statuses"])),
            ("503 that had created the request", str(load["requests_created_despite_503"])),
            ("load phase wall time", f"{load['wall_s']} s"),
        ]
    rows.append(("load average (start / end)", f"{figures['load_average']['start']} / {figures['load_average']['end']}"
                 f" on {figures['cpus']} CPUs"))
    for failure in figures.get("latency", {}).get("failures", []):
        rows.append(("latency phase failure", failure))
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    for error in figures.get("load", {}).get("errors", []):
        print(f"error: {error}")


def correct(figures: dict[str, Any]) -> bool:
    """No message lost, duplicated or out of order, and every handoff completed."""
    if figures.get("latency", {}).get("failures"):
        return False
    load = figures.get("load")
    if load is None:
        return True
    return bool(load["lost"] == load["duplicated"] == load["out_of_order"] == load["ack_seq_mismatches"] == 0
            and load["completed"] == load["handoffs"])


@contextlib.contextmanager
def fd_limit(wanted: int) -> Iterator[None]:
    """Raise the soft open-files limit (400 sockets and their HTTP clients need more than 1024)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, wanted), hard), hard))
    yield


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    """Start the cluster, run the phases, stop it."""
    settings = dict(item.split("=", 1) for item in args.setting)
    # The bench's own figures must not hit a ring timeout or an offer expiry by accident.
    settings.setdefault("SIGHTLINE_HANDOFF_RING_TIMEOUT_S", "900")
    settings.setdefault("SIGHTLINE_HANDOFF_OFFER_S", "600")
    load_avg = {"start": load_average()}
    latency = load = None
    cluster = Cluster(processes=2, postgres_base_url=args.postgres_url, redis_url=args.redis_url,
                      settings=settings, ready_timeout_s=args.ready_timeout, source=args.source)
    cluster.keep_logs = args.keep_logs
    async with cluster:
        progress(f"servers ready: A={cluster.servers[0].url} B={cluster.servers[1].url}")
        if args.samples:
            progress(f"latency: {args.samples} calls, one at a time")
            latency = await measure_latency(cluster, samples=args.samples, messages_per_call=args.relay_per_call,
                                            volunteers=args.latency_volunteers)
        if args.handoffs:
            load = await measure_load(cluster, handoffs=args.handoffs, messages=args.messages,
                                      interval_s=args.interval_ms / 1000, timeout_s=args.timeout,
                                      setup_concurrency=args.setup_concurrency)
    load_avg["end"] = load_average()
    return summary(latency, load, load_avg)


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print the table (and optionally the JSON)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--handoffs", type=int, default=200, help="simultaneous handoffs (2 sockets each); 0 skips")
    parser.add_argument("--messages", type=int, default=20, help="messages each side sends per handoff")
    parser.add_argument("--interval-ms", type=float, default=1000,
                        help="pause between one side's messages (a person's pace; lower it to stress the relay)")
    parser.add_argument("--samples", type=int, default=40, help="calls for the latency phase; 0 skips it")
    parser.add_argument("--relay-per-call", type=int, default=10, help="ping-pong messages timed per latency call")
    parser.add_argument("--latency-volunteers", type=int, default=3, help="volunteers online in the latency phase")
    parser.add_argument("--postgres-url", default=os.environ.get("SIGHTLINE_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL,
                        help="server to make a throw-away database on")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--setting", action="append", default=[], metavar="NAME=VALUE",
                        help="extra server environment, e.g. SIGHTLINE_HANDOFF_FANOUT=5 (repeatable)")
    parser.add_argument("--setup-concurrency", type=int, default=8, help="accounts and sockets set up at once")
    parser.add_argument("--timeout", type=float, default=300, help="seconds any one step of a handoff may take")
    parser.add_argument("--ready-timeout", type=float, default=600, help="seconds a server may take to start")
    parser.add_argument("--source", type=Path, default=REPO_ROOT,
                        help="run the servers from this source tree (default: this checkout)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the servers' logs (their path is printed)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)
    # A terminated bench stops its servers and drops its database like an interrupted one.
    signal.signal(signal.SIGTERM, lambda *_: signal.raise_signal(signal.SIGINT))
    with fd_limit(8192):
        try:
            import uvloop  # the client side must not be the bottleneck

            runner: Any = uvloop.run
        except ImportError:
            runner = asyncio.run
        figures = runner(bench(args))
    print_table(figures)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if correct(figures) else 1


if __name__ == "__main__":
    sys.exit(main())
