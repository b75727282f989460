"""The `local` backend: composes the answer from the grounded analyzers only."""

from __future__ import annotations

from collections.abc import AsyncIterator

from models.types import DescribeRequest, GeneratedAnswer


class LocalBackend:
    """Answers from what the analyzers found; never states what none of them found."""

    name = "local"

    def __init__(self, *, analyzer_models: tuple[str, ...] = ()) -> None:
        self._analyzer_models = analyzer_models

    def model_names(self) -> tuple[str, ...]:
        """The local backend uses only the analyzers' models."""
        return self._analyzer_models

    async def describe(self, request: DescribeRequest) -> GeneratedAnswer:
        """Compose a short answer: quality guidance first, then text and people."""
        return GeneratedAnswer(
            text=compose_answer(request), language=request.language, backend=self.name,
            models=self._analyzer_models,
        )

    async def stream(self, request: DescribeRequest) -> AsyncIterator[str]:
        """Yield the composed answer sentence by sentence."""
        answer = await self.describe(request)
        for sentence in answer.text.split(". "):
            yield sentence

    async def aclose(self) -> None:
        """Nothing to release."""


def compose_answer(request: DescribeRequest) -> str:
    """Build the spoken answer from the analysis (English; first version)."""
    analysis = request.analysis
    parts: list[str] = [issue.guidance for issue in analysis.quality.issues]
    if analysis.text_lines:
        parts.append("The text reads: " + " / ".join(line.text for line in analysis.text_lines) + ".")
    else:
        parts.append("I could not find any readable text.")
    if analysis.faces:
        count = len(analysis.faces)
        parts.append(f"I can see {count} face{'s' if count > 1 else ''}.")
    return " ".join(parts)
