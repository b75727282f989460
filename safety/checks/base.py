"""The protocol every post-processing check implements, and the frozen results it returns.

Find, then act: a check returns `Edit`s (a span, what kind of problem, what to
put instead) and never changes the text; `safety.checks.apply` makes the edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class TextContext:
    """What a check may consult besides the text: the question and the text read in the photo."""

    question: str | None
    ocr_lines: tuple[str, ...]
    language: str

    @property
    def ocr_text(self) -> str:
        """The OCR lines joined with newlines."""
        return "\n".join(self.ocr_lines)

    @classmethod
    def of(cls, *, question: str | None, ocr_lines: Sequence[str], language: str) -> TextContext:
        """Build a context from plain values."""
        return cls(question=question, ocr_lines=tuple(ocr_lines), language=language)


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] with `replacement`; `kind` is the redaction kind reported."""

    start: int
    end: int
    kind: str
    replacement: str


@dataclass(frozen=True)
class CheckResult:
    """What one check found, whether it failed (and fell back), and how long it took."""

    check: str
    edits: tuple[Edit, ...]
    failed: bool
    elapsed_ms: float


class TextCheck(Protocol):
    """One small check over generated text."""

    name: str

    def find(self, text: str, *, context: TextContext) -> tuple[Edit, ...]:
        """Return the spans to edit; must not modify anything."""
        ...

    def find_conservatively(self, text: str, *, context: TextContext) -> tuple[Edit, ...]:
        """Fail-closed fallback used when `find` raised: over-remove rather than leak."""
        ...
