"""Back-pressure benchmark: concurrent clients against a real server.

Starts a server (default settings, SQLite in a temporary directory) from this
checkout — and, with `--compare DIR`, a second one from another source tree,
e.g. an export of `main` — registers a user on each, then runs C clients in a
closed loop, each sending `--per-client` describes of the shared photos with
their questions. Reports, per level: p50/p95 latency of the answered requests
(201), how many got 503 and any other status, and the wall time. A `burst`
level sends all of its requests at once (the issue's "20 at once").

The machine is shared: absolute figures move with the load from other work
(the load average is printed); compare servers measured in the same run.

    python bench/backpressure.py [--levels 4,16] [--per-client 2] [--burst 20]
    git archive main | tar -x -C /tmp/sightline-main
    python bench/backpressure.py --compare /tmp/sightline-main
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "bench"))
from describe import DEFAULT_PHOTOS, load_items, percentile  # noqa: E402


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`sightline serve` from a source tree, in a subprocess with its own data dir."""

    def __init__(self, source: Path, label: str) -> None:
        self.label = label
        self.port = free_port()
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"sightline-bench-{label}-"))
        env = {
            **os.environ,
            "PYTHONPATH": str(source),
            "SIGHTLINE_ENV": "development",
            "SIGHTLINE_DATA_DIR": str(self.data_dir),
            "SIGHTLINE_REGISTER_RATE_LIMIT": "1000/hour",
            "SIGHTLINE_LOG_LEVEL": "WARNING",
        }
        for name in ("SIGHTLINE_DATABASE_URL", "SIGHTLINE_REDIS_URL", "SIGHTLINE_WORKER_THREADS"):
            env.pop(name, None)
        code = "import sys; from app.cli import main; sys.argv[0] = 'sightline'; main()"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, "serve", "--port", str(self.port)],
            cwd=source, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout_s: float = 600) -> None:
        """Poll /readyz until the models are loaded."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.label} server exited: {self.process.stderr.read()[-2000:]!r}")
            try:
                if httpx.get(self.url + "/readyz", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"{self.label} server did not become ready")

    def token(self) -> str:
        """Register a fresh user and return an access token."""
        email, password = f"bench-{uuid.uuid4().hex[:8]}@example.org", "bench password 123"
        with httpx.Client(base_url=self.url, timeout=60) as client:
            client.post("/v1/auth/register", json={"email": email, "password": password}).raise_for_status()
            tokens = client.post("/v1/auth/token", data={"username": email, "password": password})
            tokens.raise_for_status()
            return str(tokens.json()["access_token"])

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def run_level(
    url: str, token: str, items: list[tuple[str, str, bytes]], *, clients: int, per_client: int,
    burst: bool, timeout_s: float,
) -> dict[str, Any]:
    """C clients each sending `per_client` describes back to back (or all at once for a burst)."""
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    retry_after: set[str] = set()
    work = [items[n % len(items)] for n in range(clients * per_client)]
    limits = httpx.Limits(max_connections=clients + 4, max_keepalive_connections=clients + 4)
    async with httpx.AsyncClient(base_url=url, timeout=timeout_s, limits=limits,
                                 headers={"Authorization": f"Bearer {token}"}) as client:

        async def send(item: tuple[str, str, bytes]) -> None:
            name, question, data = item
            began = time.perf_counter()
            try:
                response = await client.post("/v1/descriptions", files={"photo": (name, data, "image/jpeg")},
                                             data={"question": question})
            except httpx.HTTPError as error:
                statuses[type(error).__name__] += 1
                return
            statuses[str(response.status_code)] += 1
            if response.status_code == 201:
                latencies.append((time.perf_counter() - began) * 1000)
            if response.status_code == 503:
                retry_after.add(response.headers.get("retry-after", "none"))

        async def client_loop(index: int) -> None:
            for item in work[index::clients]:
                await send(item)

        began = time.perf_counter()
        if burst:
            await asyncio.gather(*(send(item) for item in work))
        else:
            await asyncio.gather(*(client_loop(index) for index in range(clients)))
        wall_s = time.perf_counter() - began
    return {
        "clients": clients,
        "requests": len(work),
        "ok_201": len(latencies),
        "refused_503": statuses.get("503", 0),
        "statuses": dict(statuses),
        "retry_after": sorted(retry_after),
        "p50_ms": round(percentile(latencies, 50)),
        "p95_ms": round(percentile(latencies, 95)),
        "wall_s": round(wall_s, 1),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def print_row(label: str, level: str, row: dict[str, Any]) -> None:
    """One line per server and level."""
    print(f"{label:<8} {level:<10} ok={row['ok_201']:>3}/{row['requests']:<3} 503={row['refused_503']:<3} "
          f"p50={row['p50_ms']:>6} ms p95={row['p95_ms']:>6} ms wall={row['wall_s']:>6} s "
          f"load={row['load_avg_1m']} statuses={row['statuses']} retry_after={row['retry_after']}",
          flush=True)


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    """Run every level against every server, interleaved so that load changes hit both."""
    items = load_items(args.photos, args.limit)
    sources = [("new", REPO_ROOT)] + ([("compare", args.compare)] if args.compare else [])
    servers = [Server(source, label) for label, source in sources]
    results: dict[str, Any] = {"cpus": os.cpu_count(), "servers": {s.label: {} for s in servers}}
    try:
        for server in servers:
            server.wait_ready()
        tokens = {server.label: server.token() for server in servers}
        # Warm up each server once (first inference pays lazy initialisation).
        for server in servers:
            await run_level(server.url, tokens[server.label], items[:1], clients=1, per_client=1,
                            burst=False, timeout_s=args.timeout)
        levels = [(f"clients={c}", c, args.per_client, False) for c in args.levels]
        if args.burst:
            levels.append((f"burst={args.burst}", args.burst, 1, True))
        for name, clients, per_client, burst in levels:
            for server in servers:
                row = await run_level(server.url, tokens[server.label], items, clients=clients,
                                      per_client=per_client, burst=burst, timeout_s=args.timeout)
                results["servers"][server.label][name] = row
                print_row(server.label, name, row)
    finally:
        for server in servers:
            server.stop()
    return results


def main() -> None:
    """Parse options, run, print (and optionally save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=Path, default=DEFAULT_PHOTOS)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N photos")
    parser.add_argument("--levels", type=lambda s: [int(x) for x in s.split(",")], default=[4, 16])
    parser.add_argument("--per-client", type=int, default=2, help="describes per client per level")
    parser.add_argument("--burst", type=int, default=20, help="requests sent at once (0: none)")
    parser.add_argument("--timeout", type=float, default=300.0, help="per request, seconds")
    parser.add_argument("--compare", type=Path, default=None, help="another source tree to serve")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args()
    results = asyncio.run(bench(args))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
