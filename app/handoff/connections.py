"""This process's sockets: which account each belongs to and which handoffs it follows.

A socket follows a handoff through an `Attachment`: the seqs it has been sent
(`sent`) and the seq after which it reads (`floor`). Delivering means
re-reading the events after `floor` from the database and sending those not
yet sent, under the attachment's lock: every event reaches a socket
exactly once and in order, whatever the notifications did (lost, repeated,
late).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

logger = logging.getLogger(__name__)


class FrameSocket(Protocol):
    """What we need of a WebSocket."""

    async def send_json(self, data: Any, mode: str = "text") -> None: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


@dataclass
class Attachment:
    """A socket following one handoff.

    `floor`: events are read from the database after this seq (where the socket
    started following, or what a join asked for). `sent`: the seqs this socket
    was actually sent (or sent itself), so a replay never sends one twice."""

    floor: int
    sent: set[int] = field(default_factory=set)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pending: bool = False  # a delivery is scheduled and has not started reading yet

    def mark(self, seq: int) -> None:
        """Record `seq` as sent; move the floor over every contiguous sent seq."""
        self.sent.add(seq)
        while self.floor + 1 in self.sent:
            self.floor += 1

    def has(self, seq: int) -> bool:
        """Whether this socket already has `seq`."""
        return seq in self.sent


MAX_QUEUED_FRAMES = 1000  # a client this far behind is not reading: it is closed (1008)


@dataclass(eq=False)  # identity: sockets live in sets
class Connection:
    """One authenticated socket, with its own outbound queue and writer task: a client
    that stops reading fills its own queue and is closed, and never holds up others."""

    socket: FrameSocket
    account_id: str
    role: str  # user | volunteer
    session_id: str
    language: str = "en"
    socket_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    attachments: dict[str, Attachment] = field(default_factory=dict)
    # handoff id → (user id, volunteer id), once a volunteer accepted (it never changes)
    parties: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    closed: bool = False
    _queue: asyncio.Queue[dict[str, Any] | None] = field(default_factory=asyncio.Queue)
    _writer: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the writer task (once the socket is accepted)."""
        if self._writer is None:
            self._writer = asyncio.create_task(self._write())

    async def _write(self) -> None:
        while True:
            frame = await self._queue.get()
            if frame is None:
                return
            try:
                await self.socket.send_json(frame)
            except Exception:
                self.closed = True
                return

    async def send(self, frame: dict[str, Any]) -> bool:
        """Queue one frame (sent in order); False when the socket is gone."""
        if self.closed:
            return False
        if self._queue.qsize() >= MAX_QUEUED_FRAMES:
            logger.warning("websocket client too slow; closing", extra={"socket_id": self.socket_id})
            await self.close(1008)
            return False
        self._queue.put_nowait(frame)
        return True

    async def close(self, code: int) -> None:
        """Close the socket (idempotent); queued frames are dropped."""
        if self.closed:
            return
        self.closed = True
        if self._writer is not None:
            self._writer.cancel()
        with contextlib.suppress(Exception):
            await self.socket.close(code=code)

    async def stop(self) -> None:
        """Stop the writer after the socket went away."""
        self.closed = True
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._writer


class Registry:
    """Every socket of this process, by account."""

    def __init__(self) -> None:
        self._by_account: dict[str, set[Connection]] = defaultdict(set)
        self._by_handoff: dict[str, set[Connection]] = defaultdict(set)

    def add(self, connection: Connection) -> None:
        """Register an authenticated socket."""
        self._by_account[connection.account_id].add(connection)

    def remove(self, connection: Connection) -> None:
        """Forget a socket and its attachments."""
        sockets = self._by_account.get(connection.account_id)
        if sockets is not None:
            sockets.discard(connection)
            if not sockets:
                del self._by_account[connection.account_id]
        for handoff_id in list(connection.attachments):
            self.detach(connection, handoff_id)

    def of_account(self, account_id: str | None) -> list[Connection]:
        """The account's sockets on this process."""
        if account_id is None:
            return []
        return list(self._by_account.get(account_id, ()))

    def following(self, handoff_id: str) -> list[Connection]:
        """Sockets attached to a handoff."""
        return list(self._by_handoff.get(handoff_id, ()))

    def attach(self, connection: Connection, handoff_id: str, floor: int) -> Attachment:
        """Attach (or lower the floor of an existing attachment: a join asks for a replay)."""
        attachment = connection.attachments.get(handoff_id)
        if attachment is None:
            attachment = Attachment(floor=floor)
            connection.attachments[handoff_id] = attachment
            self._by_handoff[handoff_id].add(connection)
        elif floor < attachment.floor:
            # A join asks for a replay: read from the lower floor; what this
            # socket was already sent is skipped (`sent`), so nothing arrives twice.
            attachment.floor = floor
        return attachment

    def detach(self, connection: Connection, handoff_id: str) -> None:
        """Stop following a handoff."""
        connection.attachments.pop(handoff_id, None)
        followers = self._by_handoff.get(handoff_id)
        if followers is not None:
            followers.discard(connection)
            if not followers:
                del self._by_handoff[handoff_id]

    def all(self) -> list[Connection]:
        """Every socket."""
        return [connection for sockets in self._by_account.values() for connection in sockets]

    def handoffs(self) -> list[str]:
        """Handoffs some socket follows."""
        return list(self._by_handoff)
