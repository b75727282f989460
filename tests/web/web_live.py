"""Servers and browsers for the web client tests: real uvicorn servers (in this process,
or as separate `sightline serve` processes on PostgreSQL + Redis) and Debian's chromium."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from dbutil import sqlite_url

from app.main import create_app
from app.settings import Settings

CHROMIUM = "/usr/bin/chromium"
SERVER_START_TIMEOUT_S = 300
PASSWORD = "correct horse battery staple"
AXE_JS = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
# The WCAG 2.0, 2.1 and 2.2 rules at levels A and AA (axe-core's tags).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def run_async(coroutine: object) -> None:
    """asyncio.run in a thread of its own: Playwright's sync API keeps an event loop running
    in the test thread, where asyncio.run refuses to start."""
    failures: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coroutine)  # type: ignore[arg-type]
        except BaseException as error:
            failures.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_settings(tmp_path: Path, **overrides: object) -> dict[str, object]:
    """Settings values for a test server: own data dir and secret, generous rate limits."""
    values: dict[str, object] = {
        "env": "test",
        "data_dir": str(tmp_path),
        "jwt_secret": secrets.token_urlsafe(40),
        "register_rate_limit": "100000/hour",
        "register_account_rate_limit": "100000/hour",
        "login_rate_limit": "100000/hour",
        "login_address_rate_limit": "100000/hour",
        "login_account_rate_limit": "100000/hour",
        "database_url": sqlite_url(tmp_path),
    }
    values.update(overrides)
    return values


@dataclass
class Server:
    """A running Sightline server, in a thread of this process or as a child process."""

    base_url: str
    settings: Settings
    stop_callbacks: list = field(default_factory=list)

    def client(self, token: str | None = None) -> httpx.Client:
        """An HTTP client for this server."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=120)

    def stop(self) -> None:
        for callback in self.stop_callbacks:
            callback()


def migrate(settings: Settings) -> None:
    """Apply the migrations (once per database, before any server starts)."""
    from app.cli import _upgrade

    run_async(_upgrade(settings))


def start_thread_server(values: dict[str, object]) -> Server:
    """Serve the app from a thread of this process on a free port."""
    settings = Settings(**values)  # type: ignore[arg-type]
    migrate(settings)
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None,
                            lifespan="on", ws_ping_interval=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=30)

    return Server(base_url=f"http://127.0.0.1:{port}", settings=settings, stop_callbacks=[stop])


def start_process_server(values: dict[str, object], log_path: Path) -> Server:
    """Run `sightline serve --no-migrate` as a separate process configured by environment."""
    settings = Settings(**values)  # type: ignore[arg-type]
    port = free_port()
    env = dict(os.environ)
    for name, value in values.items():
        env[f"SIGHTLINE_{name.upper()}"] = str(value)
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--no-migrate"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server process exited: {log_path.read_text()[-2000:]}")
        try:
            if httpx.get(base_url + "/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the server process did not start")
        time.sleep(0.2)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()

    return Server(base_url=base_url, settings=settings, stop_callbacks=[stop])


def new_email(kind: str = "user") -> str:
    """A fresh email address for an account made by a test."""
    return f"{kind}-{uuid.uuid4().hex[:10]}@example.org"


def create_account(settings: Settings, *, role: str, languages: list[str] | None = None) -> str:
    """Create an account directly in the database (volunteers and admins have no sign-up)."""
    from app.auth.passwords import PasswordService
    from app.auth.service import create_account as create
    from app.db.engine import create_engine, create_session_factory, transaction

    email = new_email(role)

    async def run() -> None:
        engine = create_engine(settings.resolved_database_url)
        try:
            async with transaction(create_session_factory(engine)) as session:
                await create(session=session, passwords=PasswordService(), email=email,
                             password=PASSWORD, role=role, languages=languages or ["en"])
        finally:
            await engine.dispose()

    run_async(run())
    return email


def make_volunteer(server: Server, *, name: str = "Kenji", languages: list[str] | None = None) -> str:
    """A volunteer account with a profile (display name, languages, no quiet hours)."""
    email = create_account(server.settings, role="volunteer", languages=languages or ["en"])
    with server.client() as client:
        token = client.post("/v1/auth/token", data={"username": email, "password": PASSWORD}).json()
    with server.client(token["access_token"]) as client:
        response = client.put("/v1/volunteer/profile", json={
            "display_name": name, "languages": languages or ["en"], "timezone": "UTC",
            "quiet_hours": None,
        })
        assert response.status_code == 200, response.text
        client.post("/v1/auth/logout")
    return email


def make_user(server: Server) -> str:
    """A registered user account."""
    email = new_email()
    with server.client() as client:
        response = client.post("/v1/auth/register", json={"email": email, "password": PASSWORD})
        assert response.status_code == 201, response.text
    return email


def require_handoff(server: Server) -> None:
    """The call flows need the handoff routes: their absence is a failure, not a skip."""
    with server.client() as client:
        paths = client.get("/v1/openapi.json").json()["paths"]
    assert "/v1/handoffs" in paths, "the handoff server (issue 7) is missing from the app"
