"""What `sightline serve` checks before it listens, and the uvicorn configuration it serves with.

A server that cannot work (a data directory it cannot write, a database it
cannot reach) says so in one line and exits non-zero within seconds, instead
of retrying for a minute and printing hundreds of lines of traceback. The
checks are bounded by the same connect timeout the API uses.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import make_url, text

from app.db.engine import DatabaseTimeouts, create_engine
from app.settings import Settings

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI


class StartupError(Exception):
    """A reason the server cannot start, as one sentence for the operator."""


def prepare_data_dir(path: Path) -> None:
    """Create the data directory 0700 (or tighten it) and prove it is writable."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
            path.chmod(0o700)
        probe = path / f".write-check-{secrets.token_hex(4)}"
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        probe.unlink()
    except OSError as error:
        raise StartupError(
            f"the data directory {path} is not writable ({error.strerror or type(error).__name__}); "
            "set SIGHTLINE_DATA_DIR to a writable directory"
        ) from error


def database_label(database_url: str) -> str:
    """Where the database is, without its password."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database}"
    return f"{url.get_backend_name()} at {url.host}:{url.port or 5432}/{url.database}"


def explain_database_error(error: BaseException) -> str:
    """A short reason for a failed connection, without driver text that may echo a URL."""
    for link in (error, error.__cause__, getattr(error, "orig", None)):
        if isinstance(link, ConnectionRefusedError):
            return "connection refused"
        if isinstance(link, TimeoutError):
            return "no answer (timed out)"
        if isinstance(link, OSError) and link.strerror:
            return link.strerror.lower()
    name = type(getattr(error, "orig", None) or error).__name__
    return {"InvalidPasswordError": "authentication failed",
            "InvalidCatalogNameError": "the database does not exist"}.get(name, name)


async def check_database(settings: Settings, *, migrate: bool) -> None:
    """Connect once (bounded) and, when asked, apply migrations; StartupError otherwise."""
    from app.db.migrate import upgrade_database

    url = settings.resolved_database_url
    try:
        engine = create_engine(url, DatabaseTimeouts.for_migrations(settings))
    except OSError as error:  # the SQLite file cannot be created
        raise StartupError(f"cannot create the {database_label(url)} ({error.strerror})") from error
    try:
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:
            raise StartupError(
                f"cannot reach the database ({database_label(url)}): "
                f"{explain_database_error(error)}"
            ) from error
        if migrate:
            try:
                await upgrade_database(engine)
            except Exception as error:
                raise StartupError(
                    f"migrating the database ({database_label(url)}) failed: "
                    f"{explain_database_error(error)}"
                ) from error
    finally:
        await engine.dispose()


def uvicorn_config(app: FastAPI, settings: Settings, *, host: str, port: int) -> uvicorn.Config:
    """How the API is served: X-Forwarded-* believed only from SIGHTLINE_TRUSTED_PROXIES
    (uvicorn's ProxyHeadersMiddleware, as `--forwarded-allow-ips` does), so the
    client address that rate limits count is the real client's."""
    import uvicorn

    trusted = settings.trusted_proxies.strip()
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        # Off without trusted proxies: uvicorn would otherwise trust 127.0.0.1, or
        # whatever FORWARDED_ALLOW_IPS says, and anyone there could pick their address.
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
        # issue 7 (handoff): a volunteer whose connection died stops being rung within
        # 30 s: a ping every 10 s, and no pong within 10 s closes the socket.
        ws_ping_interval=10.0,
        ws_ping_timeout=10.0,
    )
