"""The socket's rules: auth within 5 s (else 4401), Origin, frame size and rate, bad frames."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
import websockets
from handoff_live import (
    Peer,
    Server,
    connected_call,
    log_in,
    new_user,
    new_volunteer,
    unique_language,
)

from app.auth.tokens import TokenService


async def _raw(server: Server, **args: object) -> websockets.ClientConnection:
    return await websockets.connect(server.ws_url, open_timeout=60, **args)  # type: ignore[arg-type]


async def _close_code(connection: websockets.ClientConnection, timeout: float = 30) -> int | None:
    try:
        async with asyncio.timeout(timeout):
            while True:
                await connection.recv()
    except websockets.ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


async def test_no_auth_frame_within_the_timeout_closes_4401(server: Server) -> None:
    connection = await _raw(server)
    assert await _close_code(connection, timeout=server.settings.handoff_auth_timeout_s + 30) == 4401


@pytest.mark.parametrize("first", [
    "not json",
    json.dumps({"type": "auth", "token": "not-a-token"}),
    json.dumps({"type": "auth"}),
    json.dumps({"type": "join", "handoff_id": "x"}),
])
async def test_a_bad_first_frame_closes_4401(server: Server, first: str) -> None:
    connection = await _raw(server)
    await connection.send(first)
    assert await _close_code(connection) == 4401


async def test_expired_and_revoked_tokens_close_4401(server: Server) -> None:
    user = await new_user(server)
    tokens = TokenService(secret=server.settings.signing_secret, access_ttl=timedelta(minutes=15))
    claims = tokens.decode_access_token(user.token)
    expired = tokens.issue_access_token(account_id=claims.account_id, role="user",
                                        session_id=claims.session_id,
                                        now=datetime.now(UTC) - timedelta(hours=1))
    connection = await _raw(server)
    await connection.send(json.dumps({"type": "auth", "token": expired}))
    assert await _close_code(connection) == 4401

    peer = await Peer.open(server, user.token)  # valid now
    other_login = (await log_in(server, user.email))["access_token"]
    web = await Peer.open(server, other_login)
    async with server.client(user.token) as client:
        assert (await client.post("/v1/auth/logout")).status_code == 204
    # Logging out closes the account's sockets; the other login's token still opens a new one.
    assert await peer.closed_with() == 4401
    assert await web.closed_with() == 4401
    await (await Peer.open(server, other_login)).close()
    connection = await _raw(server)
    await connection.send(json.dumps({"type": "auth", "token": user.token}))
    assert await _close_code(connection) == 4401


async def test_origin_is_checked(server: Server) -> None:
    user = await new_user(server)
    with pytest.raises(websockets.InvalidStatus) as refused:
        await _raw(server, origin="https://evil.example.com")
    assert refused.value.response.status_code == 403
    for origin in ("https://volunteer.example.org", server.base_url):
        peer = await Peer.open(server, user.token, origin=origin)
        await peer.close()


async def test_bad_frames_get_error_frames_and_the_socket_stays_open(server: Server) -> None:
    language = unique_language()
    _user, _volunteer, user_peer, volunteer_peer, handoff_id = await connected_call(server, language)
    cases: list[tuple[object, str]] = [
        ("not json", "bad_frame"),
        ([1, 2], "bad_frame"),
        ({"no": "type"}, "unknown_type"),
        ({"type": "dance"}, "unknown_type"),
        ({"type": "message", "handoff_id": handoff_id, "client_id": "c"}, "bad_frame"),
        ({"type": "message", "handoff_id": handoff_id, "text": "", "client_id": "c"}, "bad_frame"),
        ({"type": "message", "handoff_id": handoff_id, "text": "x" * 5000, "client_id": "c"}, "bad_frame"),
        ({"type": "message", "handoff_id": handoff_id, "text": "a\u0000b", "client_id": "nul"}, "bad_frame"),
        ({"type": "message", "handoff_id": "x\u0000", "text": "hi", "client_id": "c"}, "bad_frame"),
        ({"type": "join"}, "bad_frame"),
        ({"type": "join", "handoff_id": handoff_id, "last_seq": -1}, "bad_frame"),
        ({"type": "signal", "handoff_id": handoff_id, "payload": "sdp"}, "bad_frame"),
        ({"type": "join", "handoff_id": "no-such-handoff"}, "not_found"),
        ({"type": "auth", "token": "again"}, "bad_frame"),
        ({"type": "available"}, "forbidden"),
        ({"type": "accept", "handoff_id": handoff_id}, "forbidden"),
    ]
    for frame, code in cases:
        await user_peer.connection.send(frame if isinstance(frame, str) else json.dumps(frame))
        error = await user_peer.expect("error")
        assert error["error"] == code, (frame, error)
        assert error["detail"]
    await volunteer_peer.send({"type": "decline", "handoff_id": "no-such-handoff"})
    assert (await volunteer_peer.expect("error"))["error"] == "not_found"
    # Still open: a message goes through.
    await user_peer.send({"type": "message", "handoff_id": handoff_id, "text": "still here", "client_id": "ok"})
    await user_peer.expect("ack", client_id="ok")
    await volunteer_peer.expect("message", client_id="ok")
    for peer in (user_peer, volunteer_peer):
        await peer.close()


async def test_a_frame_over_64_kib_closes_1009(server: Server) -> None:
    user = await new_user(server)
    peer = await Peer.open(server, user.token, max_size=None)
    await peer.connection.send(json.dumps({"type": "join", "handoff_id": "x" * (64 * 1024)}))
    assert await peer.closed_with() == 1009


async def test_too_many_frames_close_1008(server: Server) -> None:
    user = await new_user(server)
    peer = await Peer.open(server, user.token)
    burst = server.settings.handoff_frame_burst
    for _ in range(burst * 3):
        try:
            await peer.send({"type": "join", "handoff_id": "x"})
        except websockets.ConnectionClosed:
            break
    assert await peer.closed_with() == 1008


async def test_several_sockets_per_account_and_no_echo(server: Server) -> None:
    language = unique_language()
    user, _volunteer, phone, volunteer_peer, handoff_id = await connected_call(server, language)
    web = await Peer.open(server, user.token)
    await web.send({"type": "join", "handoff_id": handoff_id, "last_seq": 2})
    await phone.send({"type": "message", "handoff_id": handoff_id, "text": "from the phone", "client_id": "p1"})
    await phone.expect("ack", client_id="p1")
    assert (await web.expect("message", client_id="p1"))["from"] == "user"
    await volunteer_peer.expect("message", client_id="p1")
    await volunteer_peer.send({"type": "message", "handoff_id": handoff_id, "text": "hi both", "client_id": "v1"})
    await phone.expect("message", client_id="v1")
    await web.expect("message", client_id="v1")
    # Signalling: relayed unchanged to the other side only, never stored.
    payload = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n", "nested": {"a": [1, 2]}}
    await volunteer_peer.send({"type": "signal", "handoff_id": handoff_id, "payload": payload})
    assert (await phone.expect("signal", handoff_id=handoff_id))["payload"] == payload
    assert (await web.expect("signal", handoff_id=handoff_id))["payload"] == payload
    await web.send({"type": "end", "handoff_id": handoff_id})
    await phone.expect("state", handoff_id=handoff_id, state="ended")
    await volunteer_peer.expect("state", handoff_id=handoff_id, state="ended")
    assert (await web.expect("state", handoff_id=handoff_id, state="ended"))["seq"] == 5
    assert not [f for f in await phone.drain() if f["type"] in ("message", "signal")]
    assert not [f for f in await volunteer_peer.drain() if f["type"] in ("message", "signal")]
    assert not [f for f in await web.drain() if f["type"] in ("message", "signal")]
    for peer in (phone, web, volunteer_peer):
        await peer.close()


async def test_a_volunteer_frame_needs_an_offer(server: Server) -> None:
    language = unique_language()
    volunteer = await new_volunteer(server, language)
    peer = await Peer.open(server, volunteer.token)
    await peer.send({"type": "accept", "handoff_id": "not-offered"})
    assert (await peer.expect("error"))["error"] == "not_found"
    await peer.close()


async def test_error_details_are_in_the_accounts_language(server: Server) -> None:
    user = await new_user(server, "ja")
    peer = await Peer.open(server, user.token)
    await peer.send({"type": "join", "handoff_id": "no-such-handoff"})
    error = await peer.expect("error")
    assert error["error"] == "not_found" and error["detail"] == "該当するボランティア依頼はありません。"
    await peer.close()
