"""A real Sightline server (uvicorn on a free port, full middleware and lifespan) and accounts on it."""

from __future__ import annotations

import asyncio
import secrets
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from dbutil import sqlite_url

from app.main import create_app
from app.settings import Settings

SERVER_START_TIMEOUT_S = 300


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A uvicorn server running our app in a background thread."""

    base_url: str
    settings: Settings
    server: uvicorn.Server
    thread: threading.Thread

    def client(self, token: str | None = None, *, timeout: float = 120) -> httpx.Client:
        """An HTTP client for this server, authenticated when a token is given."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def start_server(settings: Settings) -> LiveServer:
    """Migrate the database, then serve the app on a free port and wait until it answers."""
    from app.cli import _upgrade

    asyncio.run(_upgrade(settings))
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return LiveServer(base_url=f"http://127.0.0.1:{port}", settings=settings, server=server, thread=thread)


def server_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings for a test server: its own data dir and secret, generous register limit."""
    values: dict[str, object] = {
        "env": "test",
        "data_dir": tmp_path,
        "jwt_secret": secrets.token_urlsafe(40),
        "register_rate_limit": "100000/hour",
        "login_rate_limit": "10/minute",
        "database_url": sqlite_url(tmp_path),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@dataclass
class Account:
    """A registered, logged-in account on the live server."""

    email: str
    password: str
    access_token: str
    refresh_token: str
    client: httpx.Client


def register_and_log_in(server: LiveServer) -> Account:
    """Register a fresh user and log in."""
    email = f"user-{uuid.uuid4().hex[:10]}@example.org"
    password = "correct horse battery staple"
    with server.client() as anonymous:
        assert anonymous.post("/v1/auth/register", json={"email": email, "password": password}).status_code == 201
        tokens = anonymous.post("/v1/auth/token", data={"username": email, "password": password}).json()
    return Account(email=email, password=password, access_token=tokens["access_token"],
                   refresh_token=tokens["refresh_token"], client=server.client(tokens["access_token"]))


