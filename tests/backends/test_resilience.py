"""Backoff delays, Retry-After parsing and circuit-breaker transitions."""

from __future__ import annotations

import pytest

from models.backends.resilience import CircuitBreaker, RetryPolicy, parse_retry_after


@pytest.mark.parametrize(("attempt", "draw", "retry_after", "expected"), [
    (1, 1.0, None, 0.5),
    (2, 1.0, None, 1.0),
    (3, 0.5, None, 1.0),
    (10, 1.0, None, 8.0),       # capped
    (1, 0.0, None, 0.0),        # full jitter may retry at once
    (1, 0.0, 3.0, 3.0),         # Retry-After is a floor
    (1, 0.0, 999.0, 30.0),      # but bounded
])
def test_delay(attempt: int, draw: float, retry_after: float | None, expected: float) -> None:
    policy = RetryPolicy(base_delay_s=0.5, max_delay_s=8.0)
    assert policy.delay_s(attempt=attempt, retry_after_s=retry_after,
                          rng=lambda: draw) == pytest.approx(expected)


@pytest.mark.parametrize(("value", "expected"), [
    ("3", 3.0), (" 1.5 ", 1.5), ("-2", 0.0), (None, None), ("", None), ("soon", None),
    ("Wed, 21 Oct 2015 07:28:10 GMT", 10.0),
])
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = 1445412480.0  # 07:28:00 GMT that day
    assert parse_retry_after(value=value, now=now) == expected


def test_breaker_cycle() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=3, reset_timeout_s=5.0, clock=lambda: now[0])
    for _ in range(2):
        assert breaker.allow_request()
        breaker.record_failure()
    assert breaker.state == "closed"
    breaker.record_success()  # resets the consecutive count
    for _ in range(3):
        breaker.record_failure()
    assert breaker.state == "open" and not breaker.allow_request()
    now[0] = 5.0
    assert breaker.state == "half_open"
    assert breaker.allow_request()          # one probe
    assert not breaker.allow_request()      # and only one
    breaker.record_failure()
    assert breaker.state == "open"
    now[0] = 10.0
    assert breaker.allow_request()
    breaker.release_probe()                 # cancelled probe frees the slot
    assert breaker.allow_request()
    breaker.record_success()
    assert breaker.state == "closed" and breaker.allow_request()


def test_breaker_rejects_bad_threshold() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(failure_threshold=0)
