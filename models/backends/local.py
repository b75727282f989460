"""The `local` backend: composes the answer from the grounded analyzers only."""

from __future__ import annotations

from collections.abc import AsyncIterator

from models.compose import compose_answer
from models.types import DescribeRequest, GeneratedAnswer


class LocalBackend:
    """Answers from what the analyzers found; never states what none of them found.

    Composition is pure string work on the analysis (well under a millisecond),
    so it runs on the event loop.
    """

    name = "local"

    def __init__(self, *, analyzer_models: tuple[str, ...] = ()) -> None:
        self._analyzer_models = analyzer_models

    def model_names(self) -> tuple[str, ...]:
        """The local backend uses only the analyzers' models."""
        return self._analyzer_models

    async def describe(self, request: DescribeRequest) -> GeneratedAnswer:
        """Compose the answer: photo guidance first, then what was asked, shaped by detail."""
        composition = compose_answer(request)
        return GeneratedAnswer(
            text=composition.text,
            language=composition.language,
            backend=self.name,
            models=self._analyzer_models,
        )

    async def stream(self, request: DescribeRequest) -> AsyncIterator[str]:
        """Yield the answer sentence by sentence; the pieces join to `describe`'s text."""
        composition = compose_answer(request)
        last = len(composition.sentences) - 1
        for index, sentence in enumerate(composition.sentences):
            yield sentence + (composition.separator if index < last else "")

    async def aclose(self) -> None:
        """Nothing to release."""
