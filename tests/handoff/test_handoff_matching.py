"""Matching: fanout, least recently helped first, decline and expiry ring the next, the ring
timeout, quiet hours, a volunteer who arrives while a request rings, and the first-accept race."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from handoff_live import (
    Peer,
    Server,
    connected_call,
    create_handoff,
    new_user,
    new_volunteer,
    query,
    tuned,
    unique_language,
    wait_until,
)


async def _available(server: Server, language: str, count: int, **profile: object) -> list[Peer]:
    peers = []
    for _ in range(count):
        volunteer = await new_volunteer(server, language, **profile)  # type: ignore[arg-type]
        peer = await Peer.open(server, volunteer.token)
        await peer.send({"type": "available"})
        peers.append(peer)
    return peers


async def _offered(peers: list[Peer], handoff_id: str, quiet_s: float = 1.0) -> list[Peer]:
    """Which peers hold an offer for the handoff (after a short quiet period)."""
    result = []
    for peer in peers:
        await peer.drain(quiet_s=quiet_s)
        if any(f["type"] == "offer" and f["handoff_id"] == handoff_id for f in peer.frames):
            result.append(peer)
    return result


async def test_twenty_simultaneous_accepts_have_exactly_one_winner(server: Server) -> None:
    language = unique_language()
    with tuned(server, handoff_fanout=20):
        peers = await _available(server, language, 20)
        user = await new_user(server, language)
        user_peer = await Peer.open(server, user.token)
        handoff_id = await create_handoff(server, user, language)
        for peer in peers:
            await peer.expect("offer", handoff_id=handoff_id, timeout=60)
        await asyncio.gather(*(p.send({"type": "accept", "handoff_id": handoff_id}) for p in peers))

        async def outcome(peer: Peer) -> str:
            while True:
                for frame in peer.frames:
                    if frame["type"] == "state" and frame.get("state") == "active":
                        return "won"
                    if frame["type"] == "error":
                        return frame["error"]
                frame = await peer.expect_any(("state", "error"))
                peer.frames.insert(0, frame)

        results = await asyncio.gather(*(outcome(p) for p in peers))
    assert results.count("won") == 1, results
    assert results.count("already_taken") == 19, results
    await user_peer.expect("state", handoff_id=handoff_id, state="active")
    rows = await query(server, "SELECT state, count(*) FROM handoff_offers WHERE handoff_id = :h GROUP BY state",
                       h=handoff_id)
    assert dict(rows) == {"accepted": 1, "withdrawn": 19}
    for peer in [*peers, user_peer]:
        await peer.close()


async def test_fanout_rings_least_recently_helped_first_and_decline_rings_the_next(server: Server) -> None:
    language = unique_language()
    with tuned(server, handoff_fanout=2):
        # Two volunteers who helped recently, two who never did.
        helped = await _available(server, language, 2)
        for peer in helped:
            user = await new_user(server, language)
            handoff_id = await create_handoff(server, user, language)
            await peer.expect("offer", handoff_id=handoff_id)
            await peer.send({"type": "accept", "handoff_id": handoff_id})
            await peer.expect("state", handoff_id=handoff_id, state="active")
            await peer.send({"type": "end", "handoff_id": handoff_id})
            await peer.expect("state", handoff_id=handoff_id, state="ended")
            for p in helped:
                await p.drain()
                p.frames.clear()
        fresh = await _available(server, language, 2)
        user = await new_user(server, language)
        handoff_id = await create_handoff(server, user, language)
        assert set(map(id, await _offered([*helped, *fresh], handoff_id))) == set(map(id, fresh))
        await fresh[0].send({"type": "decline", "handoff_id": handoff_id})
        # The next one (one of the helped) is rung; FANOUT offers ring again.
        assert len(await _offered(helped, handoff_id)) == 1
        async with server.client(user.token) as client:
            await client.post(f"/v1/handoffs/{handoff_id}/cancel")
    for peer in [*helped, *fresh]:
        await peer.close()


async def test_an_expired_offer_rings_the_next_and_the_ring_timeout_gives_up(server: Server) -> None:
    language = unique_language()
    with tuned(server, handoff_fanout=1, handoff_offer_s=1.0, handoff_ring_timeout_s=4.0):
        peers = await _available(server, language, 2)
        user = await new_user(server, language)
        user_peer = await Peer.open(server, user.token)
        handoff_id = await create_handoff(server, user, language)
        first = await asyncio.wait_for(_first_offered(peers, handoff_id), timeout=60)
        await first.expect("offer_withdrawn", handoff_id=handoff_id)
        second = next(p for p in peers if p is not first)
        await second.expect("offer", handoff_id=handoff_id)
        await second.expect("offer_withdrawn", handoff_id=handoff_id)
        unanswered = await user_peer.expect("state", handoff_id=handoff_id, state="unanswered")
        assert unanswered["detail"]  # try again, or stay with the AI description
        await first.send({"type": "accept", "handoff_id": handoff_id})
        assert (await first.expect("error"))["error"] == "already_taken"
    async with server.client(user.token) as client:
        body = (await client.get(f"/v1/handoffs/{handoff_id}")).json()
    assert body["state"] == "unanswered" and body["ended_at"]
    for peer in [*peers, user_peer]:
        await peer.close()


async def _first_offered(peers: list[Peer], handoff_id: str) -> Peer:
    while True:
        for peer in peers:
            await peer.drain(quiet_s=0.2)
            if any(f["type"] == "offer" and f["handoff_id"] == handoff_id for f in peer.frames):
                return peer


async def test_a_volunteer_who_arrives_while_it_rings_is_offered_it(server: Server) -> None:
    language = unique_language()
    user = await new_user(server, language)
    handoff_id = await create_handoff(server, user, language)
    volunteer = await new_volunteer(server, language)
    peer = await Peer.open(server, volunteer.token)
    await peer.send({"type": "available", "languages": [language]})
    await peer.expect("offer", handoff_id=handoff_id)
    await peer.send({"type": "unavailable"})
    async with server.client(user.token) as client:
        await client.post(f"/v1/handoffs/{handoff_id}/cancel")
    await peer.close()


async def test_language_and_quiet_hours_are_respected(server: Server) -> None:
    language = unique_language()
    now = datetime.now(UTC)
    quiet = {"start": (now - timedelta(hours=1)).strftime("%H:00"),
             "end": (now + timedelta(hours=2)).strftime("%H:00")}
    sleeping = await _available(server, language, 1, quiet_hours=quiet, timezone="UTC")
    # Quiet hours are read in the volunteer's own time zone: in Tokyo it is 9 hours later.
    awake = await _available(server, language, 1, quiet_hours=quiet, timezone="Asia/Tokyo")
    other_language = await _available(server, unique_language(), 1)
    user = await new_user(server, language)
    handoff_id = await create_handoff(server, user, language)
    offered = await _offered([*sleeping, *awake, *other_language], handoff_id)
    assert offered == awake
    async with server.client(user.token) as client:
        await client.post(f"/v1/handoffs/{handoff_id}/cancel")
    for peer in [*sleeping, *awake, *other_language]:
        await peer.close()


async def test_a_dead_volunteer_connection_stops_being_rung_within_30_s(server: Server) -> None:
    language = unique_language()
    with tuned(server, handoff_fanout=1, handoff_offer_s=600.0):
        volunteer = await new_volunteer(server, language)
        dying = await Peer.open(server, volunteer.token, ping_interval=None)
        await dying.send({"type": "available"})
        user = await new_user(server, language)
        user_peer = await Peer.open(server, user.token)

        async def present() -> bool:
            rows = await query(server, "SELECT count(*) FROM volunteer_presence WHERE account_id = :a",
                               a=volunteer.id)
            return bool(rows[0][0])

        await wait_until(present, what="presence")
        handoff_id = await create_handoff(server, user, language)
        await dying.expect("offer", handoff_id=handoff_id)
        [backup] = await _available(server, language, 1)
        # The phone loses its network: no close frame, no more pongs.
        dying.connection.transport.pause_reading()
        started = asyncio.get_running_loop().time()
        # Its offer is withdrawn as soon as the server notices, and the next volunteer is rung.
        await backup.expect("offer", handoff_id=handoff_id, timeout=60)
        assert asyncio.get_running_loop().time() - started < 30
        assert not await present()
        async with server.client(user.token) as client:
            await client.post(f"/v1/handoffs/{handoff_id}/cancel")
    dying.connection.transport.abort()
    for peer in (backup, user_peer):
        await peer.close()


async def test_an_accepted_volunteer_is_not_rung_for_another(server: Server) -> None:
    language = unique_language()
    _user, _volunteer, user_peer, volunteer_peer, handoff_id = await connected_call(server, language)
    other = await new_user(server, language)
    second = await create_handoff(server, other, language)
    await volunteer_peer.drain(quiet_s=1.0)
    assert not [f for f in volunteer_peer.frames if f["type"] == "offer" and f["handoff_id"] == second]
    await user_peer.send({"type": "end", "handoff_id": handoff_id})
    await volunteer_peer.expect("offer", handoff_id=second)  # free again: offered what rings
    async with server.client(other.token) as client:
        await client.post(f"/v1/handoffs/{second}/cancel")
    for peer in (user_peer, volunteer_peer):
        await peer.close()


async def test_accepting_one_call_withdraws_the_volunteers_other_offers(server: Server) -> None:
    language = unique_language()
    with tuned(server, handoff_fanout=1, handoff_offer_s=600.0):
        [busy] = await _available(server, language, 1)
        users = [await new_user(server, language) for _ in range(2)]
        ids = [await create_handoff(server, u, language) for u in users]
        for handoff_id in ids:
            await busy.expect("offer", handoff_id=handoff_id)
        [free] = await _available(server, language, 1)
        await busy.send({"type": "accept", "handoff_id": ids[0]})
        await busy.expect("state", handoff_id=ids[0], state="active")
        # Busy now: the other request stops ringing them and rings someone free at once.
        await busy.expect("offer_withdrawn", handoff_id=ids[1])
        await free.expect("offer", handoff_id=ids[1])
        async with server.client(users[1].token) as client:
            await client.post(f"/v1/handoffs/{ids[1]}/cancel")
    for peer in (busy, free):
        await peer.close()
