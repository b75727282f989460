"""The `VisionBackend` protocol: the whole contract between the app and a describer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol, runtime_checkable

from models.types import DescribeRequest, GeneratedAnswer


class BackendUnavailableError(RuntimeError):
    """Raised at start-up when a backend's runtime or model files are missing,
    and at request time when a remote backend cannot be reached."""


@runtime_checkable
class VisionBackend(Protocol):
    """Writes the answer to a photo question, grounded on the analyzers' findings."""

    name: str

    async def describe(self, request: DescribeRequest) -> GeneratedAnswer:
        """Return the complete answer."""
        ...

    def stream(self, request: DescribeRequest) -> AsyncIterator[str]:
        """Yield the answer in pieces as soon as they are produced."""
        ...

    def model_names(self) -> tuple[str, ...]:
        """Names of the models this backend uses (for the `backend` field)."""
        ...

    async def aclose(self) -> None:
        """Release sessions, clients and worker threads."""
        ...
