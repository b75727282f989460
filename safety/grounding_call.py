"""Call the grounding check (`safety.grounding`) and fail closed.

Only generative backends need it: the local backend composes its answer from
the OCR lines, so every quoted text is grounded by construction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from safety.grounding import check_text_claims

logger = logging.getLogger(__name__)

_UNCHECKED_NOTE = {
    "en": "I couldn't check the text in this answer against the photo, so treat quoted text "
    "with caution.",
    "ja": "この回答の文字は写真と照合できなかったため、引用された文字は参考程度にしてください。",
}


@dataclass(frozen=True)
class GroundingOutcome:
    """The checked text, how many claims were hedged or dropped, and whether the check ran."""

    text: str
    removed: int
    checked: bool


def check_grounding(text: str, *, ocr_lines: Sequence[str], language: str) -> GroundingOutcome:
    """Hedge or drop quoted text the OCR cannot find; when the check is unavailable, say so."""
    try:
        result = check_text_claims(text, ocr_lines=ocr_lines, language=language)
        return GroundingOutcome(text=result.text, removed=int(result.removed), checked=True)
    except Exception as error:  # fail closed: an unchecked generative answer carries a warning
        logger.warning("grounding check failed", extra={"error": type(error).__name__})
        primary = "ja" if language.lower().startswith("ja") else "en"
        note = _UNCHECKED_NOTE[primary]
        joined = f"{text.rstrip()}{'' if primary == 'ja' else ' '}{note}" if text.strip() else note
        return GroundingOutcome(text=joined, removed=0, checked=False)
