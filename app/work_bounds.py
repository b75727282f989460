"""Every bound on concurrent work, in one place, and the two tools that enforce them.

The model (what runs where, what waits, what is refused, and why these
numbers) is written down in docs/concurrency.md; keep the two in step.

- `AdmissionGate`: at most `limit` holders at once, at most `queue` more
  waiting in FIFO order; one more is refused at once with a 503 that carries
  `Retry-After`. Waiting has no deadline of its own: the queue bound is what
  limits how long a turn can take.
- `OffloadPool`: a thread pool behind an `AdmissionGate`, so that blocking
  calls (argon2, file I/O) leave the event loop and their queue is bounded.
  A slot is held until the thread really finishes, even when the awaiting
  request was cancelled, so the bound holds for threads, not just coroutines.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import ParamSpec, TypeVar

from app.errors import RequestAbandonedError, ServiceUnavailableError
from app.metrics import WORK_ABANDONED_TOTAL, WORK_REFUSED_TOTAL, WORK_RUNNING, WORK_WAITING
from app.settings import Settings

P = ParamSpec("P")
T = TypeVar("T")
# Answers whether the client that is waiting has gone away (e.g. Request.is_disconnected).
Abandoned = Callable[[], Awaitable[bool]]

# Seconds a refused client is told to wait: about what a full describe queue
# takes to move by a few places on the smallest deployment (2 cores).
RETRY_AFTER_S = 5
# Argon2id with argon2-cffi's defaults holds 64 MiB per running hash, so the
# thread count is also the memory bound. A login verifies while its session holds
# a database connection, so threads + queue stay well under the pool's 15.
PASSWORD_QUEUE = 8
# Retained-photo reads, writes and deletes are short; four threads keep a
# slow disk from stalling others, the queue bounds what piles up behind them.
FILE_THREADS = 4
FILE_QUEUE = 64


@dataclass(frozen=True)
class WorkBounds:
    """How much of each kind of work may run and wait at once (docs/concurrency.md)."""

    cpu_threads: int
    describe_limit: int
    describe_queue: int
    password_threads: int
    password_queue: int
    file_threads: int
    file_queue: int
    retry_after_s: int

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkBounds:
        """Size every bound from the worker count and the queue setting."""
        workers = settings.worker_threads
        return cls(
            cpu_threads=workers,
            # One describe per CPU thread: each request's analyzers already fan out
            # over every thread, so more at once only lengthens everyone's latency.
            describe_limit=workers,
            describe_queue=settings.max_queued_photos,
            password_threads=workers,
            password_queue=PASSWORD_QUEUE,
            file_threads=FILE_THREADS,
            file_queue=FILE_QUEUE,
            retry_after_s=RETRY_AFTER_S,
        )


class AdmissionGate:
    """At most `limit` holders, `queue` more waiting in FIFO order, the rest refused (503)."""

    def __init__(
        self, *, name: str, limit: int, queue: int, retry_after_s: int, busy_detail: str | None = None
    ) -> None:
        if limit < 1 or queue < 0:
            raise ValueError("an admission gate needs limit >= 1 and queue >= 0")
        self.name = name
        self.limit = limit
        self.queue = queue
        self._retry_after_s = retry_after_s
        self._busy_detail = busy_detail
        self._running = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def running(self) -> int:
        """How many hold a turn now."""
        return self._running

    @property
    def waiting(self) -> int:
        """How many wait for a turn now."""
        return len(self._waiters)

    async def acquire(self, abandoned: Abandoned | None = None) -> None:
        """Take a turn, waiting in line if needed; 503 when the line is full.

        After a wait, `abandoned()` is asked whether the client is still there: a
        request whose client gave up while queued gives its turn straight back
        (RequestAbandonedError) instead of doing work nobody will receive."""
        if self._running < self.limit and not self._waiters:
            self._running += 1
            self._observe()
            return
        if len(self._waiters) >= self.queue:
            WORK_REFUSED_TOTAL.labels(self.name).inc()
            raise ServiceUnavailableError(self._busy_detail, retry_after_s=self._retry_after_s)
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        self._observe()
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # the turn was handed over just as we were cancelled: pass it on
            else:
                self._waiters.remove(waiter)
                self._observe()
            raise
        if abandoned is not None and await abandoned():
            WORK_ABANDONED_TOTAL.labels(self.name).inc()
            self.release()
            raise RequestAbandonedError()

    def release(self) -> None:
        """End a turn: hand it to the longest waiter, or free the slot."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the running count passes to the waiter unchanged
                self._observe()
                return
        self._running -= 1
        self._observe()

    @asynccontextmanager
    async def turn(self, abandoned: Abandoned | None = None) -> AsyncIterator[None]:
        """`async with gate.turn():` holds a turn for the block."""
        await self.acquire(abandoned)
        try:
            yield
        finally:
            self.release()

    def _observe(self) -> None:
        WORK_RUNNING.labels(self.name).set(self._running)
        WORK_WAITING.labels(self.name).set(len(self._waiters))


class OffloadPool:
    """Blocking calls in a thread pool of `threads`, with at most `queue` calls waiting."""

    def __init__(self, *, name: str, threads: int, queue: int, retry_after_s: int) -> None:
        self.gate = AdmissionGate(
            name=name, limit=threads, queue=queue, retry_after_s=retry_after_s
        )
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"sightline-{name}")

    async def run(self, func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `func(*args, **kwargs)` in a thread once a slot is free; 503 when the queue is full."""
        await self.gate.acquire()
        loop = asyncio.get_running_loop()
        try:
            future = self._executor.submit(partial(func, *args, **kwargs))
        except BaseException:
            self.gate.release()
            raise
        future.add_done_callback(partial(_release_from_thread, loop, self.gate))
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        """Stop the threads; calls not yet started are dropped."""
        self._executor.shutdown(wait=False, cancel_futures=True)


def _release_from_thread(
    loop: asyncio.AbstractEventLoop, gate: AdmissionGate, _future: Future[object]
) -> None:
    # Runs in the worker thread (or here, if the call was cancelled before it started).
    try:
        loop.call_soon_threadsafe(gate.release)
    except RuntimeError:
        pass  # the loop is closed: nobody is waiting any more


async def run_off_loop(pool: OffloadPool | None, func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking call in `pool`, or in asyncio's default threads when there is none
    (command-line tools and tests that build a service without the app's pools)."""
    if pool is None:
        return await asyncio.to_thread(func, *args, **kwargs)
    return await pool.run(func, *args, **kwargs)
