"""Rate limits shared through Redis: two API processes see the same counters."""

from __future__ import annotations

import uuid

import pytest
from support import require_redis_url

from app.errors import RateLimitedError
from app.ratelimit import RateLimiter


async def test_two_processes_share_one_login_limit() -> None:
    url = require_redis_url()
    first = RateLimiter.create(redis_url=url, limits={"login": "3/minute"})
    second = RateLimiter.create(redis_url=url, limits={"login": "3/minute"})
    assert await first.check_storage()
    key = f"test-{uuid.uuid4().hex}"
    await first.hit_or_raise("login", key)
    await second.hit_or_raise("login", key)
    await first.hit_or_raise("login", key)
    with pytest.raises(RateLimitedError):
        await second.hit_or_raise("login", key)
    # another account from the same address is unaffected
    await second.hit_or_raise("login", f"other-{uuid.uuid4().hex}")


async def test_memory_storage_limits_within_one_process() -> None:
    limiter = RateLimiter.create(redis_url=None, limits={"login": "2/minute"})
    await limiter.hit_or_raise("login", "k")
    await limiter.hit_or_raise("login", "k")
    with pytest.raises(RateLimitedError):
        await limiter.hit_or_raise("login", "k")
