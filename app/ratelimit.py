"""Rate limits with the `limits` library: in memory by default, shared through Redis when configured."""

from __future__ import annotations

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from app.errors import RateLimitedError


class RateLimiter:
    """Named limits ("login", "register") checked per key (e.g. client address + email)."""

    def __init__(self, *, storage: Storage, limits: dict[str, str]) -> None:
        self._storage = storage
        self._limiter = MovingWindowRateLimiter(storage)
        self._limits: dict[str, RateLimitItem] = {
            name: parse(value) for name, value in limits.items()
        }

    @classmethod
    def create(cls, *, redis_url: str | None, limits: dict[str, str]) -> RateLimiter:
        """Redis storage when `redis_url` is set (shared by all API processes), memory otherwise."""
        storage: Storage
        if redis_url:
            storage = RedisStorage(
                redis_url, implementation="redispy", key_prefix="sightline-limits"
            )
        else:
            storage = MemoryStorage()
        return cls(storage=storage, limits=limits)

    async def hit_or_raise(self, name: str, *keys: str) -> None:
        """Count one attempt; raise RateLimitedError when over the named limit."""
        if not await self._limiter.hit(self._limits[name], name, *keys):
            raise RateLimitedError()

    async def reset(self) -> None:
        """Clear all counters (tests and admin use)."""
        await self._storage.reset()

    async def check_storage(self) -> bool:
        """True when the storage answers (used by readiness)."""
        return bool(await self._storage.check())
