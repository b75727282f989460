"""Live video through the handoff: two real WebRTC peers (aiortc) on loopback negotiate
through `signal` frames relayed by the server, then talk over the data channel and
stream the user's "camera" (a real photo taken by a blind user) to the volunteer.

Two `sightline serve` processes on PostgreSQL + Redis (the user on A, the volunteer
on B; skipped without SIGHTLINE_TEST_POSTGRES_URL / SIGHTLINE_TEST_REDIS_URL), and
the single-process embedded default (SQLite, in-process broker), which always runs.
The servers and the WebSocket client are bench/handoff.py's `Cluster` and `Socket`.
"""

from __future__ import annotations

import asyncio
import fractions
import importlib.util
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCDataChannel,
    RTCPeerConnection,
    RTCSessionDescription,
)
from av import VideoFrame
from PIL import Image
from support import PHOTOS_DIR, require_photos_dir, require_postgres_url, require_redis_url

REPO_ROOT = Path(__file__).resolve().parents[2]
STEP_TIMEOUT_S = 120  # generous: the machine running the tests may be loaded
FRAME_SIZE = (320, 240)


def _load_bench() -> Any:
    """bench/handoff.py as a module (bench/ is not a package)."""
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


class PhotoCamera(MediaStreamTrack):
    """A camera that films one photo: the frames the volunteer should see."""

    kind = "video"

    def __init__(self, photo: Path) -> None:
        super().__init__()
        image = Image.open(photo).convert("RGB").resize(FRAME_SIZE)
        self.pixels = np.asarray(image)
        self.pts = 0

    async def recv(self) -> VideoFrame:
        await asyncio.sleep(1 / 15)
        frame = VideoFrame.from_ndarray(self.pixels, format="rgb24")
        frame.pts = self.pts
        frame.time_base = fractions.Fraction(1, 90000)
        self.pts += 6000
        return frame


def peer() -> RTCPeerConnection:
    """A peer with no STUN/TURN: host candidates on loopback are enough here."""
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


async def signal(sock: Any, handoff_id: str, payload: dict[str, Any]) -> None:
    await sock.send({"type": "signal", "handoff_id": handoff_id, "payload": payload})


async def next_signal(sock: Any, handoff_id: str, kind: str, start: int = 0) -> dict[str, Any]:
    frame = await sock.wait_for(
        lambda f: f.get("type") == "signal" and f.get("handoff_id") == handoff_id
        and f.get("payload", {}).get("type") == kind,
        STEP_TIMEOUT_S, start=start,
    )
    return dict(frame["payload"])


async def start_call(cluster: Any, user_index: int, volunteer_index: int) -> tuple[Any, Any, str, Any]:
    """A user (on server `user_index`) asks; a volunteer (on `volunteer_index`) accepts; both join."""
    user = await cluster.new_user(index=user_index)
    volunteer = await cluster.new_volunteer(index=volunteer_index, display_name="Video volunteer")
    user_sock = await bench.Socket.open(cluster.servers[user_index].ws_url, user.token)
    volunteer_sock = await bench.Socket.open(cluster.servers[volunteer_index].ws_url, volunteer.token)
    await volunteer_sock.send({"type": "available"})
    async with cluster.http(user_index, user.token) as client:
        handoff_id = await bench.request_handoff(client, note="Live video test")
    await volunteer_sock.wait_for(bench.is_frame("offer", handoff_id), STEP_TIMEOUT_S)
    await volunteer_sock.send({"type": "accept", "handoff_id": handoff_id})
    await volunteer_sock.wait_for(bench.is_state(handoff_id, "active"), STEP_TIMEOUT_S)
    await user_sock.wait_for(bench.is_state(handoff_id, "active"), STEP_TIMEOUT_S)
    await volunteer_sock.join_from_latest(handoff_id)
    await user_sock.join_from_latest(handoff_id)
    return user_sock, volunteer_sock, handoff_id, user


