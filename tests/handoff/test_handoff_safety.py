"""After the call: ratings, reports that block a pair for good, suspension after three reports
and its lifting (API and CLI); transcripts follow retention and go with DELETE /v1/me."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from handoff_live import (
    Account,
    Peer,
    Server,
    create_handoff,
    new_user,
    new_volunteer,
    query,
    unique_language,
)

from app.db.engine import create_engine, create_session_factory
from app.handoff.service import purge_finished_handoffs, utc_now


async def _call_and_end(server: Server, user: Account, volunteer_peer: Peer, language: str) -> str:
    handoff_id = await create_handoff(server, user, language)
    await volunteer_peer.expect("offer", handoff_id=handoff_id)
    await volunteer_peer.send({"type": "accept", "handoff_id": handoff_id})
    await volunteer_peer.expect("state", handoff_id=handoff_id, state="active")
    await volunteer_peer.send({"type": "end", "handoff_id": handoff_id})
    await volunteer_peer.expect("state", handoff_id=handoff_id, state="ended")
    return handoff_id


async def _rings(server: Server, user: Account, peer: Peer, language: str) -> bool:
    handoff_id = await create_handoff(server, user, language)
    await peer.drain(quiet_s=1.0)
    rung = any(f["type"] == "offer" and f["handoff_id"] == handoff_id for f in peer.frames)
    peer.frames.clear()
    async with server.client(user.token) as client:
        await client.post(f"/v1/handoffs/{handoff_id}/cancel")
    await peer.drain(quiet_s=0.3)
    peer.frames.clear()
    return rung


async def test_reports_block_the_pair_and_three_suspend(server: Server) -> None:
    language = unique_language()
    volunteer = await new_volunteer(server, language)
    peer = await Peer.open(server, volunteer.token)
    await peer.send({"type": "available"})
    users = [await new_user(server, language) for _ in range(3)]
    for index, user in enumerate(users):
        handoff_id = await _call_and_end(server, user, peer, language)
        async with server.client(user.token) as client:
            early = await client.post(f"/v1/handoffs/{handoff_id}/rating", json={"rating": "bad"})
            assert early.status_code == 422
            rated = await client.post(f"/v1/handoffs/{handoff_id}/rating",
                                      json={"rating": "problem", "report": True, "comment": "rude"})
            assert rated.status_code == 201 and rated.json()["report"] is True
        # The reporter is never matched with this volunteer again.
        assert not await _rings(server, user, peer, language)
        async with server.client(volunteer.token) as client:
            profile = (await client.get("/v1/volunteer/profile")).json()
        assert profile["suspended"] is (index == 2)
    newcomer = await new_user(server, language)
    assert not await _rings(server, newcomer, peer, language)  # suspended
    await peer.send({"type": "available"})
    assert (await peer.expect("error"))["error"] == "forbidden"

    async with server.client(users[0].token) as client:
        refused = await client.post(f"/v1/admin/volunteers/{volunteer.id}/reinstate")
        assert refused.status_code == 403
    async with server.client(server.admin_token) as admin:
        lifted = await admin.post(f"/v1/admin/volunteers/{volunteer.id}/reinstate")
        assert lifted.status_code == 200 and lifted.json()["suspended"] is False
    await peer.send({"type": "available"})
    assert await _rings(server, newcomer, peer, language)
    assert not await _rings(server, users[1], peer, language)  # the block is for good

    # Suspended again (a fourth report), lifted from the command line this time.
    handoff_id = await _call_and_end(server, newcomer, peer, language)
    async with server.client(newcomer.token) as client:
        await client.post(f"/v1/handoffs/{handoff_id}/rating", json={"rating": "problem", "report": True})
    async with server.client(volunteer.token) as client:
        assert (await client.get("/v1/volunteer/profile")).json()["suspended"] is True
    env = {**os.environ, "SIGHTLINE_DATABASE_URL": server.settings.resolved_database_url,
           "SIGHTLINE_DATA_DIR": str(server.settings.data_dir), "SIGHTLINE_ENV": "test"}
    result = subprocess.run([sys.executable, "-m", "app.cli", "volunteer", "reinstate", volunteer.email],
                            env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    async with server.client(volunteer.token) as client:
        assert (await client.get("/v1/volunteer/profile")).json()["suspended"] is False
    await peer.close()


async def test_profile_validation_and_roles(server: Server) -> None:
    language = unique_language()
    volunteer = await new_volunteer(server, language, timezone="Asia/Tokyo",
                                    quiet_hours={"start": "22:00", "end": "07:00"})
    async with server.client(volunteer.token) as client:
        profile = (await client.get("/v1/volunteer/profile")).json()
        assert profile["quiet_hours"] == {"start": "22:00", "end": "07:00"}
        assert profile["timezone"] == "Asia/Tokyo" and profile["languages"] == [language]
        for bad in ({"display_name": "A", "languages": ["en"], "timezone": "Mars/Olympus"},
                    {"display_name": "A", "languages": [], "timezone": "UTC"},
                    {"display_name": "A", "languages": ["en"], "timezone": "UTC",
                     "quiet_hours": {"start": "25:00", "end": "07:00"}}):
            response = await client.put("/v1/volunteer/profile", json=bad)
            assert response.status_code == 422 and response.json()["error"] == "validation_error", bad
        assert (await client.post("/v1/handoffs", json={})).status_code == 403
        nul = await client.put("/v1/volunteer/profile", json={
            "display_name": "Ai\u0000ko", "languages": ["en"], "timezone": "UTC"})
        assert nul.status_code == 422 and nul.json()["error"] == "validation_error"
    user = await new_user(server, language)
    async with server.client(user.token) as client:
        assert (await client.get("/v1/volunteer/profile")).status_code == 403
        nul = await client.post("/v1/handoffs", json={"note": "which can\u0000 is the soup?"})
        assert nul.status_code == 422 and nul.json()["error"] == "validation_error"
        # a malformed id is refused at the edge like every path id (app/schemas/fields.py)
        assert (await client.get("/v1/handoffs/x%00y")).status_code == 422
        assert (await client.put("/v1/volunteer/profile", json={
            "display_name": "A", "languages": ["en"], "timezone": "UTC"})).status_code == 403


async def test_transcripts_follow_retention_and_go_with_the_account(server: Server) -> None:
    language = unique_language()
    volunteer = await new_volunteer(server, language)
    peer = await Peer.open(server, volunteer.token)
    await peer.send({"type": "available"})
    user = await new_user(server, language)
    kept = await _call_and_end(server, user, peer, language)

    engine = create_engine(server.settings.resolved_database_url)
    try:
        sessions = create_session_factory(engine)
        assert await purge_finished_handoffs(sessions, retain_days=30) == 0
        purged = await purge_finished_handoffs(sessions, retain_days=30, now=utc_now() + timedelta(days=31))
        assert purged >= 1
    finally:
        await engine.dispose()
    assert await query(server, "SELECT count(*) FROM handoff_events WHERE handoff_id = :h", h=kept) == [(0,)]

    # DELETE /v1/me: the open handoff ends for the other side, the rows go, the sockets close.
    handoff_id = await create_handoff(server, user, language)
    await peer.expect("offer", handoff_id=handoff_id)
    await peer.send({"type": "accept", "handoff_id": handoff_id})
    await peer.expect("state", handoff_id=handoff_id, state="active")
    user_peer = await Peer.open(server, user.token)
    await user_peer.send({"type": "message", "handoff_id": handoff_id, "text": "private", "client_id": "x"})
    await user_peer.expect("ack", client_id="x")
    async with server.client(user.token) as client:
        assert (await client.delete("/v1/me")).status_code == 204
    await peer.expect("state", handoff_id=handoff_id, state="ended")
    assert await user_peer.closed_with() == 4401
    assert await query(server, "SELECT count(*) FROM handoffs WHERE user_id = :u", u=user.id) == [(0,)]
    assert await query(server, "SELECT count(*) FROM handoff_events WHERE handoff_id = :h", h=handoff_id) == [(0,)]
    await peer.close()
