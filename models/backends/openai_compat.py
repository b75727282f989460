"""The `openai` backend: any OpenAI-compatible chat-completions endpoint with
image input (vLLM, Ollama, llama.cpp server, OpenAI).

One httpx.AsyncClient per backend, created at construction and closed in
`aclose`. Requests are retried with backoff on connection errors, timeouts,
408/429/5xx; a circuit breaker stops calling a server that keeps failing. Every
failure reaches the caller as `BackendUnavailableError`, which `FallbackBackend`
turns into a `local` answer. Logs carry status codes, attempts and timings,
never the API key, the prompt, the photo or the answer.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, TypeVar

import httpx

from models.backends.base import BackendUnavailableError
from models.backends.prompting import build_prompt
from models.backends.resilience import CircuitBreaker, RetryPolicy, parse_retry_after
from models.types import DescribeRequest, GeneratedAnswer

logger = logging.getLogger(__name__)
T = TypeVar("T")
_RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class _RetryableError(Exception):
    """One attempt failed in a way worth retrying."""

    def __init__(self, reason: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after_s = retry_after_s


class _RejectedError(Exception):
    """The server refused the request (4xx other than 408/425/429); retrying won't help."""


def encode_image_data_url(*, image: Any, max_side: int, quality: int) -> str:
    """JPEG-encode an RGB uint8 array (downscaled to `max_side`) as a data URL."""
    from PIL import Image

    picture = Image.fromarray(image).convert("RGB")
    picture.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def parse_sse_line(*, line: str) -> str | None:
    """Text delta from one SSE line of a streamed chat completion.

    Returns "" for lines without content (keep-alives, role-only deltas), None
    for the `[DONE]` sentinel, and raises ValueError for an error event.
    """
    if not line.startswith("data:"):
        return ""
    data = line[len("data:"):].strip()
    if data == "[DONE]":
        return None
    if not data:
        return ""
    event = json.loads(data)
    if "error" in event:
        raise ValueError("model server sent an error event")
    choices = event.get("choices") or []
    if not choices:
        return ""
    delta = choices[0].get("delta") or {}
    content = delta.get("content")
    return content if isinstance(content, str) else ""


def _message_text(body: Mapping[str, Any]) -> str:
    choices = body.get("choices") or []
    if not choices:
        raise ValueError("response has no choices")
    content = (choices[0].get("message") or {}).get("content")
    if isinstance(content, list):  # some servers return content parts
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    if not isinstance(content, str):
        raise ValueError("response has no text content")
    return content


