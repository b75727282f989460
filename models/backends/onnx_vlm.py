"""The `onnx` backend: a SmolVLM / Idefics3-style vision-language model run with
ONNX Runtime (CUDA provider when onnxruntime-gpu is installed, CPU otherwise).

Batching: requests go on a queue; a collector task takes the first one, waits up
to `batch_window_ms` for more (up to `max_batch_size`), and runs the batch to
completion with greedy decoding on one dedicated worker thread, so the event
loop never blocks and ONNX sessions are never entered by two batches at once.
Requests arriving while a batch decodes form the next batch (static batching,
not continuous). Each request gets its text pieces through its own queue, so
`stream()` yields tokens as they are decoded; `describe()` joins them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.backends.base import BackendUnavailableError
from models.backends.onnx_generate import generate_batch
from models.backends.onnx_session import Device, VlmSessions, load_sessions
from models.backends.prompting import build_prompt
from models.types import DescribeRequest, GeneratedAnswer

logger = logging.getLogger(__name__)
_Item = str | BaseException | None  # a piece, a failure, or the end of the answer


@dataclass(eq=False)
class _Job:
    prompt: str
    image: Any
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[_Item] = field(default_factory=asyncio.Queue)
    cancelled: bool = False

    def put(self, item: _Item) -> None:
        """Hand an item to the requesting coroutine (called from the worker thread)."""
        self.loop.call_soon_threadsafe(self.queue.put_nowait, item)


class OnnxVlmBackend:
    """Answers with a local VLM; the model directory is loaded once, at construction."""

    name = "onnx"

    def __init__(
        self,
        *,
        model_dir: Path,
        device: Device = "auto",
        variant: str | None = None,
        max_new_tokens: int = 256,
        max_batch_size: int = 8,
        batch_window_ms: float = 5.0,
        intra_op_threads: int = 0,
        model_name: str | None = None,
    ) -> None:
        self._sessions: VlmSessions = load_sessions(
            model_dir=Path(model_dir), device=device, variant=variant,
            intra_op_threads=intra_op_threads)
        self._model_name = model_name or Path(model_dir).name
        self._max_new_tokens = max_new_tokens
        self._max_batch_size = max_batch_size
        self._batch_window_s = batch_window_ms / 1000
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="onnx-vlm")
        self._pending: asyncio.Queue[_Job] | None = None
        self._collector: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def sessions(self) -> VlmSessions:
        """The loaded sessions and processor (read-only use, e.g. health checks)."""
        return self._sessions

    @property
    def provider(self) -> str:
        """The execution provider in use, e.g. CUDAExecutionProvider."""
        return self._sessions.provider

    def model_names(self) -> tuple[str, ...]:
        """The VLM's name (its directory name unless given)."""
        return (self._model_name,)

    def render_prompt(self, *, request: DescribeRequest) -> str:
        """The chat-templated prompt text (with one `<image>` when there is a photo)."""
        prompt = build_prompt(request=request)
        user: list[dict[str, str]] = [{"type": "image"}] if request.image is not None else []
        user.append({"type": "text", "text": prompt.user})
        messages = [
            {"role": "system", "content": [{"type": "text", "text": prompt.system}]},
            {"role": "user", "content": user},
        ]
        text: str = self._sessions.processor.apply_chat_template(
            messages, add_generation_prompt=True)
        return text

    def _submit(self, request: DescribeRequest) -> _Job:
        if self._closed:
            raise BackendUnavailableError("onnx backend is closed")
        loop = asyncio.get_running_loop()
        if self._pending is None:
            self._pending = asyncio.Queue()
            self._collector = loop.create_task(self._collect_batches())
        image = None
        if request.image is not None:
            from PIL import Image

            image = Image.fromarray(request.image).convert("RGB")
        job = _Job(prompt=self.render_prompt(request=request), image=image, loop=loop)
        self._pending.put_nowait(job)
        return job

    async def _collect_batches(self) -> None:
        assert self._pending is not None
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._pending.get()]
            deadline = loop.time() + self._batch_window_s
            while len(batch) < self._max_batch_size:
                try:
                    batch.append(await asyncio.wait_for(
                        self._pending.get(), timeout=max(0.0, deadline - loop.time())))
                except TimeoutError:
                    break
            live = [job for job in batch if not job.cancelled]
            # A batch is all-image or all-text: the processor takes one layout per call.
            for group in ([j for j in live if j.image is not None],
                          [j for j in live if j.image is None]):
                if group:
                    await loop.run_in_executor(self._executor, self._run_group, group)

    def _run_group(self, group: list[_Job]) -> None:
        """Decode one batch on the worker thread; every job ends with None or an error."""
        try:
            generate_batch(
                sessions=self._sessions, prompts=[job.prompt for job in group],
                images=[job.image for job in group] if group[0].image is not None else None,
                max_new_tokens=self._max_new_tokens,
                emit=lambda row, piece: group[row].put(piece),
                is_cancelled=lambda row: group[row].cancelled or self._closed)
        except Exception as exc:  # reported to each waiting request, never swallowed
            logger.exception("onnx generation failed", extra={"batch_size": len(group)})
            for job in group:
                job.put(exc)
            return
        logger.info("onnx batch done", extra={"batch_size": len(group)})
        for job in group:
            job.put(None)

    async def stream(self, request: DescribeRequest) -> AsyncIterator[str]:
        """Yield decoded text pieces as the model produces tokens."""
        job = self._submit(request)
        try:
            while True:
                item = await job.queue.get()
                if item is None:
                    return
                if isinstance(item, BaseException):
                    raise BackendUnavailableError("onnx backend: generation failed") from item
                yield item
        finally:
            job.cancelled = True  # an abandoned stream stops decoding its row

    async def describe(self, request: DescribeRequest) -> GeneratedAnswer:
        """Generate the whole answer (greedy, capped at max_new_tokens)."""
        pieces = [piece async for piece in self.stream(request)]
        return GeneratedAnswer(text="".join(pieces).strip(), language=request.language,
                               backend=self.name, models=self.model_names())

    async def aclose(self) -> None:
        """Stop the collector, let the current batch end, release the worker thread."""
        self._closed = True
        if self._collector is not None:
            self._collector.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._collector
        while self._pending is not None and not self._pending.empty():
            self._pending.get_nowait().put(BackendUnavailableError("onnx backend closed"))
        await asyncio.to_thread(self._executor.shutdown, wait=True)
