"""Decode photos off the event loop, with a bound of their own.

In the service, decoding runs in the shared CPU pool and only for describe
requests that the describe gate admitted (docs/concurrency.md), so this bound
is a second guard there; tools that decode without the gate rely on it."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from functools import partial

from app.errors import ServiceUnavailableError
from app.ingest import (
    DEFAULT_ANALYSIS_MAX_SIDE,
    DEFAULT_MAX_PIXELS,
    DecodedPhoto,
    decode_photo,
    register_heif_opener_once,
)

MSG_BUSY = "Sightline is busy with other photos right now. Please try again in a moment."


class PhotoDecoder:
    """Runs ``decode_photo`` in a thread pool with a bounded number of decodes.

    At most ``max_workers`` photos are decoded at once; up to ``max_waiting`` more
    wait for a slot, each for at most ``max_wait_s`` seconds. Beyond that the
    request gets a 503 instead of piling up decoded megapixels in memory. A slot is
    held until the decode thread really finishes, even if the request is cancelled
    (client gone), so the bound holds for threads, not just for coroutines.

    Create one at start-up (lifespan) and call ``close()`` at shutdown.
    """

    def __init__(
        self,
        *,
        max_workers: int | None = None,
        max_waiting: int = 32,
        max_wait_s: float = 10.0,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        analysis_max_side: int = DEFAULT_ANALYSIS_MAX_SIDE,
        executor: Executor | None = None,
    ) -> None:
        workers = max_workers or min(4, os.cpu_count() or 1)
        self._owns_executor = executor is None
        self._executor = executor or ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="photo-decode"
        )
        self._slots = asyncio.Semaphore(workers)
        self._max_waiting = max_waiting
        self._waiting = 0
        self._max_wait_s = max_wait_s
        self._max_pixels = max_pixels
        self._analysis_max_side = analysis_max_side
        register_heif_opener_once()

    @property
    def waiting(self) -> int:
        """How many requests are waiting for a decode slot now."""
        return self._waiting

    async def decode(self, data: bytes) -> DecodedPhoto:
        """Decode ``data`` in the pool; 503 when the queue is full or the wait too long.

        Errors of ``decode_photo`` (413, 415, 422) propagate unchanged.
        """
        await self._acquire_slot()
        loop = asyncio.get_running_loop()
        try:
            job = partial(
                decode_photo,
                data,
                max_pixels=self._max_pixels,
                analysis_max_side=self._analysis_max_side,
            )
            future = self._executor.submit(job)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(partial(self._release_from_thread, loop))
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        """Shut the pool down (only if this decoder created it)."""
        if self._owns_executor:
            self._executor.shutdown(wait=True, cancel_futures=True)

    async def _acquire_slot(self) -> None:
        if self._slots.locked():
            if self._waiting >= self._max_waiting:
                raise ServiceUnavailableError(key="error.busy_photos")
        self._waiting += 1
        try:
            async with asyncio.timeout(self._max_wait_s):
                await self._slots.acquire()
        except TimeoutError:
            raise ServiceUnavailableError(key="error.busy_photos") from None
        finally:
            self._waiting -= 1

    def _release_from_thread(
        self, loop: asyncio.AbstractEventLoop, _: Future[DecodedPhoto]
    ) -> None:
        # Runs in the decode thread (or here, if cancelled before it started).
        try:
            loop.call_soon_threadsafe(self._slots.release)
        except RuntimeError:
            pass  # the loop is closed: nobody is waiting any more
