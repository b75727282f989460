"""`GET /v1/ws`: the handoff WebSocket (issue 7; frames in app/handoff/frames.py).

Order of checks: the Origin header (refused before the handshake completes),
then an `auth` frame within SIGHTLINE_HANDOFF_AUTH_TIMEOUT_S (else close 4401),
then every frame: size (over 64 KiB: close 1009), rate (too many: close 1008),
JSON and schema (error frame, the socket stays open). Frame contents are never
logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from app.auth import service as auth_service
from app.errors import ServiceUnavailableError, SightlineError
from app.handoff.connections import Connection
from app.handoff.errors import say, socket_language
from app.handoff.frames import (
    CLIENT_FRAME,
    CLIENT_TYPES,
    AcceptFrame,
    AckFrame,
    AuthFrame,
    AvailableFrame,
    DeclineFrame,
    EndFrame,
    ErrorFrame,
    JoinFrame,
    MessageFrame,
    ReadyFrame,
    SignalFrame,
    UnavailableFrame,
    dump,
)
from app.handoff.service import HandoffService
from app.services import AppServices
from app.settings import Settings

router = APIRouter()
logger = logging.getLogger("sightline.ws")

CLOSE_UNAUTHENTICATED = 4401
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009
VOLUNTEER_FRAMES = (AvailableFrame, UnavailableFrame, AcceptFrame, DeclineFrame)


def origin_allowed(origin: str | None, host: str | None, settings: Settings) -> bool:
    """No Origin (not a browser), the server's own origin, or one listed in SIGHTLINE_ALLOWED_ORIGINS."""
    if not origin:
        return True
    allowed = {item.strip().rstrip("/") for item in settings.allowed_origins.split(",") if item.strip()}
    if "*" in allowed or origin.rstrip("/") in allowed:
        return True
    return bool(host) and urlsplit(origin).netloc.lower() == (host or "").lower()


class FrameBudget:
    """A token bucket: `rate` frames a second, bursts up to `burst`."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, float(burst)
        self.tokens = float(burst)
        self.stamp = time.monotonic()

    def take(self) -> bool:
        """Spend one frame; False when the budget is exhausted."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def _frame_size(message: Mapping[str, Any]) -> tuple[str | None, int]:
    text = message.get("text")
    if text is not None:
        return text, len(text.encode("utf-8"))
    data = message.get("bytes") or b""
    return None, len(data)


async def _close(websocket: WebSocket, code: int) -> None:
    with contextlib.suppress(Exception):
        await websocket.close(code=code)


@router.websocket("/v1/ws")
async def handoff_socket(websocket: WebSocket) -> None:
    """The handoff socket for users and volunteers (see docs/handoff-protocol.md)."""
    services: AppServices = websocket.app.state.services
    settings = services.settings
    handoff: HandoffService = services.handoff
    if not origin_allowed(websocket.headers.get("origin"), websocket.headers.get("host"), settings):
        logger.info("websocket refused: origin not allowed")
        await websocket.close(code=CLOSE_POLICY)  # before accept: the handshake gets 403
        return
    await websocket.accept()
    connection = await _authenticate(websocket, services)
    if connection is None:
        return
    budget = FrameBudget(settings.handoff_frames_per_s, settings.handoff_frame_burst)
    # `ready` is queued before the socket is registered, so it is always the first frame
    # (a registered socket can be sent offers and state changes at once).
    connection.start()
    await connection.send(dump(ReadyFrame(role=connection.role)))  # type: ignore[arg-type]
    try:
        await handoff.connect(connection)
        while not connection.closed:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            text, size = _frame_size(message)
            if size > settings.handoff_max_frame_bytes:
                logger.info("websocket closed: frame too big")
                await connection.close(CLOSE_TOO_BIG)
                break
            if not budget.take():
                logger.info("websocket closed: too many frames")
                await connection.close(CLOSE_POLICY)
                break
            await _handle(connection, handoff, text)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        await handoff.disconnect(connection)