class OpenAICompatibleBackend:
    """Calls `{base_url}/chat/completions` (base_url usually ends in `/v1`)."""

    name = "openai"

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        connect_timeout_s: float = 5.0,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        max_tokens: int = 400,
        temperature: float = 0.0,
        max_image_side: int = 1024,
        jpeg_quality: int = 85,
    ) -> None:
        if not base_url or not model:
            raise BackendUnavailableError("openai backend needs a base URL and a model name")
        headers = {"Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._model = model
        self._timeout_s = timeout_s
        self._retry = retry_policy or RetryPolicy(max_retries=max_retries)
        self._breaker = breaker or CircuitBreaker()
        self._max_tokens = max_tokens
        self._temperature = temperature
        self._max_image_side = max_image_side
        self._jpeg_quality = jpeg_quality
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
            follow_redirects=False,
        )

    @property
    def breaker(self) -> CircuitBreaker:
        """The circuit breaker (exposed for health reporting)."""
        return self._breaker

    def model_names(self) -> tuple[str, ...]:
        """The served model's name as configured."""
        return (self._model,)

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()

    async def _payload(self, request: DescribeRequest, *, stream: bool) -> dict[str, Any]:
        if self._breaker.state == "open":  # don't encode a photo that will not be sent
            raise BackendUnavailableError("openai backend: circuit open, model server skipped")
        prompt = build_prompt(request=request)
        user_content: list[dict[str, Any]] = [{"type": "text", "text": prompt.user}]
        if request.image is not None:
            # JPEG encoding is CPU work: keep it off the event loop.
            url = await asyncio.to_thread(
                encode_image_data_url, image=request.image, max_side=self._max_image_side,
                quality=self._jpeg_quality)
            user_content.append({"type": "image_url", "image_url": {"url": url}})
        return {
            "model": self._model,
            "messages": [
                {"role": "system", "content": prompt.system},
                {"role": "user", "content": user_content},
            ],
            "max_tokens": self._max_tokens,
            "temperature": self._temperature,
            "stream": stream,
        }

    async def _check_status(self, response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        await response.aread()
        await response.aclose()
        if response.status_code in _RETRYABLE_STATUS:
            raise _RetryableError(
                f"HTTP {response.status_code}",
                retry_after_s=parse_retry_after(value=response.headers.get("Retry-After")))
        raise _RejectedError(f"HTTP {response.status_code}")

    async def _call(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run `attempt` with retries, under the circuit breaker."""
        if not self._breaker.allow_request():
            raise BackendUnavailableError("openai backend: circuit open, model server skipped")
        reason = "unknown error"
        try:
            for number in range(self._retry.max_retries + 1):
                started = time.perf_counter()
                try:
                    result = await attempt()
                except _RetryableError as exc:
                    reason, retry_after = exc.reason, exc.retry_after_s
                except (httpx.TransportError, TimeoutError) as exc:
                    reason, retry_after = type(exc).__name__, None
                except (_RejectedError, ValueError) as exc:
                    reason = str(exc) if isinstance(exc, _RejectedError) else "malformed response"
                    break
                else:
                    self._breaker.record_success()
                    logger.info("model server answered", extra={
                        "backend": self.name, "attempt": number + 1,
                        "latency_ms": round((time.perf_counter() - started) * 1000, 1)})
                    return result
                logger.warning("model server attempt failed", extra={
                    "backend": self.name, "attempt": number + 1, "reason": reason})
                if number < self._retry.max_retries:
                    if retry_after is not None and retry_after > self._retry.max_retry_after_s:
                        break
                    await asyncio.sleep(
                        self._retry.delay_s(attempt=number + 1, retry_after_s=retry_after))
        except asyncio.CancelledError:
            self._breaker.release_probe()
            raise
        self._breaker.record_failure()
        raise BackendUnavailableError(f"openai backend: model server failed ({reason})")

    async def describe(self, request: DescribeRequest) -> GeneratedAnswer:
        """Ask the model server for the complete answer."""
        payload = await self._payload(request, stream=False)

        async def attempt() -> str:
            async with asyncio.timeout(self._timeout_s):
                response = await self._client.post("chat/completions", json=payload)
                await self._check_status(response)
                return _message_text(response.json()).strip()

        text = await self._call(attempt)
        return GeneratedAnswer(
            text=text, language=request.language, backend=self.name, models=self.model_names())

    async def stream(self, request: DescribeRequest) -> AsyncIterator[str]:
        """Yield text deltas from a `stream: true` request as they arrive.

        Retries cover connecting and the response head only: once text has been
        yielded, a failure raises BackendUnavailableError (and counts against
        the breaker) because spoken words cannot be taken back.
        """
        payload = await self._payload(request, stream=True)

        async def attempt() -> httpx.Response:
            http_request = self._client.build_request(
                "POST", "chat/completions", json=payload,
                headers={"Accept": "text/event-stream"})
            async with asyncio.timeout(self._timeout_s):
                response = await self._client.send(http_request, stream=True)
                await self._check_status(response)
                return response

        response = await self._call(attempt)
        try:
            async for line in response.aiter_lines():
                piece = parse_sse_line(line=line)
                if piece is None:
                    return
                if piece:
                    yield piece
        except (httpx.TransportError, ValueError) as exc:
            self._breaker.record_failure()
            logger.warning("model server stream broke", extra={
                "backend": self.name, "reason": type(exc).__name__})
            raise BackendUnavailableError("openai backend: stream interrupted") from exc
        finally:
            await response.aclose()
