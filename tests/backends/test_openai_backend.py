"""The `openai` backend against a real local HTTP server process."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from backend_helpers import API_KEY, FakeServer

from models.backends.base import BackendUnavailableError, VisionBackend
from models.backends.fallback import FallbackBackend
from models.backends.local import LocalBackend
from models.backends.openai_compat import OpenAICompatibleBackend, parse_sse_line
from models.backends.resilience import CircuitBreaker, RetryPolicy


def make_backend(server: FakeServer, **overrides: object) -> OpenAICompatibleBackend:
    settings: dict[str, object] = {
        "base_url": server.base_url, "model": "tiny-vlm", "api_key": API_KEY,
        "timeout_s": 2.0, "retry_policy": RetryPolicy(max_retries=2, base_delay_s=0.01),
        "breaker": CircuitBreaker(failure_threshold=3, reset_timeout_s=60.0),
    }
    settings.update(overrides)
    return OpenAICompatibleBackend(**settings)  # type: ignore[arg-type]


async def test_describe_sends_image_grounding_and_key(openai_server, make_request) -> None:
    backend = make_backend(openai_server)
    try:
        assert isinstance(backend, VisionBackend)
        answer = await backend.describe(make_request())
    finally:
        await backend.aclose()
    assert answer.text == 'The photo shows a label. It says "SMITH\'S OAT MILK".'
    assert (answer.backend, answer.models, answer.fallback_from) == ("openai", ("tiny-vlm",), None)
    [sent] = openai_server.requests()
    assert sent["authorization"] == f"Bearer {API_KEY}"
    assert sent["has_image"] is True
    assert "SMITH'S OAT MILK" in sent["user_text"] and "Best before 12/2026" in sent["user_text"]
    assert "Faces detected: 1" in sent["user_text"] and "too_dark" in sent["user_text"]
    assert "never instructions" in sent["system"]


async def test_describe_without_image_sends_text_only(openai_server, make_request) -> None:
    backend = make_backend(openai_server)
    try:
        await backend.describe(make_request(image=False))
    finally:
        await backend.aclose()
    [sent] = openai_server.requests()
    assert sent["has_image"] is False
    assert "no longer available" in sent["user_text"]


async def test_stream_pieces_concatenate_to_describe(openai_server, make_request) -> None:
    backend = make_backend(openai_server)
    try:
        full = await backend.describe(make_request())
        pieces = [piece async for piece in backend.stream(make_request())]
    finally:
        await backend.aclose()
    assert len(pieces) > 3
    assert "".join(pieces).strip() == full.text
    assert [r["stream"] for r in openai_server.requests()] == [False, True]


async def test_retries_5xx_and_429_then_succeeds(openai_server, make_request) -> None:
    backend = make_backend(openai_server)
    try:
        openai_server.control(mode="500", times=1)
        assert "OAT MILK" in (await backend.describe(make_request())).text
        openai_server.control(mode="429", times=2)
        assert "OAT MILK" in (await backend.describe(make_request())).text
        openai_server.control(mode="close", times=2)
        pieces = [p async for p in backend.stream(make_request())]
    finally:
        await backend.aclose()
    assert "OAT MILK" in "".join(pieces)
    assert len(openai_server.requests()) == 2 + 3 + 3
    assert backend.breaker.state == "closed"


async def test_timeout_is_enforced(openai_server, make_request) -> None:
    backend = make_backend(openai_server, timeout_s=0.3,
                           retry_policy=RetryPolicy(max_retries=1, base_delay_s=0.01))
    openai_server.control(mode="hang", times=2, hang_s=3)
    started = time.perf_counter()
    try:
        with pytest.raises(BackendUnavailableError):
            await backend.describe(make_request())
    finally:
        await backend.aclose()
    assert time.perf_counter() - started < 2.0
    assert len(openai_server.requests()) == 2


async def test_client_errors_are_not_retried(openai_server, make_request) -> None:
    backend = make_backend(openai_server, api_key="wrong-key")
    try:
        with pytest.raises(BackendUnavailableError, match="HTTP 401"):
            await backend.describe(make_request())
    finally:
        await backend.aclose()
    assert len(openai_server.requests()) == 1


async def test_breaker_opens_then_half_opens(openai_server, make_request) -> None:
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout_s=10.0, clock=lambda: now[0])
    backend = make_backend(openai_server, breaker=breaker,
                           retry_policy=RetryPolicy(max_retries=0))
    openai_server.control(mode="500", times=100)
    try:
        for _ in range(2):
            with pytest.raises(BackendUnavailableError):
                await backend.describe(make_request())
        assert breaker.state == "open"
        with pytest.raises(BackendUnavailableError, match="circuit open"):
            await backend.describe(make_request())
        assert len(openai_server.requests()) == 2  # the open breaker sent nothing
        now[0] = 11.0
        assert breaker.state == "half_open"
        with pytest.raises(BackendUnavailableError):  # the probe fails: open again
            await backend.describe(make_request())
        assert breaker.state == "open"
        now[0] = 22.0
        openai_server.control(mode="ok", times=0)
        assert "OAT MILK" in (await backend.describe(make_request())).text
        assert breaker.state == "closed"
    finally:
        await backend.aclose()


async def test_fallback_to_local_when_server_down(openai_server, make_request) -> None:
    backend = FallbackBackend(
        primary=make_backend(openai_server, retry_policy=RetryPolicy(max_retries=1,
                                                                      base_delay_s=0.01)),
        fallback=LocalBackend(analyzer_models=("rapidocr",)))
    openai_server.control(mode="500", times=100)
    try:
        answer = await backend.describe(make_request())
        pieces = [p async for p in backend.stream(make_request())]
    finally:
        await backend.aclose()
    assert answer.backend == "local" and answer.fallback_from == "openai"
    assert "SMITH'S OAT MILK" in answer.text
    assert "SMITH'S OAT MILK" in " ".join(pieces)


async def test_fallback_unreachable_port(make_request) -> None:
    primary = OpenAICompatibleBackend(
        base_url="http://127.0.0.1:9/v1", model="m", api_key=API_KEY, connect_timeout_s=0.5,
        retry_policy=RetryPolicy(max_retries=0))
    backend = FallbackBackend(primary=primary, fallback=LocalBackend())
    try:
        answer = await backend.describe(make_request())
    finally:
        await backend.aclose()
    assert answer.fallback_from == "openai"


async def test_stream_broken_midway_is_not_papered_over(openai_server, make_request) -> None:
    backend = FallbackBackend(primary=make_backend(openai_server), fallback=LocalBackend())
    openai_server.control(mode="break", times=1)
    pieces: list[str] = []
    try:
        with pytest.raises(BackendUnavailableError, match="interrupted"):
            async for piece in backend.stream(make_request()):
                pieces.append(piece)
    finally:
        await backend.aclose()
    assert pieces == ["The ", "photo "]


async def test_concurrent_requests_share_one_client(openai_server, make_request) -> None:
    backend = make_backend(openai_server)
    try:
        answers = await asyncio.gather(*(backend.describe(make_request(ocr=(f"LINE {i}",)))
                                         for i in range(8)))
    finally:
        await backend.aclose()
    assert [a.text for a in answers] == [
        f'The photo shows a label. It says "LINE {i}".' for i in range(8)]


async def test_logs_never_contain_key_prompt_or_answer(openai_server, make_request,
                                                      caplog) -> None:
    caplog.set_level(logging.DEBUG)
    backend = make_backend(openai_server)
    openai_server.control(mode="500", times=1)
    try:
        answer = await backend.describe(make_request())
        _ = [p async for p in backend.stream(make_request())]
    finally:
        await backend.aclose()
    assert caplog.records
    for record in caplog.records:
        rendered = record.getMessage() + " " + repr(record.__dict__)
        for secret in (API_KEY, "OAT MILK", answer.text, "What does the label say"):
            assert secret not in rendered


@pytest.mark.parametrize(("line", "expected"), [
    ('data: {"choices":[{"delta":{"content":"Hi"}}]}', "Hi"),
    ('data: {"choices":[{"delta":{"role":"assistant"}}]}', ""),
    ('data: {"choices":[{"delta":{"content":null}}]}', ""),
    ('data: {"choices":[]}', ""),
    (": keep-alive", ""),
    ("", ""),
    ("event: ping", ""),
    ("data: [DONE]", None),
])
def test_parse_sse_line(line: str, expected: str | None) -> None:
    assert parse_sse_line(line=line) == expected


def test_parse_sse_error_event() -> None:
    with pytest.raises(ValueError):
        parse_sse_line(line='data: {"error": {"message": "overloaded"}}')
