"""Many calls at once on one embedded server: every message arrives once, in seq order."""

from __future__ import annotations

import asyncio

from handoff_live import Peer, Server, connected_call, unique_language

CALLS = 12
MESSAGES = 20


async def _talk(user_peer: Peer, volunteer_peer: Peer, handoff_id: str) -> None:
    async def send_all(peer: Peer, side: str) -> None:
        for n in range(MESSAGES):
            await peer.send({"type": "message", "handoff_id": handoff_id, "text": f"{side} {n}",
                             "client_id": f"{side}-{n}"})

    await asyncio.gather(send_all(user_peer, "u"), send_all(volunteer_peer, "v"))
    for peer, other in ((user_peer, "v"), (volunteer_peer, "u")):
        got = [await peer.expect("message", timeout=120, client_id=f"{other}-{n}") for n in range(MESSAGES)]
        seqs = [f["seq"] for f in got]
        assert seqs == sorted(seqs), seqs
        acks = [await peer.expect("ack", timeout=120, client_id=f"{'u' if other == 'v' else 'v'}-{n}")
                for n in range(MESSAGES)]
        assert len({a["seq"] for a in acks} | set(seqs)) == 2 * MESSAGES  # every seq once
    for peer in (user_peer, volunteer_peer):
        extra = [f for f in await peer.drain(quiet_s=0.5) if f["type"] in ("message", "ack")]
        assert extra == [], extra


async def test_concurrent_calls_lose_duplicate_and_reorder_nothing(server: Server) -> None:
    # Set up one by one (password hashing is bounded and answers 503 when swamped), then talk at once.
    calls = [await connected_call(server, unique_language()) for _ in range(CALLS)]
    await asyncio.gather(*(_talk(user_peer, volunteer_peer, handoff_id)
                           for _u, _v, user_peer, volunteer_peer, handoff_id in calls))
    for _u, _v, user_peer, volunteer_peer, _h in calls:
        await user_peer.close()
        await volunteer_peer.close()
