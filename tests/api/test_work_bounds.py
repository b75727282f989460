"""AdmissionGate and OffloadPool: exact bounds, FIFO turns, cancellation, threads held to the end.

Every wait is on an event or a count, never on a sleep or a deadline.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from app.errors import ServiceUnavailableError
from app.settings import Settings
from app.work_bounds import AdmissionGate, OffloadPool, WorkBounds


async def until(condition, *, step: float = 0.001) -> None:
    """Let other tasks run until `condition()` holds (the test's own timeout bounds it)."""
    while not condition():
        await asyncio.sleep(step)


def gate(limit: int = 1, queue: int = 2) -> AdmissionGate:
    return AdmissionGate(name="test", limit=limit, queue=queue, retry_after_s=7, busy_detail="Busy.")


async def test_refuses_exactly_past_the_queue_bound_with_retry_after() -> None:
    admission = gate(limit=2, queue=3)
    release = asyncio.Event()
    started: list[int] = []

    async def request(number: int) -> str:
        try:
            async with admission.turn():
                started.append(number)
                await release.wait()
                return "done"
        except ServiceUnavailableError as error:
            assert error.retry_after_s == 7 and error.detail == "Busy."
            return "refused"

    tasks = [asyncio.create_task(request(n)) for n in range(5)]
    await until(lambda: admission.running == 2 and admission.waiting == 3)
    late = [asyncio.create_task(request(n)) for n in range(5, 9)]
    assert await asyncio.gather(*late) == ["refused"] * 4
    release.set()
    assert await asyncio.gather(*tasks) == ["done"] * 5
    assert started == [0, 1, 2, 3, 4], "turns must be given in arrival order"
    assert (admission.running, admission.waiting) == (0, 0)


async def test_a_cancelled_waiter_leaves_the_queue() -> None:
    admission = gate(limit=1, queue=1)
    await admission.acquire()
    waiter = asyncio.create_task(admission.acquire())
    await until(lambda: admission.waiting == 1)
    with pytest.raises(ServiceUnavailableError):
        await admission.acquire()  # the queue is full
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert admission.waiting == 0
    second = asyncio.create_task(admission.acquire())  # its place is free again
    await until(lambda: admission.waiting == 1)
    admission.release()
    await second
    assert admission.running == 1
    admission.release()
    assert admission.running == 0


async def test_a_turn_handed_to_a_cancelled_waiter_passes_on() -> None:
    admission = gate(limit=1, queue=2)
    await admission.acquire()
    first = asyncio.create_task(admission.acquire())
    second = asyncio.create_task(admission.acquire())
    await until(lambda: admission.waiting == 2)
    admission.release()  # hands the turn to `first` ...
    first.cancel()  # ... which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await first
    await second  # so the turn went on to `second`
    assert (admission.running, admission.waiting) == (1, 0)
    admission.release()
    assert admission.running == 0


async def test_offload_pool_holds_a_slot_until_the_thread_ends_even_if_cancelled() -> None:
    pool = OffloadPool(name="test", threads=1, queue=0, retry_after_s=3)
    inside, leave = threading.Event(), threading.Event()

    def blocking() -> str:
        inside.set()
        leave.wait()
        return threading.current_thread().name

    try:
        job = asyncio.create_task(pool.run(blocking))
        await asyncio.to_thread(inside.wait)
        job.cancel()  # the caller went away; the thread is still busy
        with pytest.raises(asyncio.CancelledError):
            await job
        assert pool.gate.running == 1
        with pytest.raises(ServiceUnavailableError) as refused:
            await pool.run(blocking)  # one thread, no queue: refused while it runs
        assert refused.value.retry_after_s == 3
        leave.set()
        await until(lambda: pool.gate.running == 0)
        assert (await pool.run(blocking)).startswith("sightline-test")
    finally:
        leave.set()
        pool.close()


def test_bounds_are_sized_from_the_worker_count() -> None:
    bounds = WorkBounds.from_settings(Settings(env="test", worker_threads=3, max_queued_photos=11))
    assert bounds.cpu_threads == bounds.describe_limit == bounds.password_threads == 3
    assert bounds.describe_queue == 11
    assert bounds.password_threads + bounds.password_queue < 15, "must leave database connections"
