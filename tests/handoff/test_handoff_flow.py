"""The handoff state machine end to end on one embedded server: ring, accept, talk, end, rate."""

from __future__ import annotations

import uuid

from handoff_live import (
    Peer,
    Server,
    connected_call,
    create_handoff,
    new_user,
    new_volunteer,
    unique_language,
)


async def test_ring_accept_talk_end(server: Server) -> None:
    language = unique_language()
    user = await new_user(server, language)
    volunteer = await new_volunteer(server, language, name="Kenji")
    user_peer = await Peer.open(server, user.token)
    assert user_peer.role == "user"
    volunteer_peer = await Peer.open(server, volunteer.token)
    assert volunteer_peer.role == "volunteer"
    await volunteer_peer.send({"type": "available"})

    handoff_id = await create_handoff(server, user, language, note="Which can is the soup?")
    ringing = await user_peer.expect("state", handoff_id=handoff_id, state="ringing")
    assert ringing["seq"] == 1
    offer = await volunteer_peer.expect("offer", handoff_id=handoff_id)
    assert offer["language"] == language and offer["photo"] is False
    assert 0 < offer["expires_in"] <= server.settings.handoff_offer_s

    await volunteer_peer.send({"type": "accept", "handoff_id": handoff_id})
    active = await volunteer_peer.expect("state", handoff_id=handoff_id, state="active")
    assert active["seq"] == 2
    await user_peer.expect("state", handoff_id=handoff_id, state="active", seq=2)

    async with server.client(user.token) as client:
        body = (await client.get(f"/v1/handoffs/{handoff_id}")).json()
    assert body["state"] == "active" and body["volunteer"] == {"display_name": "Kenji"}
    assert body["accepted_at"] is not None and body["ended_at"] is None

    await user_peer.send({"type": "message", "handoff_id": handoff_id, "text": "Hello", "client_id": "u1"})
    ack = await user_peer.expect("ack", client_id="u1")
    got = await volunteer_peer.expect("message", client_id="u1")
    assert got == {"type": "message", "handoff_id": handoff_id, "seq": ack["seq"], "from": "user",
                   "text": "Hello", "client_id": "u1", "at": got["at"]}
    await volunteer_peer.send({"type": "message", "handoff_id": handoff_id, "text": "Hi, show me",
                               "client_id": "v1"})
    v_ack = await volunteer_peer.expect("ack", client_id="v1")
    assert v_ack["seq"] == ack["seq"] + 1
    assert (await user_peer.expect("message", client_id="v1"))["from"] == "volunteer"

    # A resent client_id: the same seq again, and the other side does not get it twice.
    await user_peer.send({"type": "message", "handoff_id": handoff_id, "text": "Hello", "client_id": "u1"})
    assert (await user_peer.expect("ack", client_id="u1"))["seq"] == ack["seq"]

    await volunteer_peer.send({"type": "end", "handoff_id": handoff_id})
    await user_peer.expect("state", handoff_id=handoff_id, state="ended")
    await volunteer_peer.expect("state", handoff_id=handoff_id, state="ended")
    # No echo of one's own messages, no duplicate of the resent one.
    assert not [f for f in await user_peer.drain() if f["type"] == "message"]
    assert not [f for f in await volunteer_peer.drain() if f["type"] == "message"]

    async with server.client(user.token) as client:
        transcript = (await client.get(f"/v1/handoffs/{handoff_id}/messages")).json()
        assert [m["client_id"] for m in transcript["messages"]] == ["u1", "v1"]
        after = (await client.get(f"/v1/handoffs/{handoff_id}/messages", params={"after_seq": ack["seq"]})).json()
        assert [m["client_id"] for m in after["messages"]] == ["v1"]
        rated = await client.post(f"/v1/handoffs/{handoff_id}/rating", json={"rating": "good"})
        assert rated.status_code == 201, rated.text
        again = await client.post(f"/v1/handoffs/{handoff_id}/rating", json={"rating": "good"})
        assert again.status_code == 409 and again.json()["error"] == "conflict"
    async with server.client(volunteer.token) as client:
        assert (await client.post(f"/v1/handoffs/{handoff_id}/rating", json={"rating": "good"})).status_code == 201
    for peer in (user_peer, volunteer_peer):
        await peer.close()


