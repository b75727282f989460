"""Where a QA run gets its descriptions: the pipeline in this process (built once),
or a running Sightline service over HTTP."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from app.qa.cases import Case
from app.settings import Settings

# Answers worth retrying after the server's Retry-After: overload and rate limits.
RETRY_STATUSES = frozenset({429, 503})
MAX_ATTEMPTS = 5
MAX_RETRY_WAIT_S = 30.0
CONTENT_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
                 ".heic": "image/heic", ".heif": "image/heif"}


class DescribeFailed(Exception):
    """The service could not describe a case's photo; the message is safe to show."""


@dataclass(frozen=True)
class Boxes:
    """Face and text boxes in the pixels of a `width` × `height` analysis frame."""

    width: int
    height: int
    faces: tuple[tuple[int, int, int, int], ...]
    text: tuple[tuple[int, int, int, int], ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form for results.jsonl."""
        return {"width": self.width, "height": self.height,
                "faces": [list(b) for b in self.faces], "text": [list(b) for b in self.text]}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Boxes | None:
        """Read the JSON form back (None stays None)."""
        if not data:
            return None
        return cls(width=int(data["width"]), height=int(data["height"]),
                   faces=tuple(tuple(b) for b in data.get("faces", ())),
                   text=tuple(tuple(b) for b in data.get("text", ())))


@dataclass(frozen=True)
class Described:
    """One description and how long it took."""

    description: dict[str, Any]
    latency_ms: float
    boxes: Boxes | None


class Describer(Protocol):
    """Describes a case's photo; raises DescribeFailed when the service says no."""

    mode: str

    async def describe(self, case: Case) -> Described:
        """Describe the case's photo with its question, detail and language."""
        ...


def _as_dict(result: Any) -> dict[str, Any]:
    """The contract JSON whether the pipeline returns a dict or a pydantic model."""
    dump = getattr(result, "model_dump", None)
    return dump(mode="json") if callable(dump) else dict(result)


def _analysis_boxes(analysis: Any) -> Boxes:
    def xywh(box: Any) -> tuple[int, int, int, int]:
        return (int(box.x), int(box.y), int(box.width), int(box.height))

    return Boxes(
        width=int(analysis.width), height=int(analysis.height),
        faces=tuple(xywh(face.box) for face in analysis.faces),
        text=tuple(xywh(line.box) for line in analysis.text_lines if line.box is not None),
    )


class InProcessDescriber:
    """The describe pipeline built once in this process (no server, no database)."""

    mode = "in-process"

    def __init__(self, pipeline: Any) -> None:
        self.pipeline = pipeline

    async def describe(self, case: Case) -> Described:
        """Run the pipeline on the case; boxes come from the analysis."""
        from app.errors import SightlineError
        from app.i18n import negotiate_language

        photo = await asyncio.to_thread(case.photo.read_bytes)
        started = time.perf_counter()
        try:
            outcome = await self.pipeline.describe_photo(
                photo=photo, question=case.question, detail=case.detail,
                language=negotiate_language(case.language, None),
            )
        except SightlineError as error:
            raise DescribeFailed(f"{error.code}: {error.detail}") from error
        latency = (time.perf_counter() - started) * 1000
        return Described(_as_dict(outcome.result), latency, _analysis_boxes(outcome.analysis))


@asynccontextmanager
async def in_process_describer(settings: Settings) -> AsyncIterator[InProcessDescriber]:
    """Load the models once and yield a describer over the pipeline."""
    from app.services import pipeline_services

    async with pipeline_services(settings) as services:
        yield InProcessDescriber(services.pipeline)


class HttpDescriber:
    """POST /v1/descriptions on a running service, as the mobile app does."""

    mode = "server"

    def __init__(self, client: httpx.AsyncClient, *, token: str | None,
                 email: str | None, password: str | None) -> None:
        self.client = client
        self.token = token
        self.email, self.password = email, password
        self._login_lock = asyncio.Lock()

    async def log_in(self) -> None:
        """Exchange the email and password for an access token (OAuth2 password form)."""
        async with self._login_lock:
            try:
                response = await self.client.post(
                    "/v1/auth/token", data={"username": self.email, "password": self.password}
                )
            except httpx.TransportError as error:
                raise DescribeFailed(f"cannot reach {self.client.base_url}: {error!r}") from error
            if response.status_code != 200:
                raise DescribeFailed(f"log-in failed: HTTP {response.status_code} "
                                     f"{_error_code(response)}")
            self.token = response.json()["access_token"]

    async def check_token(self) -> None:
        """Fail early, before any photo is sent, when the server refuses the token."""
        try:
            response = await self.client.get(
                "/v1/me", headers={"Authorization": f"Bearer {self.token}"}
            )
        except httpx.TransportError as error:
            raise DescribeFailed(f"cannot reach {self.client.base_url}: {error!r}") from error
        if response.status_code != 200:
            raise DescribeFailed(f"the server refused the token: HTTP {response.status_code} "
                                 f"{_error_code(response)}")

    async def describe(self, case: Case) -> Described:
        """Upload the photo; retry 429/503 after Retry-After, log in again on 401."""
        photo = await asyncio.to_thread(case.photo.read_bytes)
        content_type = CONTENT_TYPES.get(case.photo.suffix.lower(), "application/octet-stream")
        form = {"question": case.question, "detail": case.detail, "language": case.language}
        data = {name: value for name, value in form.items() if value}
        # One key per case: a retry after a lost answer returns the same description.
        key = f"qa-{uuid.uuid4()}"
        relogged = False
        for attempt in range(1, MAX_ATTEMPTS + 1):
            started = time.perf_counter()
            try:
                response = await self.client.post(
                    "/v1/descriptions", data=data,
                    files={"photo": (case.photo.name, photo, content_type)},
                    headers={"Authorization": f"Bearer {self.token}", "Idempotency-Key": key},
                )
            except httpx.TransportError as error:
                if attempt == MAX_ATTEMPTS:
                    raise DescribeFailed(f"no answer from the server: {error!r}") from error
                continue
            latency = (time.perf_counter() - started) * 1000
            if response.status_code in (200, 201):
                return Described(response.json(), latency, None)
            if response.status_code == 401 and self.email and not relogged:
                relogged = True
                await self.log_in()
                continue
            if response.status_code in RETRY_STATUSES and attempt < MAX_ATTEMPTS:
                await asyncio.sleep(_retry_after(response))
                continue
            raise DescribeFailed(f"HTTP {response.status_code} {_error_code(response)}")
        raise DescribeFailed("gave up after retries")


def _error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("error", "")) if isinstance(body, dict) else ""


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(MAX_RETRY_WAIT_S, max(0.0, float(response.headers.get("Retry-After", "1"))))
    except ValueError:
        return 1.0


@asynccontextmanager
async def http_describer(base_url: str, *, token: str | None, email: str | None,
                         password: str | None, timeout_s: float = 300.0
                         ) -> AsyncIterator[HttpDescriber]:
    """An HTTP describer with one connection pool; logs in first when given an email."""
    async with httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout_s) as client:
        describer = HttpDescriber(client, token=token, email=email, password=password)
        if token is None:
            await describer.log_in()
        else:
            await describer.check_token()
        yield describer
