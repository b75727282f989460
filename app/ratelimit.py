"""Rate limits with the `limits` library: shared through Redis when configured, in memory otherwise.

Keys are HMAC-SHA-256 digests under a key derived from the server secret, so the
store never holds an email or an address (and a copied Redis dump cannot be
reversed with a list of likely emails, as a plain hash could).

When Redis cannot be reached (refused, blackholed, killed mid-run) the limits
are counted in this process's memory instead: a request is never failed
because the counter store is down, and an outage does not switch limiting off.
The outage is logged once; Redis is tried again every `retry_s` seconds and
the shared counters are used again as soon as it answers.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections.abc import Mapping

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from app.errors import RateLimitedError
from app.settings import Settings

logger = logging.getLogger(__name__)

# Separates key parts before hashing, so ("a", "bc") and ("ab", "c") differ.
_KEY_SEPARATOR = b"\x1f"


def rate_limit_key_secret(signing_secret: str) -> bytes:
    """A key for hashing rate-limit keys, derived from (never equal to) the token signing secret."""
    return hmac.new(signing_secret.encode(), b"sightline rate-limit keys", hashlib.sha256).digest()


class RateLimiter:
    """Named limits ("login_address", "register_account", ...) checked per key."""

    def __init__(
        self,
        *,
        storage: Storage,
        limits: Mapping[str, str],
        key_secret: bytes,
        timeout_s: float = 1.0,
        retry_s: float = 5.0,
    ) -> None:
        self._storage = storage
        self._shared = not isinstance(storage, MemoryStorage)
        self._memory = storage if not self._shared else MemoryStorage()
        self._limiter = MovingWindowRateLimiter(storage)
        self._memory_limiter = MovingWindowRateLimiter(self._memory)
        self._limits: dict[str, list[RateLimitItem]] = {
            name: parse_many(value) for name, value in limits.items()
        }
        self._key_secret = key_secret
        self._timeout_s = timeout_s
        self._retry_s = retry_s
        self._retry_at: float | None = None  # set while the shared store is down

    @classmethod
    def create(
        cls,
        *,
        redis_url: str | None,
        limits: Mapping[str, str],
        key_secret: bytes,
        key_prefix: str = "sightline-limits",
        timeout_s: float = 1.0,
        retry_s: float = 5.0,
    ) -> RateLimiter:
        """Redis storage when `redis_url` is set (shared by all API processes), memory otherwise."""
        storage: Storage
        if redis_url:
            storage = RedisStorage(
                redis_url,
                implementation="redispy",
                key_prefix=key_prefix,
                wrap_exceptions=True,
                # A blackholed Redis must cost a request at most this long once per retry period.
                socket_connect_timeout=timeout_s,
                socket_timeout=timeout_s,
            )
        else:
            storage = MemoryStorage()
        return cls(
            storage=storage, limits=limits, key_secret=key_secret, timeout_s=timeout_s, retry_s=retry_s
        )

    @property
    def names(self) -> frozenset[str]:
        """The configured limit names."""
        return frozenset(self._limits)

    @property
    def degraded(self) -> bool:
        """True while the shared store is unreachable and limits are counted per process."""
        return self._retry_at is not None

    def key_digest(self, *parts: str) -> str:
        """What is stored in place of the key parts (an email, an address)."""
        message = _KEY_SEPARATOR.join(part.encode() for part in parts)
        return hmac.new(self._key_secret, message, hashlib.sha256).hexdigest()[:40]

    async def hit_or_raise(self, name: str, *keys: str) -> None:
        """Count one attempt against every window of the named limit; RateLimitedError when over."""
        digest = self.key_digest(*keys)
        for item in self._limits[name]:
            if not await self._hit(item, name, digest):
                raise RateLimitedError()

    async def _hit(self, item: RateLimitItem, name: str, digest: str) -> bool:
        if self._shared and self._shared_store_worth_trying():
            try:
                async with asyncio.timeout(self._timeout_s * 3):
                    allowed = await self._limiter.hit(item, name, digest)
            except Exception as error:  # StorageError, timeouts: any failure of the store
                self._mark_down(error)
            else:
                self._mark_up()
                return allowed
        return await self._memory_limiter.hit(item, name, digest)

    def _shared_store_worth_trying(self) -> bool:
        return self._retry_at is None or time.monotonic() >= self._retry_at

    def _mark_down(self, error: BaseException) -> None:
        if self._retry_at is None:
            logger.warning(
                "rate-limit store unreachable; limiting per process until it answers",
                extra={"error_type": type(error).__name__},
            )
        self._retry_at = time.monotonic() + self._retry_s

    def _mark_up(self) -> None:
        if self._retry_at is not None:
            logger.warning("rate-limit store reachable again; shared limits restored")
            self._retry_at = None

    async def reset(self) -> None:
        """Clear all counters under this limiter's prefix (tests and admin use)."""
        await self._memory.reset()
        if self._shared:
            await self._storage.reset()

    async def check_storage(self) -> bool:
        """True when the configured store answers within the timeout (used by readiness)."""
        try:
            async with asyncio.timeout(self._timeout_s * 3):
                return bool(await self._storage.check())
        except Exception:
            return False


def limits_from_settings(settings: Settings) -> dict[str, str]:
    """Every named limit the API checks, from Settings (see docs/security.md)."""
    return {
        "login": settings.login_rate_limit,  # one address guessing one account
        "login_account": settings.login_account_rate_limit,  # one account from any address
        "login_address": settings.login_address_rate_limit,  # one address spraying accounts
        "register": settings.register_rate_limit,  # one address creating accounts
        "register_account": settings.register_account_rate_limit,  # one email probed repeatedly
    }


def create_rate_limiter(settings: Settings) -> RateLimiter:
    """The limiter the API uses, built once at start-up."""
    return RateLimiter.create(
        redis_url=settings.redis_url,
        limits=limits_from_settings(settings),
        key_secret=rate_limit_key_secret(settings.signing_secret),
        key_prefix=settings.rate_limit_key_prefix,
        timeout_s=settings.rate_limit_store_timeout_s,
        retry_s=settings.rate_limit_store_retry_s,
    )