async def test_volunteer_is_available_again_after_a_call(server: Server) -> None:
    language = unique_language()
    user, _volunteer, user_peer, volunteer_peer, first = await connected_call(server, language)
    await user_peer.send({"type": "end", "handoff_id": first})
    await volunteer_peer.expect("state", handoff_id=first, state="ended")
    second = await create_handoff(server, user, language)
    await volunteer_peer.expect("offer", handoff_id=second)
    for peer in (user_peer, volunteer_peer):
        await peer.close()


async def test_one_open_handoff_per_user_and_cancel(server: Server) -> None:
    language = unique_language()
    user = await new_user(server, language)
    volunteer = await new_volunteer(server, language)
    volunteer_peer = await Peer.open(server, volunteer.token)
    await volunteer_peer.send({"type": "available"})
    user_peer = await Peer.open(server, user.token)
    handoff_id = await create_handoff(server, user, language)
    await volunteer_peer.expect("offer", handoff_id=handoff_id)
    async with server.client(user.token) as client:
        second = await client.post("/v1/handoffs", json={})
        assert second.status_code == 409 and second.json()["error"] == "conflict"
        cancelled = await client.post(f"/v1/handoffs/{handoff_id}/cancel")
        assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
        again = await client.post(f"/v1/handoffs/{handoff_id}/cancel")
        assert again.status_code == 409 and again.json()["error"] == "invalid_state"
    await user_peer.expect("state", handoff_id=handoff_id, state="cancelled")
    await volunteer_peer.expect("offer_withdrawn", handoff_id=handoff_id)
    await volunteer_peer.send({"type": "accept", "handoff_id": handoff_id})
    late = await volunteer_peer.expect("error")
    assert late["error"] == "already_taken" and late["handoff_id"] == handoff_id
    for peer in (user_peer, volunteer_peer):
        await peer.close()


async def test_handoff_without_language_takes_the_users_first(server: Server) -> None:
    language = unique_language()
    user = await new_user(server, language)
    async with server.client(user.token) as client:
        created = await client.post("/v1/handoffs", json={"note": "x"})
        assert created.status_code == 201 and created.json()["language"] == language
        await client.post(f"/v1/handoffs/{created.json()['id']}/cancel")


async def test_ownership(server: Server) -> None:
    language = unique_language()
    user, _volunteer, user_peer, volunteer_peer, handoff_id = await connected_call(server, language)
    stranger = await new_user(server, language)
    other_volunteer = await new_volunteer(server, language)
    for account in (stranger, other_volunteer):
        async with server.client(account.token) as client:
            for path in ("", "/messages", "/photo"):
                response = await client.get(f"/v1/handoffs/{handoff_id}{path}")
                assert response.status_code == 404 and response.json()["error"] == "not_found"
            assert (await client.post(f"/v1/handoffs/{handoff_id}/cancel")).status_code == 404
            assert (await client.post(f"/v1/handoffs/{handoff_id}/rating", json={"rating": "good"})).status_code == 404
        peer = await Peer.open(server, account.token)
        for frame in ({"type": "join", "handoff_id": handoff_id},
                      {"type": "message", "handoff_id": handoff_id, "text": "hi", "client_id": "x"},
                      {"type": "signal", "handoff_id": handoff_id, "payload": {"sdp": "x"}},
                      {"type": "end", "handoff_id": handoff_id}):
            await peer.send(frame)
            error = await peer.expect("error")
            assert error["error"] == "not_found", (frame, error)
        await peer.close()
    async with server.client(user.token) as client:
        assert (await client.get(f"/v1/handoffs/{uuid.uuid4()}")).status_code == 404
    for peer in (user_peer, volunteer_peer):
        await peer.close()


