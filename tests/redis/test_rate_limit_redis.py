"""Rate limits shared through Redis: two API processes see the same counters, keys are
hashed, and a Redis that is gone degrades to per-process counting and comes back."""

from __future__ import annotations

import socket
import uuid

import pytest
import redis.asyncio as aioredis
from support import require_redis_url

from app.errors import RateLimitedError
from app.ratelimit import RateLimiter

SECRET = b"k" * 32


def limiter(url: str | None, prefix: str, limit: str = "3/minute", **options: float) -> RateLimiter:
    return RateLimiter.create(
        redis_url=url, limits={"login": limit}, key_secret=SECRET, key_prefix=prefix, **options
    )


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_two_processes_share_one_login_limit() -> None:
    url = require_redis_url()
    prefix = f"sightline-test-{uuid.uuid4().hex}"
    first, second = limiter(url, prefix), limiter(url, prefix)
    assert await first.check_storage()
    key = f"test-{uuid.uuid4().hex}"
    await first.hit_or_raise("login", key)
    await second.hit_or_raise("login", key)
    await first.hit_or_raise("login", key)
    with pytest.raises(RateLimitedError):
        await second.hit_or_raise("login", key)
    # another account from the same address is unaffected
    await second.hit_or_raise("login", f"other-{uuid.uuid4().hex}")
    await first.reset()


async def test_keys_in_redis_are_keyed_hashes() -> None:
    url = require_redis_url()
    prefix = f"sightline-test-{uuid.uuid4().hex}"
    shared = limiter(url, prefix)
    await shared.hit_or_raise("login", "203.0.113.9", "someone@example.org")
    client = aioredis.Redis.from_url(url)
    try:
        keys = [key.decode() async for key in client.scan_iter(match=f"{prefix}*")]
    finally:
        await client.aclose()
    assert keys
    assert all("203.0.113.9" not in key and "example.org" not in key for key in keys)
    assert any(shared.key_digest("203.0.113.9", "someone@example.org") in key for key in keys)
    # Another secret, another digest: a list of emails cannot be hashed to find them.
    other = RateLimiter.create(redis_url=None, limits={"login": "1/minute"}, key_secret=b"x" * 32)
    assert other.key_digest("someone@example.org") != shared.key_digest("someone@example.org")
    await shared.reset()


async def test_unreachable_redis_limits_in_memory_and_recovers(caplog: pytest.LogCaptureFixture) -> None:
    url = require_redis_url()
    dead = limiter(f"redis://127.0.0.1:{unused_port()}/15", f"sightline-test-{uuid.uuid4().hex}",
                   timeout_s=0.2, retry_s=0.0)
    assert not await dead.check_storage()
    for _ in range(3):
        await dead.hit_or_raise("login", "k")  # no exception from the store
    with pytest.raises(RateLimitedError):
        await dead.hit_or_raise("login", "k")  # and still limited
    assert dead.degraded
    assert sum("unreachable" in record.message for record in caplog.records) == 1  # logged once

    # Recovery: the same limiter pointed at a Redis that answers switches back.
    prefix = f"sightline-test-{uuid.uuid4().hex}"
    alive = limiter(url, prefix, timeout_s=0.2, retry_s=0.0)
    alive._retry_at = 0.0  # as if an outage had just been detected
    await alive.hit_or_raise("login", "k")
    assert not alive.degraded
    assert any("reachable again" in record.message for record in caplog.records)
    await alive.reset()


async def test_memory_storage_limits_within_one_process() -> None:
    memory = RateLimiter.create(redis_url=None, limits={"login": "2/minute"}, key_secret=SECRET)
    await memory.hit_or_raise("login", "k")
    await memory.hit_or_raise("login", "k")
    with pytest.raises(RateLimitedError):
        await memory.hit_or_raise("login", "k")


async def test_several_windows_all_apply() -> None:
    memory = RateLimiter.create(redis_url=None, limits={"login": "5/minute;2/hour"}, key_secret=SECRET)
    await memory.hit_or_raise("login", "k")
    await memory.hit_or_raise("login", "k")
    with pytest.raises(RateLimitedError):
        await memory.hit_or_raise("login", "k")
