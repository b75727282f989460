"""A before/after probe of issue 13's classes against a real `sightline serve` process.

Not a test (pytest does not collect it): it prints what a server does, so that
the same command can be run on the code before and after a change.

    .venv/bin/python tests/hardening/probe_server.py [--postgres URL] [--redis URL]

Traffic goes to 127.0.0.1 only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
SERVE = Path(sys.executable).parent / "sightline"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`sightline serve` in a subprocess with its own data dir."""

    def __init__(self, data_dir: Path, **env: str) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "SIGHTLINE_ENV": "test",
            "SIGHTLINE_DATA_DIR": str(data_dir),
            "SIGHTLINE_ENABLE_SCENE": "false",
            "SIGHTLINE_ENABLE_EXPLICIT": "false",
            **env,
        }
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = data_dir.parent / f"serve-{self.port}.log"

    def start(self, timeout: float = 120) -> Server:
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(
            [str(SERVE), "serve", "--port", str(self.port)],
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        while time.monotonic() - self.started_at < timeout:
            if self.process.poll() is not None:
                return self
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)

    def rss_mib(self) -> float:
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0


def email() -> str:
    return f"probe-{uuid.uuid4().hex[:10]}@example.org"


def register(client: httpx.Client, address: str | None = None, **body: object) -> httpx.Response:
    headers = {"X-Forwarded-For": address} if address else {}
    payload = {"email": email(), "password": "a fine long passphrase", **body}
    return client.post("/v1/auth/register", json=payload, headers=headers)


# --- class 2 ----------------------------------------------------------------------


def probe_rate_limits(server: Server) -> dict[str, object]:
    with httpx.Client(base_url=server.base, timeout=60) as client:
        victim = email()
        register(client, email=victim)
        rotating = [
            client.post(
                "/v1/auth/token",
                data={"username": victim, "password": "wrong password"},
                headers={"X-Forwarded-For": f"203.0.113.{i}"},
            ).status_code
            for i in range(15)
        ]
        spray_targets = []
        for _ in range(40):
            target = email()
            register(client, email=target, address=f"198.51.100.{len(spray_targets)}")
            spray_targets.append(target)
        spray = [
            client.post(
                "/v1/auth/token", data={"username": target, "password": "Summer2024!"}
            ).status_code
            for target in spray_targets
        ]
    return {
        "login_15_rotating_xff_429s": rotating.count(429),
        "spray_40_accounts_one_address_429s": spray.count(429),
    }


def redis_keys(url: str) -> list[str]:
    """This server's rate-limit keys (other people's runs share the database)."""
    import redis

    prefix = os.environ.get("SIGHTLINE_RATE_LIMIT_KEY_PREFIX", "sightline-limits")
    client = redis.Redis.from_url(url)
    return [key.decode() for key in client.scan_iter(match=f"{prefix}:*", count=1000)][:2000]


# --- class 7 ----------------------------------------------------------------------


