"""Brokers: how a process tells every process (itself included) that something happened.

Notifications are small and carry no message text: "handoff H has events up to
seq N", "offer for volunteer V", "close account A's sockets". Message text
stays in the database, and a subscriber that receives "up to N" re-reads every
event after the last one it delivered, so a lost notification (Redis pub/sub
blinks) delays nothing once the next one, or the resync after reconnecting,
arrives. Signalling payloads are the exception: they are relayed, never stored.

- `InProcessBroker`: one process (the embedded default, no Redis).
- `RedisBroker`: pub/sub on one channel per deployment (`SIGHTLINE_REDIS_URL`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[None]]
ResyncHandler = Callable[[], Awaitable[None]]


class Broker(Protocol):
    """Publishes notifications to every process's handler."""

    async def start(self, handler: Handler, on_resync: ResyncHandler) -> None:
        """Deliver every published notification to `handler`; call `on_resync` after a gap."""

    async def publish(self, notification: dict[str, Any]) -> None:
        """Send a notification to every process (this one too)."""

    async def close(self) -> None:
        """Stop delivering."""


class InProcessBroker:
    """Single process: a notification is handed straight to the handler (in order)."""

    def __init__(self) -> None:
        self._handler: Handler | None = None
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def start(self, handler: Handler, on_resync: ResyncHandler) -> None:
        """Start the delivery task."""
        self._handler = handler
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        assert self._handler is not None
        while True:
            notification = await self._queue.get()
            try:
                await self._handler(notification)
            except Exception:
                logger.exception("handoff notification failed", extra={"kind": notification.get("kind")})

    async def publish(self, notification: dict[str, Any]) -> None:
        """Queue for the delivery task (publishers never run subscriber code inline)."""
        self._queue.put_nowait(notification)

    async def close(self) -> None:
        """Stop the delivery task."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class RedisBroker:
    """Redis pub/sub on `{prefix}:bus`; reconnects and resyncs after any gap."""

    def __init__(self, url: str, *, prefix: str) -> None:
        import redis.asyncio as redis

        # Named, so an operator (or a test) can tell this deployment's connections apart.
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=3, health_check_interval=10,
                                           client_name=f"{prefix}:broker")
        self._channel = f"{prefix}:bus"
        self._handler: Handler | None = None
        self._on_resync: ResyncHandler | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self, handler: Handler, on_resync: ResyncHandler) -> None:
        """Subscribe in the background (start-up never waits for Redis: until the
        subscription is up, and after every gap, sockets are resynced from the database)."""
        self._handler = handler
        self._on_resync = on_resync
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        assert self._handler is not None and self._on_resync is not None
        failures = 0
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._channel)
                failures = 0
                # Anything published while we were not subscribed is in the database: re-read it.
                await self._on_resync()
                while True:
                    item = await pubsub.get_message(timeout=5.0)
                    if item is None or item.get("type") != "message":
                        continue
                    try:
                        notification = json.loads(item["data"])
                    except ValueError:
                        continue
                    try:
                        await self._handler(notification)
                    except Exception:
                        logger.exception("handoff notification failed",
                                         extra={"kind": notification.get("kind")})
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                raise
            except Exception as error:
                if failures == 0:
                    logger.warning("handoff broker connection lost; retrying",
                                   extra={"error": type(error).__name__})
                failures += 1
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                await asyncio.sleep(min(0.5 * failures, 5.0))

    async def publish(self, notification: dict[str, Any]) -> None:
        """Publish; a failure is logged, not raised (the database has the event, and the
        subscriber's resync or the next notification delivers it)."""
        try:
            await self._redis.publish(self._channel, json.dumps(notification, separators=(",", ":")))
        except Exception as error:
            logger.warning("handoff publish failed", extra={"error": type(error).__name__})

    async def close(self) -> None:
        """Stop and disconnect."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            await self._redis.aclose()


def create_broker(redis_url: str | None, *, prefix: str) -> Broker:
    """Redis when configured, else in-process."""
    if redis_url:
        return RedisBroker(redis_url, prefix=prefix)
    return InProcessBroker()