async def video_call(user_sock: Any, volunteer_sock: Any, handoff_id: str, photo: Path) -> dict[str, Any]:
    """The volunteer offers (data channel + receive video), the user answers with its camera.

    aiortc gathers every ICE candidate before `setLocalDescription` returns, so the
    candidates travel inside the SDP (no separate `candidate` payloads)."""
    volunteer_pc, user_pc = peer(), peer()
    got_text: dict[str, asyncio.Future[str]] = {
        side: asyncio.get_running_loop().create_future() for side in ("user", "volunteer")
    }
    got_track: asyncio.Future[MediaStreamTrack] = asyncio.get_running_loop().create_future()
    channel_open = asyncio.Event()
    camera = PhotoCamera(photo)
    try:
        chat = volunteer_pc.createDataChannel("chat")

        @chat.on("open")
        def _opened() -> None:
            channel_open.set()

        @chat.on("message")
        def _volunteer_got(message: str) -> None:
            if not got_text["volunteer"].done():
                got_text["volunteer"].set_result(message)

        @user_pc.on("datachannel")
        def _user_channel(channel: RTCDataChannel) -> None:
            @channel.on("message")
            def _user_got(message: str) -> None:
                if not got_text["user"].done():
                    got_text["user"].set_result(message)
                channel.send("I can hear you: the can is on the left")

        @volunteer_pc.on("track")
        def _volunteer_track(track: MediaStreamTrack) -> None:
            if track.kind == "video" and not got_track.done():
                got_track.set_result(track)

        volunteer_pc.addTransceiver("video", direction="recvonly")
        user_mark, volunteer_mark = len(user_sock.received), len(volunteer_sock.received)

        await volunteer_pc.setLocalDescription(await volunteer_pc.createOffer())
        offer_sdp = volunteer_pc.localDescription.sdp
        await signal(volunteer_sock, handoff_id, {"type": "offer", "sdp": offer_sdp})
        offer = await next_signal(user_sock, handoff_id, "offer", user_mark)
        assert offer["sdp"] == offer_sdp  # relayed unchanged

        await user_pc.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type="offer"))
        user_pc.addTrack(camera)
        await user_pc.setLocalDescription(await user_pc.createAnswer())
        answer_sdp = user_pc.localDescription.sdp
        await signal(user_sock, handoff_id, {"type": "answer", "sdp": answer_sdp})
        answer = await next_signal(volunteer_sock, handoff_id, "answer", volunteer_mark)
        assert answer["sdp"] == answer_sdp
        await volunteer_pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))

        await asyncio.wait_for(channel_open.wait(), STEP_TIMEOUT_S)
        chat.send("Hello, I am your volunteer")
        heard_by_user = await asyncio.wait_for(got_text["user"], STEP_TIMEOUT_S)
        heard_by_volunteer = await asyncio.wait_for(got_text["volunteer"], STEP_TIMEOUT_S)

        track = await asyncio.wait_for(got_track, STEP_TIMEOUT_S)
        frame = await asyncio.wait_for(track.recv(), STEP_TIMEOUT_S)
        seen = frame.to_ndarray(format="rgb24")
        return {
            "heard_by_user": heard_by_user,
            "heard_by_volunteer": heard_by_volunteer,
            "frame_size": (frame.width, frame.height),
            # VP8 is lossy: compare the picture's mean colour, not its pixels
            "colour_error": float(np.abs(seen.reshape(-1, 3).mean(0) - camera.pixels.reshape(-1, 3).mean(0)).max()),
            "sent_echoed": [f for f in volunteer_sock.received[volunteer_mark:] if f.get("type") == "signal"
                            and f["payload"].get("type") == "offer"],
        }
    finally:
        camera.stop()
        await volunteer_pc.close()
        await user_pc.close()


async def check_call(cluster: Any, user_index: int, volunteer_index: int, photo: Path) -> None:
    user_sock, volunteer_sock, handoff_id, user = await start_call(cluster, user_index, volunteer_index)
    try:
        seen = await video_call(user_sock, volunteer_sock, handoff_id, photo)
        assert seen["heard_by_user"] == "Hello, I am your volunteer"
        assert seen["heard_by_volunteer"] == "I can hear you: the can is on the left"
        assert seen["frame_size"] == FRAME_SIZE
        assert seen["colour_error"] < 25, seen["colour_error"]
        assert seen["sent_echoed"] == []  # a socket's own frames are not echoed back to it
        # signalling is relayed, never stored: the transcript holds no session description
        async with cluster.http(user_index, user.token) as client:
            transcript = await client.get(f"/v1/handoffs/{handoff_id}/messages")
        assert transcript.status_code == 200
        assert "v=0" not in transcript.text and "sdp" not in transcript.text
        await user_sock.send({"type": "end", "handoff_id": handoff_id})
        await volunteer_sock.wait_for(bench.is_state(handoff_id, "ended"), STEP_TIMEOUT_S)
    finally:
        await user_sock.close()
        await volunteer_sock.close()


@pytest.fixture(scope="module")
async def two_processes() -> AsyncIterator[Any]:
    """Two server processes on a fresh PostgreSQL database and the test Redis."""
    postgres, redis = require_postgres_url(), require_redis_url()
    async with bench.Cluster(processes=2, postgres_base_url=postgres, redis_url=redis) as cluster:
        yield cluster


@pytest.fixture(scope="module")
async def embedded() -> AsyncIterator[Any]:
    """The embedded default: one process, SQLite, no Redis."""
    async with bench.Cluster(processes=1) as cluster:
        yield cluster


async def test_webrtc_video_and_data_channel_negotiated_across_two_processes(two_processes: Any) -> None:
    require_photos_dir()
    await check_call(two_processes, 0, 1, PHOTOS_DIR / "VizWiz_test_00000046.jpg")


async def test_webrtc_video_and_data_channel_on_the_embedded_default(embedded: Any) -> None:
    require_photos_dir()
    await check_call(embedded, 0, 0, PHOTOS_DIR / "VizWiz_test_00000002.jpg")