def probe_sessions(server: Server) -> dict[str, object]:
    out: dict[str, object] = {}
    with httpx.Client(base_url=server.base, timeout=60) as client:
        user = email()
        register(client, email=user)
        first = client.post("/v1/auth/token", data={"username": user, "password": "a fine long passphrase"}).json()
        second = client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).json()
        replay = client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        after = client.post("/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
        me = client.get("/v1/me", headers={"Authorization": f"Bearer {second['access_token']}"})
        out["refresh_replay_status"] = replay.status_code
        out["rotated_successor_after_replay"] = after.status_code
        out["access_after_replay"] = me.status_code
        out["register_common_password"] = register(client, password="password123").status_code
        out["register_whitespace_password"] = register(client, password=" " * 12).status_code
        out["register_300_char_passphrase"] = register(client, password="horse " * 50).status_code
        existing = email()
        register(client, email=existing)
        taken, fresh = [], []
        for _ in range(5):
            started = time.perf_counter()
            reply = register(client, email=existing)
            taken.append(time.perf_counter() - started)
            started = time.perf_counter()
            register(client)
            fresh.append(time.perf_counter() - started)
        out["register_taken_ms_median"] = round(statistics.median(taken) * 1000)
        out["register_new_ms_median"] = round(statistics.median(fresh) * 1000)
        out["register_taken_status_detail"] = [reply.status_code, reply.json().get("detail")]
        languages = register(client, languages=["en,fr,de"])
        out["languages_with_commas"] = [languages.status_code, languages.json().get("languages")]
    return out


# --- class 4 ----------------------------------------------------------------------


def chunks(total: int, size: int = 65536) -> Iterator[bytes]:
    sent = 0
    yield b'{"email": "x@example.org", "password": "'
    while sent < total:
        yield b"a" * size
        sent += size
    yield b'"}'


def raw_exchange(server: Server, request: bytes, wait: float) -> tuple[bytes, float]:
    """Send raw bytes; return the first reply bytes (or b'') and when they came."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=wait) as sock:
        sock.sendall(request)
        try:
            reply = sock.recv(4096)
        except TimeoutError:
            reply = b""
    return reply, time.monotonic() - started


def probe_bodies(server: Server) -> dict[str, object]:
    out: dict[str, object] = {}
    before = server.rss_mib()
    started = time.monotonic()
    try:
        reply = httpx.post(f"{server.base}/v1/auth/register", content=chunks(64 * 2**20),
                           headers={"content-type": "application/json"}, timeout=60)
        out["json_64MiB_chunked_register"] = reply.status_code
    except httpx.HTTPError as error:
        out["json_64MiB_chunked_register"] = type(error).__name__
    out["json_64MiB_seconds"] = round(time.monotonic() - started, 2)
    out["json_64MiB_rss_growth_mib"] = round(server.rss_mib() - before, 1)
    reply, elapsed = raw_exchange(
        server,
        b"POST /v1/auth/register HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000000000000\r\n\r\n",
        wait=15,
    )
    out["declared_1e12_register"] = [reply[:12].decode(errors="replace"), round(elapsed, 2)]
    boundary = "probeboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode()
    body = head + b"\xff\xd8\xff" + b"0" * (14 * 2**20) + f"\r\n--{boundary}--\r\n".encode()
    started = time.monotonic()
    reply_status: object
    try:
        reply_status = httpx.post(f"{server.base}/v1/descriptions", content=body, timeout=60,
                                  headers={"content-type": f"multipart/form-data; boundary={boundary}"}
                                  ).status_code
    except httpx.HTTPError as error:
        reply_status = type(error).__name__
    out["unauthenticated_14MiB_upload"] = [reply_status, round(time.monotonic() - started, 2)]
    stalled, elapsed = raw_exchange(
        server,
        b"POST /v1/auth/register HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{\"email\":",
        wait=40,
    )
    out["stalled_body_reply_after_s"] = [stalled[:12].decode(errors="replace"), round(elapsed, 1)]
    return out


# --- class 8 ----------------------------------------------------------------------


def probe_headers(server: Server) -> dict[str, object]:
    with httpx.Client(base_url=server.base, timeout=60) as client:
        user = email()
        register(client, email=user)
        token = client.post("/v1/auth/token", data={"username": user, "password": "a fine long passphrase"})
        docs = client.get("/v1/docs")
        metrics = client.get("/metrics")
    modes = {
        path.name: oct(path.stat().st_mode & 0o777)
        for path in [server.data_dir, *sorted(server.data_dir.iterdir())]
        if path.name != "models"
    }
    return {
        "token_headers": {k: token.headers.get(k) for k in
                          ("cache-control", "x-content-type-options", "referrer-policy")},
        "docs_csp": docs.headers.get("content-security-policy"),
        "metrics_without_token": metrics.status_code,
        "file_modes": modes,
    }


def sqlite_secure_delete(data_dir: Path) -> object:
    import sqlite3

    db = data_dir / "sightline.db"
    if not db.exists():
        return None
    connection = sqlite3.connect(db)
    try:
        return connection.execute("PRAGMA secure_delete").fetchone()[0]
    finally:
        connection.close()


# --- class 5 ----------------------------------------------------------------------


def probe_startup_faults(workdir: Path) -> dict[str, object]:
    out: dict[str, object] = {}
    read_only = workdir / "ro"
    read_only.mkdir()
    port = free_port()
    serve = [str(SERVE), "serve", "--port", str(free_port())]
    # Root ignores permission bits: a read-only tmpfs in a private mount namespace.
    ro_command = ["unshare", "-rm", "sh", "-c",
                  f'mount -t tmpfs -o ro tmpfs "{read_only}" && exec "$@"', "sh", *serve]
    cases = {
        "read_only_data_dir": (ro_command, {"SIGHTLINE_DATA_DIR": str(read_only / "data")}),
        "refused_database": (serve, {
            "SIGHTLINE_DATA_DIR": str(workdir / "refused"),
            "SIGHTLINE_DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:{port}/x",
        }),
    }
    for name, (command, env) in cases.items():
        started = time.monotonic()
        try:
            result = subprocess.run(
                command,
                env={**os.environ, "SIGHTLINE_ENV": "test", "SIGHTLINE_ENABLE_SCENE": "false",
                     "SIGHTLINE_ENABLE_EXPLICIT": "false", **env},
                capture_output=True, text=True, timeout=150, check=False,
            )
        except subprocess.TimeoutExpired:
            out[name] = {"exit": "still running after 150 s"}
            continue
        lines = (result.stdout + result.stderr).strip().splitlines()
        out[name] = {"exit": result.returncode, "seconds": round(time.monotonic() - started, 1),
                     "lines": len(lines), "last": lines[-1][:200] if lines else ""}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="base URL; a throw-away database is made")
    parser.add_argument("--redis")
    args = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env: dict[str, str] = {"SIGHTLINE_REGISTER_RATE_LIMIT": "100000/hour"}
        url = None
        if args.postgres:
            sys.path.insert(0, str(HERE.parent))
            from dbutil import create_postgres_database

            url = asyncio.run(create_postgres_database(args.postgres))
            env["SIGHTLINE_DATABASE_URL"] = url
        if args.redis:
            env["SIGHTLINE_REDIS_URL"] = args.redis
        # Class 2 on a server of its own: its spraying exhausts 127.0.0.1's login limits.
        limits_server = Server(workdir / "limits", **env).start()
        try:
            results["class2"] = probe_rate_limits(limits_server)
            if args.redis:
                keys = redis_keys(args.redis)
                results["class2"]["redis_keys_with_at_sign"] = sum("@" in k for k in keys)  # type: ignore[index]
                results["class2"]["redis_key_example"] = keys[0] if keys else None  # type: ignore[index]
        finally:
            limits_server.stop()
        server = Server(workdir / "data", **env).start()
        try:
            results["class7"] = probe_sessions(server)
            results["class8"] = probe_headers(server)
            results["class8"]["sqlite_secure_delete"] = sqlite_secure_delete(workdir / "data")  # type: ignore[index]
            print(json.dumps(results), file=sys.stderr, flush=True)
            results["class4"] = probe_bodies(server)
            print(json.dumps(results), file=sys.stderr, flush=True)
        finally:
            server.stop()
        if args.redis:
            dead = Server(workdir / "dead-redis", SIGHTLINE_REDIS_URL=f"redis://127.0.0.1:{free_port()}/15",
                          **{k: v for k, v in env.items() if k != "SIGHTLINE_REDIS_URL"}).start()
            try:
                with httpx.Client(base_url=dead.base, timeout=60) as client:
                    results["class5_redis_down_register"] = register(client).status_code
            finally:
                dead.stop()
        results["class5_startup"] = probe_startup_faults(workdir)
        if url and args.postgres:
            from dbutil import drop_postgres_database

            asyncio.run(drop_postgres_database(args.postgres, url))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
