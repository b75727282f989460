"""Server bugs found while benchmarking the handoff (bench/handoff.py), each pinned by a
test written against the pinned protocol (issue 7). 1 and 2 were fixed on branch
handoff (c98e010) after these tests were written; 3 is a race still under watch:

1. A volunteer who accepts a call keeps ringing for the other requests offered to them:
   those requests hold a ring slot on a busy volunteer until the offer expires
   (SIGHTLINE_HANDOFF_OFFER_S, 30 s by default) instead of ringing someone free.
   "Eligible volunteers: ... not in another handoff". In the benchmark (50 requests at
   once) a quarter of all offers went to volunteers already in a call, and without
   clients declining them 19 of 50 requests were not answered in 300 s.
2. On PostgreSQL a NUL character in user input is a 500 over HTTP (`note`,
   `display_name`): PostgreSQL text cannot hold U+0000. "User input errors are 4xx,
   never 500". In a `message` frame it first killed the socket (close 1006; so did
   "database connection pool exhausted" under the benchmark's load: 4 of 100 sockets
   dropped mid-call); since 623c619 the socket stays open but the answer is
   `unavailable` ("try again"), which a client resends forever: it is the user's
   input, so `bad_frame`.
3. Across two processes (PostgreSQL + Redis), one call at a time, on an idle machine
   (load 2-3), a message is now and then stored and acknowledged but never relayed:
   e.g. call 23's message seq 6 (volunteer on B → user on A, stored 10 ms after the
   user's seq 5) was still missing minutes later, with nothing in either server's log;
   the next event of that handoff would have carried it (deliveries re-read the
   database), but in a conversation where each side waits for the other nothing comes.
   Seen twice in three runs of 40 calls x 10 messages; the test below repeats that
   run (it can pass by luck: it is a race).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from support import require_postgres_url, require_redis_url

REPO_ROOT = Path(__file__).resolve().parents[2]
STEP_TIMEOUT_S = 60


def _load_bench() -> Any:
    name = "sightline_bench_handoff"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "bench" / "handoff.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


@pytest.fixture(scope="module")
async def one_at_a_time() -> AsyncIterator[Any]:
    """The embedded default, ringing one volunteer per request, offers that last long."""
    settings = {"SIGHTLINE_HANDOFF_FANOUT": "1", "SIGHTLINE_HANDOFF_OFFER_S": "600",
                "SIGHTLINE_HANDOFF_RING_TIMEOUT_S": "900"}
    async with bench.Cluster(processes=1, settings=settings) as cluster:
        yield cluster


@pytest.fixture(scope="module")
async def two_processes() -> AsyncIterator[Any]:
    """Two server processes on a fresh PostgreSQL database and the test Redis."""
    async with bench.Cluster(processes=2, postgres_base_url=require_postgres_url(),
                             redis_url=require_redis_url()) as cluster:
        yield cluster


@pytest.fixture(scope="module")
async def on_postgres() -> AsyncIterator[Any]:
    """One server process on a fresh PostgreSQL database."""
    async with bench.Cluster(processes=1, postgres_base_url=require_postgres_url()) as cluster:
        yield cluster


async def test_a_volunteer_who_accepts_one_call_stops_ringing_for_the_others(one_at_a_time: Any) -> None:
    cluster = one_at_a_time
    first, second = await cluster.new_volunteer(), await cluster.new_volunteer()
    sockets = {v.email: await bench.Socket.open(cluster.servers[0].ws_url, v.token) for v in (first, second)}
    users = [await cluster.new_user(), await cluster.new_user()]
    try:
        for sock in sockets.values():
            await sock.send({"type": "available"})
        handoffs = []
        for user in users:
            async with cluster.http(0, user.token) as client:
                handoffs.append(await bench.request_handoff(client, note="which can is the soup?"))
        # FANOUT=1 and nobody has helped yet: both requests ring the same volunteer
        # (ties go by account id), the other one is rung for nothing.
        busy_email = None
        for email, sock in sockets.items():
            try:
                await sock.wait_for(bench.is_frame("offer", handoffs[0]), 5)
                busy_email = email
                break
            except TimeoutError:
                continue
        assert busy_email is not None, "nobody was offered the first request"
        busy = sockets[busy_email]
        await busy.wait_for(bench.is_frame("offer", handoffs[1]), STEP_TIMEOUT_S)
        free = next(sock for email, sock in sockets.items() if email != busy_email)

        await busy.send({"type": "accept", "handoff_id": handoffs[0]})
        await busy.wait_for(bench.is_state(handoffs[0], "active"), STEP_TIMEOUT_S)
        # The busy volunteer is no longer eligible for the second request: it must
        # stop ringing them and ring the free volunteer, without waiting 600 s.
        await busy.wait_for(bench.is_frame("offer_withdrawn", handoffs[1]), STEP_TIMEOUT_S)
        await free.wait_for(bench.is_frame("offer", handoffs[1]), STEP_TIMEOUT_S)
    finally:
        for sock in sockets.values():
            await sock.close()


async def test_nul_characters_are_refused_not_500_on_postgres(on_postgres: Any) -> None:
    cluster = on_postgres
    user, volunteer = await cluster.new_user(), await cluster.new_volunteer()
    async with cluster.http(0, user.token) as client:
        response = await client.post("/v1/handoffs", json={"note": "which can\u0000 is the soup?"})
        assert response.status_code == 422, response.text
    async with cluster.http(0, volunteer.token) as client:
        response = await client.put("/v1/volunteer/profile", json={
            "display_name": "Ai\u0000ko", "languages": ["en"], "timezone": "UTC"})
        assert response.status_code == 422, response.text


async def test_a_message_with_a_nul_character_gets_an_error_frame_and_the_socket_stays_open(
    on_postgres: Any,
) -> None:
    cluster = on_postgres
    user, volunteer = await cluster.new_user(), await cluster.new_volunteer()
    user_sock = await bench.Socket.open(cluster.servers[0].ws_url, user.token)
    volunteer_sock = await bench.Socket.open(cluster.servers[0].ws_url, volunteer.token)
    try:
        await volunteer_sock.send({"type": "available"})
        async with cluster.http(0, user.token) as client:
            handoff_id = await bench.request_handoff(client)
        await volunteer_sock.wait_for(bench.is_frame("offer", handoff_id), STEP_TIMEOUT_S)
        await volunteer_sock.send({"type": "accept", "handoff_id": handoff_id})
        await user_sock.wait_for(bench.is_state(handoff_id, "active"), STEP_TIMEOUT_S)

        await user_sock.send({"type": "message", "handoff_id": handoff_id, "text": "a\u0000b", "client_id": "nul"})
        refused = await user_sock.wait_for(lambda f: f.get("type") in ("ack", "error"), STEP_TIMEOUT_S)
        assert refused["type"] == "error"
        assert refused["error"] == "bad_frame", refused  # not `unavailable`: resending cannot help
        # ...and the socket is still there: the next message goes through
        await user_sock.send({"type": "message", "handoff_id": handoff_id, "text": "ab", "client_id": "ok"})
        await user_sock.wait_for(lambda f: f.get("type") == "ack" and f.get("client_id") == "ok", STEP_TIMEOUT_S)
        await volunteer_sock.wait_for(bench.is_message("ok"), STEP_TIMEOUT_S)
    finally:
        await user_sock.close()
        await volunteer_sock.close()


async def test_every_message_of_a_conversation_is_relayed_across_processes(two_processes: Any) -> None:
    # 40 calls, one at a time, 10 messages each taking turns (each waits for the one
    # before it): user on A, volunteers on B. Every message must arrive within 30 s.
    result = await bench.measure_latency(two_processes, samples=40, messages_per_call=10, volunteers=3,
                                         relay_wait_s=30)
    assert result.failures == []
