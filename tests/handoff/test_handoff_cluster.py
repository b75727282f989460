"""Two `sightline serve` processes on one PostgreSQL and one Redis: the user on one, the
volunteer on the other (skipped without SIGHTLINE_TEST_POSTGRES_URL and SIGHTLINE_TEST_REDIS_URL;
CI sets both)."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis
from dbutil import create_postgres_database, drop_postgres_database
from handoff_live import (
    Peer,
    Server,
    create_handoff,
    make_admin,
    new_user,
    new_volunteer,
    start_process,
    unique_language,
)
from support import require_postgres_url, require_redis_url

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@dataclass
class Cluster:
    a: Server
    b: Server
    redis_url: str
    prefix: str


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    base = require_postgres_url()
    redis_url = require_redis_url()
    url = asyncio.run(create_postgres_database(base))
    prefix = f"sightline-test-{uuid.uuid4().hex[:8]}"
    env = {
        "SIGHTLINE_ENV": "test",
        "SIGHTLINE_DATABASE_URL": url,
        "SIGHTLINE_REDIS_URL": redis_url,
        "SIGHTLINE_JWT_SECRET": secrets.token_urlsafe(40),
        "SIGHTLINE_HANDOFF_REDIS_PREFIX": prefix,
        "SIGHTLINE_RATE_LIMIT_KEY_PREFIX": prefix,
        "SIGHTLINE_REGISTER_RATE_LIMIT": "100000/hour",
        "SIGHTLINE_REGISTER_ACCOUNT_RATE_LIMIT": "100000/hour",
        "SIGHTLINE_LOGIN_RATE_LIMIT": "100000/hour",
        "SIGHTLINE_LOGIN_ADDRESS_RATE_LIMIT": "100000/hour",
        "SIGHTLINE_LOGIN_ACCOUNT_RATE_LIMIT": "100000/hour",
        "SIGHTLINE_ENABLE_SCENE": "false",
        "SIGHTLINE_ENABLE_EXPLICIT": "false",
        "SIGHTLINE_HANDOFF_FANOUT": "10",
        "SIGHTLINE_HANDOFF_SWEEP_S": "0.2",
        "SIGHTLINE_LOG_LEVEL": "WARNING",
    }
    a = start_process(env, tmp_path_factory.mktemp("process-a"), migrate_first=True)
    try:
        b = start_process(env, tmp_path_factory.mktemp("process-b"), migrate_first=False)
    except BaseException:
        a.stop()
        raise
    a.admin_token = b.admin_token = make_admin(a, database_url=url)
    yield Cluster(a=a, b=b, redis_url=redis_url, prefix=prefix)
    a.stop()
    b.stop()
    asyncio.run(drop_postgres_database(base, url))


async def _call_across(cluster: Cluster, language: str) -> tuple[Peer, Peer, str]:
    user = await new_user(cluster.a, language)
    volunteer = await new_volunteer(cluster.b, language)
    user_peer = await Peer.open(cluster.a, user.token)
    volunteer_peer = await Peer.open(cluster.b, volunteer.token)
    await volunteer_peer.send({"type": "available"})
    handoff_id = await create_handoff(cluster.a, user, language)
    await volunteer_peer.expect("offer", handoff_id=handoff_id)
    await volunteer_peer.send({"type": "accept", "handoff_id": handoff_id})
    await volunteer_peer.expect("state", handoff_id=handoff_id, state="active")
    await user_peer.expect("state", handoff_id=handoff_id, state="active")
    return user_peer, volunteer_peer, handoff_id


async def test_a_call_across_two_processes(cluster: Cluster) -> None:
    user_peer, volunteer_peer, handoff_id = await _call_across(cluster, unique_language())
    for n in range(5):
        await user_peer.send({"type": "message", "handoff_id": handoff_id, "text": f"u{n}", "client_id": f"u{n}"})
        await volunteer_peer.send({"type": "message", "handoff_id": handoff_id, "text": f"v{n}", "client_id": f"v{n}"})
    for n in range(5):
        await user_peer.expect("ack", client_id=f"u{n}")
        await volunteer_peer.expect("message", client_id=f"u{n}")
        await user_peer.expect("message", client_id=f"v{n}")
    # PostgreSQL text cannot hold NUL: refused as a bad frame, the socket stays open.
    await user_peer.send({"type": "message", "handoff_id": handoff_id, "text": "a\u0000b", "client_id": "nul"})
    assert (await user_peer.expect("error"))["error"] == "bad_frame"
    payload = {"type": "answer", "sdp": "v=0\r\n"}
    await user_peer.send({"type": "signal", "handoff_id": handoff_id, "payload": payload})
    assert (await volunteer_peer.expect("signal"))["payload"] == payload
    await user_peer.send({"type": "end", "handoff_id": handoff_id})
    await volunteer_peer.expect("state", handoff_id=handoff_id, state="ended")
    await user_peer.expect("state", handoff_id=handoff_id, state="ended")
    for peer in (user_peer, volunteer_peer):
        assert not [f for f in await peer.drain() if f["type"] == "message"]
        await peer.close()


async def test_first_accept_wins_across_processes(cluster: Cluster) -> None:
    language = unique_language()
    peers = []
    for index in range(10):
        server = cluster.a if index % 2 else cluster.b
        volunteer = await new_volunteer(server, language)
        peer = await Peer.open(server, volunteer.token)
        await peer.send({"type": "available"})
        peers.append(peer)
    user = await new_user(cluster.a, language)
    handoff_id = await create_handoff(cluster.a, user, language)
    for peer in peers:
        await peer.expect("offer", handoff_id=handoff_id, timeout=60)
    await asyncio.gather(*(p.send({"type": "accept", "handoff_id": handoff_id}) for p in peers))
    outcomes = []
    for peer in peers:
        frame = await peer.expect_any(("state", "error"), timeout=60)
        outcomes.append("won" if frame["type"] == "state" else frame["error"])
    assert outcomes.count("won") == 1 and outcomes.count("already_taken") == 9, outcomes
    for peer in peers:
        await peer.close()


async def test_resume_on_the_other_process_and_through_a_broker_blink(cluster: Cluster) -> None:
    language = unique_language()
    user = await new_user(cluster.a, language)
    volunteer = await new_volunteer(cluster.b, language)
    user_peer = await Peer.open(cluster.a, user.token)
    volunteer_peer = await Peer.open(cluster.b, volunteer.token)
    await volunteer_peer.send({"type": "available"})
    handoff_id = await create_handoff(cluster.a, user, language)
    await volunteer_peer.expect("offer", handoff_id=handoff_id)
    await volunteer_peer.send({"type": "accept", "handoff_id": handoff_id})
    active = await user_peer.expect("state", handoff_id=handoff_id, state="active")
    user_peer.connection.transport.abort()  # the phone drops off process A

    # Meanwhile both processes' Redis subscriptions are cut (pub/sub blinks).
    client = redis.Redis.from_url(cluster.redis_url)
    try:
        for entry in client.client_list():
            if entry.get("name", "").startswith(cluster.prefix) and "subscribe" in entry.get("cmd", ""):
                client.client_kill_filter(_id=entry["id"])
    finally:
        client.close()
    for n in range(10):
        await volunteer_peer.send({"type": "message", "handoff_id": handoff_id, "text": f"m{n}", "client_id": f"m{n}"})
        await volunteer_peer.expect("ack", client_id=f"m{n}")

    phone = await Peer.open(cluster.b, user.token)  # comes back on process B
    await phone.send({"type": "join", "handoff_id": handoff_id, "last_seq": active["seq"]})
    got = [await phone.expect("message", client_id=f"m{n}") for n in range(10)]
    assert [f["seq"] for f in got] == list(range(active["seq"] + 1, active["seq"] + 11))
    # Streaming works again after the blink, in both directions.
    await phone.send({"type": "message", "handoff_id": handoff_id, "text": "back", "client_id": "back"})
    await volunteer_peer.expect("message", client_id="back")
    await volunteer_peer.send({"type": "message", "handoff_id": handoff_id, "text": "hi", "client_id": "hi"})
    await phone.expect("message", client_id="hi")
    assert not [f for f in await phone.drain(quiet_s=1.0) if f["type"] == "message"]
    for peer in (phone, volunteer_peer):
        await peer.close()