async def test_listing_finds_the_open_call_to_rejoin(server: Server) -> None:
    language = unique_language()
    user, volunteer, user_peer, volunteer_peer, handoff_id = await connected_call(server, language)
    for account in (user, volunteer):
        async with server.client(account.token) as client:
            listed = (await client.get("/v1/handoffs", params={"state": "active"})).json()["handoffs"]
            assert [h["id"] for h in listed] == [handoff_id]
            assert listed[0]["last_seq"] == 2
    stranger = await new_user(server, language)
    async with server.client(stranger.token) as client:
        assert (await client.get("/v1/handoffs")).json() == {"handoffs": []}
        assert (await client.get("/v1/handoffs", params={"state": "nope"})).status_code == 422
    async with server.client(user.token) as client:
        early = await client.post(f"/v1/handoffs/{handoff_id}/rating", json={"rating": "good"})
        assert early.status_code == 409 and early.json()["error"] == "invalid_state"
    await user_peer.send({"type": "end", "handoff_id": handoff_id})
    await volunteer_peer.expect("state", handoff_id=handoff_id, state="ended")
    async with server.client(user.token) as client:
        assert (await client.get("/v1/handoffs", params={"state": "active"})).json() == {"handoffs": []}
        ended = (await client.get("/v1/handoffs")).json()["handoffs"]
        assert ended[0]["id"] == handoff_id and ended[0]["state"] == "ended"
        # Rating needs an ended call; the rung-but-not-chosen never see it.
        assert (await client.post(f"/v1/handoffs/{handoff_id}/rating", json={"rating": "good"})).status_code == 201
    for peer in (user_peer, volunteer_peer):
        await peer.close()


async def test_simultaneous_requests_of_one_user_open_one_handoff(server: Server) -> None:
    import asyncio

    language = unique_language()
    user = await new_user(server, language)
    async with server.client(user.token) as client:
        responses = await asyncio.gather(*(client.post("/v1/handoffs", json={}) for _ in range(8)))
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [409] * 7, statuses
        created = next(r for r in responses if r.status_code == 201).json()["id"]
        await client.post(f"/v1/handoffs/{created}/cancel")


async def test_a_volunteer_takes_one_call_at_a_time(server: Server) -> None:
    import asyncio

    language = unique_language()
    volunteer = await new_volunteer(server, language)
    phone = await Peer.open(server, volunteer.token)
    web = await Peer.open(server, volunteer.token)
    await phone.send({"type": "available"})
    users = [await new_user(server, language) for _ in range(2)]
    ids = [await create_handoff(server, u, language) for u in users]
    for handoff_id in ids:
        await phone.expect("offer", handoff_id=handoff_id)
        await web.expect("offer", handoff_id=handoff_id)
    await asyncio.gather(phone.send({"type": "accept", "handoff_id": ids[0]}),
                         web.send({"type": "accept", "handoff_id": ids[1]}))

    async def outcome(peer: Peer, handoff_id: str) -> str:
        while True:
            frame = await peer.expect_any(("state", "error"))
            if frame.get("handoff_id") == handoff_id:
                return "won" if frame["type"] == "state" else str(frame["error"])

    outcomes = sorted([await outcome(phone, ids[0]), await outcome(web, ids[1])])
    # The loser is refused as busy (`conflict`), or finds its offer already withdrawn
    # because the winning accept withdrew the volunteer's other offers (`already_taken`).
    assert outcomes[1] == "won" and outcomes[0] in ("conflict", "already_taken"), outcomes
    for user, handoff_id in zip(users, ids, strict=True):
        async with server.client(user.token) as client:
            await client.post(f"/v1/handoffs/{handoff_id}/cancel")
    for peer in (phone, web):
        await peer.close()
