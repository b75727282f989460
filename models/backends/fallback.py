"""A backend wrapper that answers with another backend when the first is down."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator

from models.backends.base import BackendUnavailableError, VisionBackend
from models.types import DescribeRequest, GeneratedAnswer

logger = logging.getLogger(__name__)


class FallbackBackend:
    """Uses `primary`; on BackendUnavailableError answers with `fallback` (usually
    `local`) and marks the answer with `fallback_from=primary.name`."""

    def __init__(
        self, *, primary: VisionBackend, fallback: VisionBackend, close_fallback: bool = True
    ) -> None:
        self._primary = primary
        self._fallback = fallback
        self._close_fallback = close_fallback
        self.name = primary.name

    def model_names(self) -> tuple[str, ...]:
        """The primary backend's models (the fallback's appear on fallback answers)."""
        return self._primary.model_names()

    async def describe(self, request: DescribeRequest) -> GeneratedAnswer:
        """Answer with the primary backend, or with the fallback when it is unavailable."""
        try:
            return await self._primary.describe(request)
        except BackendUnavailableError:
            logger.warning("backend unavailable, using fallback", extra={
                "backend": self._primary.name, "fallback": self._fallback.name})
        answer = await self._fallback.describe(request)
        return dataclasses.replace(answer, fallback_from=self._primary.name)

    async def stream(self, request: DescribeRequest) -> AsyncIterator[str]:
        """Stream from the primary; if it fails before its first piece, stream the
        fallback instead. A failure after text was sent is re-raised."""
        sent_any = False
        try:
            async for piece in self._primary.stream(request):
                sent_any = True
                yield piece
            return
        except BackendUnavailableError:
            if sent_any:
                raise
            logger.warning("backend unavailable, streaming fallback", extra={
                "backend": self._primary.name, "fallback": self._fallback.name})
        async for piece in self._fallback.stream(request):
            yield piece

    async def aclose(self) -> None:
        """Close the primary, and the fallback unless it is shared."""
        await self._primary.aclose()
        if self._close_fallback:
            await self._fallback.aclose()
