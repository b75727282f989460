"""Retries with exponential backoff and jitter, and a circuit breaker.

Used by remote backends so that a flaky model server costs the user a short
wait, and a dead one costs nothing: once the breaker is open, requests fail at
once and the fallback backend answers.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Literal

BreakerState = Literal["closed", "open", "half_open"]


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait between attempts of one request."""

    max_retries: int = 2
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    # Longest Retry-After we honour; a server asking for more is treated as down.
    max_retry_after_s: float = 30.0

    def delay_s(
        self, *, attempt: int, retry_after_s: float | None = None,
        rng: Callable[[], float] = random.random,
    ) -> float:
        """Seconds to wait before retry number `attempt` (1-based).

        Full jitter (a uniform draw up to the exponential cap) spreads retries of
        many clients apart; a server's Retry-After is a floor.
        """
        cap = min(self.max_delay_s, self.base_delay_s * 2.0 ** (attempt - 1))
        delay = cap * rng()
        if retry_after_s is not None:
            delay = max(delay, min(retry_after_s, self.max_retry_after_s))
        return delay


def parse_retry_after(*, value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


class CircuitBreaker:
    """Opens after `failure_threshold` consecutive failed requests; after
    `reset_timeout_s` it lets one probe through (half-open): success closes it,
    failure opens it again. Thread-safe; the clock is injectable for tests."""

    def __init__(
        self, *, failure_threshold: int = 5, reset_timeout_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self._threshold = failure_threshold
        self._reset_timeout_s = reset_timeout_s
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probe_in_flight = False

    @property
    def state(self) -> BreakerState:
        """Current state, as a caller would see it now."""
        with self._lock:
            return self._state_locked()

    def _state_locked(self) -> BreakerState:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self._reset_timeout_s:
            return "half_open"
        return "open"

    def allow_request(self) -> bool:
        """True when a request may go out; in half-open, only one probe at a time."""
        with self._lock:
            state = self._state_locked()
            if state == "closed":
                return True
            if state == "half_open" and not self._probe_in_flight:
                self._probe_in_flight = True
                return True
            return False

    def record_success(self) -> None:
        """A request succeeded: close the breaker."""
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._probe_in_flight = False

    def record_failure(self) -> None:
        """A request failed (after its retries): count it, open when over threshold."""
        with self._lock:
            self._failures += 1
            if self._probe_in_flight or self._failures >= self._threshold:
                self._opened_at = self._clock()
            self._probe_in_flight = False

    def release_probe(self) -> None:
        """A request that was allowed ended without a verdict (e.g. cancelled)."""
        with self._lock:
            self._probe_in_flight = False
