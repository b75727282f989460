"""Nothing a person says or shows reaches the log: message text, signalling payloads, notes,
photos' bytes and tokens (the server runs in this process, so its records are captured here)."""

from __future__ import annotations

import logging

import pytest
from handoff_live import Peer, Server, connected_call, unique_language


def _server_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The server's records (the test's own `websockets` client logs its frames at DEBUG)."""
    return [r for r in caplog.records if not r.name.startswith("websockets.client")]


async def test_the_log_never_holds_messages_signals_notes_or_tokens(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    language = unique_language()
    user, volunteer, user_peer, volunteer_peer, handoff_id = await connected_call(server, language)
    secrets = ["SECRET-MESSAGE-7f3a", "SECRET-SDP-91bc", "SECRET-CANDIDATE-44d2"]
    await user_peer.send({"type": "message", "handoff_id": handoff_id, "text": secrets[0], "client_id": "c1"})
    await volunteer_peer.expect("message", client_id="c1")
    await volunteer_peer.send({"type": "signal", "handoff_id": handoff_id,
                               "payload": {"sdp": secrets[1], "candidate": secrets[2]}})
    await user_peer.expect("signal")
    await user_peer.send({"type": "message", "handoff_id": "nope", "text": secrets[0], "client_id": "c2"})
    await user_peer.expect("error")
    await user_peer.send({"type": "end", "handoff_id": handoff_id})
    await volunteer_peer.expect("state", state="ended")
    assert any("handoff" in record.getMessage() for record in caplog.records)  # it did log
    for record in _server_records(caplog):
        text = record.getMessage() + " " + repr(record.__dict__)
        for secret in [*secrets, user.token, volunteer.token]:
            assert secret not in text, record
    for peer in (user_peer, volunteer_peer):
        await peer.close()


async def test_a_refused_socket_logs_no_token(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    bad = "SECRET-TOKEN-not-valid-0b1d"
    peer = Peer(connection=None)
    import websockets

    connection = await websockets.connect(server.ws_url, open_timeout=60)
    peer.connection = connection
    await peer.send({"type": "auth", "token": bad})
    assert await peer.closed_with() == 4401
    assert not [r for r in _server_records(caplog) if bad in r.getMessage() + repr(r.__dict__)]
