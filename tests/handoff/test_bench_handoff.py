"""bench/handoff.py runs end to end with tiny numbers: two server processes on PostgreSQL +
Redis (skipped without SIGHTLINE_TEST_POSTGRES_URL / SIGHTLINE_TEST_REDIS_URL), every
figure present, and no message lost, duplicated or out of order."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from support import require_postgres_url, require_redis_url

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_with_tiny_numbers(tmp_path: Path) -> None:
    postgres, redis = require_postgres_url(), require_redis_url()
    out = tmp_path / "figures.json"
    run = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "handoff.py"), "--handoffs", "4", "--messages", "5",
         "--interval-ms", "5", "--samples", "3", "--relay-per-call", "4", "--postgres-url", postgres,
         "--redis-url", redis, "--timeout", "120", "--json", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=900, check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    figures = json.loads(out.read_text())
    latency, load = figures["latency"], figures["load"]
    assert latency["offer_samples"] == 3 and latency["relay_samples"] == 12
    assert 0 < latency["offer_p50_ms"] <= latency["offer_p95_ms"]
    assert 0 < latency["relay_p50_ms"] <= latency["relay_p95_ms"]
    assert load["handoffs"] == load["completed"] == 4 and load["sockets"] == 8
    assert load["expected_messages"] == load["delivered"] == 4 * 2 * 5
    assert load["lost"] == load["duplicated"] == load["out_of_order"] == load["ack_seq_mismatches"] == 0
    assert load["request_statuses"] == {"201": 4}
    assert load["rss_before_mib"] > 0 and load["rss_connected_mib"] > 0
    # the printed table carries the same figures
    assert "request → offer p50 / p95" in run.stdout
    assert re.search(r"lost / duplicated / out of order\s+0 / 0 / 0\n", run.stdout)
