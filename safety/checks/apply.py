"""Apply the edits that the checks found, and tidy the text around them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from safety.checks.base import Edit

_DOUBLE_SPACE = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([.,;:!?。、])")
_EMPTY_CLAUSE = re.compile(r",\s*([.,;])")
_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([a-z])")


@dataclass(frozen=True)
class AppliedEdits:
    """The edited text and how many edits of each kind were made."""

    text: str
    counts: dict[str, int]


def select_edits(edits: Iterable[Edit]) -> tuple[Edit, ...]:
    """Drop edits that overlap an earlier or longer one (the outer edit wins)."""
    ordered = sorted(edits, key=lambda e: (e.start, -(e.end - e.start)))
    kept: list[Edit] = []
    for edit in ordered:
        if kept and edit.start < kept[-1].end:
            continue
        kept.append(edit)
    return tuple(kept)


def tidy(text: str) -> str:
    """Collapse spaces left by removals and capitalise sentence starts."""
    text = _DOUBLE_SPACE.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _EMPTY_CLAUSE.sub(r"\1", text)
    text = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)
    return text.strip()


def apply_edits(text: str, edits: Iterable[Edit]) -> AppliedEdits:
    """Apply non-overlapping edits from the end of the text backwards."""
    chosen = select_edits(edits)
    counts = Counter(edit.kind for edit in chosen)
    for edit in reversed(chosen):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return AppliedEdits(text=tidy(text) if chosen else text, counts=dict(counts))