async def _authenticate(websocket: WebSocket, services: AppServices) -> Connection | None:
    """Wait for the auth frame; close 4401 on a timeout, a bad frame or a bad token."""
    settings = services.settings
    try:
        message = await asyncio.wait_for(websocket.receive(), timeout=settings.handoff_auth_timeout_s)
    except TimeoutError:
        await _close(websocket, CLOSE_UNAUTHENTICATED)
        return None
    if message["type"] == "websocket.disconnect":
        return None
    text, size = _frame_size(message)
    if size > settings.handoff_max_frame_bytes:
        await _close(websocket, CLOSE_TOO_BIG)
        return None
    if text is None:
        await _close(websocket, CLOSE_UNAUTHENTICATED)
        return None
    try:
        frame = AuthFrame.model_validate_json(text)
    except ValidationError:
        await _close(websocket, CLOSE_UNAUTHENTICATED)
        return None
    try:
        async with services.sessions() as session:
            context = await auth_service.authenticate(
                session=session, tokens=services.tokens, access_token=frame.token)
    except SightlineError:
        await _close(websocket, CLOSE_UNAUTHENTICATED)
        return None
    role = context.account.role
    if role not in ("user", "volunteer"):
        await _close(websocket, CLOSE_UNAUTHENTICATED)
        return None
    language = (context.account.languages or "en").split(",")[0]
    return Connection(socket=websocket, account_id=context.account.id, role=role,
                      session_id=context.session_id, language=language)


async def _handle(connection: Connection, handoff: HandoffService, text: str | None) -> None:
    """Parse, validate and run one frame; a refusal is an error frame (in the account's language)."""
    socket_language.set(connection.language)
    try:
        raw = json.loads(text) if text is not None else None
    except ValueError:
        raw = None
    if not isinstance(raw, dict):
        await _error(connection, "bad_frame", say("not_json", None))
        return
    kind = raw.get("type")
    if kind not in CLIENT_TYPES:
        await _error(connection, "unknown_type", say("unknown_type", None))
        return
    try:
        frame = CLIENT_FRAME.validate_python(raw)
    except ValidationError as error:
        fields = sorted({".".join(str(p) for p in item["loc"][1:]) or "type" for item in error.errors()})
        await _error(connection, "bad_frame", say("bad_frame", None, fields=", ".join(fields)),
                     raw.get("handoff_id"))
        return
    handoff_id = getattr(frame, "handoff_id", None)
    try:
        await _dispatch(connection, handoff, frame)
    except SightlineError as error:
        await _error(connection, error.code, error.detail, handoff_id)
    except Exception as error:
        # A database fault, say. Logged by type only: driver errors can quote the
        # statement's parameters (message text) and must not reach the log.
        logger.error("handoff frame failed", extra={"frame_type": kind, "error": type(error).__name__})
        unavailable = ServiceUnavailableError()
        await _error(connection, unavailable.code, unavailable.detail, handoff_id)


async def _dispatch(connection: Connection, handoff: HandoffService, frame: Any) -> None:
    if isinstance(frame, AuthFrame):
        await _error(connection, "bad_frame", say("already_authenticated", None))
        return
    if isinstance(frame, VOLUNTEER_FRAMES) and connection.role != "volunteer":
        await _error(connection, "forbidden", say("volunteers_only", None),
                     getattr(frame, "handoff_id", None))
        return
    if isinstance(frame, AvailableFrame):
        await handoff.set_available(connection, frame.languages)
    elif isinstance(frame, UnavailableFrame):
        await handoff.set_unavailable(connection)
    elif isinstance(frame, AcceptFrame):
        await handoff.accept(connection, frame.handoff_id)
    elif isinstance(frame, DeclineFrame):
        await handoff.decline(connection, frame.handoff_id)
    elif isinstance(frame, JoinFrame):
        await handoff.join(connection, frame.handoff_id, frame.last_seq)
    elif isinstance(frame, MessageFrame):
        seq = await handoff.message(connection, frame.handoff_id, frame.text, frame.client_id)
        await connection.send(dump(AckFrame(client_id=frame.client_id, seq=seq)))
    elif isinstance(frame, SignalFrame):
        await handoff.signal(connection, frame.handoff_id, frame.payload)
    elif isinstance(frame, EndFrame):
        await handoff.end(connection, frame.handoff_id)


async def _error(connection: Connection, code: str, detail: str, handoff_id: Any = None) -> None:
    await connection.send(dump(ErrorFrame(
        error=code, detail=detail, handoff_id=handoff_id if isinstance(handoff_id, str) else None)))
