"""The safety pipeline the app calls: question policy, image policy, post-processing.

First version; the safety issue fills in the real checks behind these methods.
"""

from __future__ import annotations

from models.types import ImageAnalysis
from safety.types import QuestionVerdict, Refusal, SafetyOutcome


class SafetyPipeline:
    """Built once at start-up; every method is pure and thread-safe."""

    def check_question(self, question: str | None, *, language: str) -> QuestionVerdict:
        """Classify the question: refusal reason and disclaimer topics."""
        return QuestionVerdict()

    def check_image(self, analysis: ImageAnalysis, *, language: str) -> Refusal | None:
        """Refuse explicit images; None when the image may be described."""
        return None

    def postprocess(
        self,
        text: str,
        *,
        question: str | None,
        analysis: ImageAnalysis,
        verdict: QuestionVerdict,
        language: str,
    ) -> SafetyOutcome:
        """Remove identity naming, check text claims against OCR, attach disclaimers."""
        return SafetyOutcome(text=text, refusal=verdict.refusal)
