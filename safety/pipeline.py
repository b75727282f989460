"""The safety pipeline the app calls: question policy, image policy, post-processing.

Build it once at start-up with `SafetyPipeline.create()` (loads spaCy NER);
`SafetyPipeline()` without arguments runs the rule-based checks only, which is
what unit tests of other packages need. Every method is pure and thread-safe.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from models.language import load_languages
from models.types import ImageAnalysis
from safety.checks.apply import apply_edits
from safety.checks.base import TextCheck, TextContext
from safety.checks.disclaimers import append_disclaimers, find_disclaimers
from safety.checks.inferences import SensitiveInferenceCheck
from safety.checks.names import PersonNameCheck, PersonNer, SpacyPersonNer
from safety.checks.runner import AllChecksFailedError, run_checks
from safety.grounding_call import check_grounding
from safety.image_policy import check_image as check_image_policy
from safety.messages import primary_language
from safety.question_policy import classify_question
from safety.rules.language import language_rules
from safety.types import QuestionVerdict, Redaction, Refusal, SafetyOutcome

logger = logging.getLogger(__name__)

_WITHHELD = {
    "en": "I couldn't check this answer safely; please try again or ask a volunteer.",
    "ja": "この回答を安全に確認できませんでした。もう一度試すか、ボランティアに頼んでください。",
}


def default_checks(*, ner: PersonNer | None) -> tuple[TextCheck, ...]:
    """The post-processing checks, in the order they run."""
    return (PersonNameCheck(ner=ner), SensitiveInferenceCheck())


class SafetyPipeline:
    """Built once at start-up; every method is pure and thread-safe."""

    def __init__(self, *, text_checks: Sequence[TextCheck] | None = None) -> None:
        self._text_checks = (
            tuple(text_checks) if text_checks is not None else default_checks(ner=None)
        )

    @classmethod
    def create(cls) -> SafetyPipeline:
        """Load the models (spaCy NER), the message catalogues and every language's rules
        once, and build the full pipeline."""
        load_languages()
        language_rules()
        return cls(text_checks=default_checks(ner=SpacyPersonNer.load()))

    def check_question(self, question: str | None, *, language: str) -> QuestionVerdict:
        """Classify the question: refusal reason and disclaimer topics."""
        return classify_question(question, language=language)

    def check_image(
        self, analysis: ImageAnalysis, *, language: str, question: str | None = None
    ) -> Refusal | None:
        """Refuse explicit images, CAPTCHA pages and harmful text in the photo (alone or
        together with the question); None when the image may be described."""
        return check_image_policy(analysis, language=language, question=question)

    def postprocess(
        self,
        text: str,
        *,
        question: str | None,
        analysis: ImageAnalysis,
        verdict: QuestionVerdict,
        language: str,
        generative: bool = False,
    ) -> SafetyOutcome:
        """Remove identity naming and sensitive inferences, check text claims against OCR
        (generative backends only), and attach disclaimers."""
        if verdict.refusal is not None:
            return SafetyOutcome(text=verdict.refusal.message, refusal=verdict.refusal)
        ocr_lines = tuple(line.text for line in analysis.text_lines)
        context = TextContext.of(question=question, ocr_lines=ocr_lines, language=language)
        timings: dict[str, float] = {}
        try:
            results = run_checks(self._text_checks, text, context=context)
        except AllChecksFailedError:
            message = _WITHHELD[primary_language(language)]
            return SafetyOutcome(text=message, redactions=(Redaction(kind="withheld", count=1),))
        for result in results:
            timings[result.check] = result.elapsed_ms
        applied = apply_edits(text, [edit for result in results for edit in result.edits])
        redactions = [Redaction(kind=kind, count=n) for kind, n in sorted(applied.counts.items())]
        answer = applied.text
        if generative:
            started = time.perf_counter()
            grounded = check_grounding(answer, ocr_lines=ocr_lines, language=language)
            timings["grounding"] = (time.perf_counter() - started) * 1000.0
            answer = grounded.text
            if grounded.removed > 0:
                redactions.append(Redaction(kind="ungrounded_text", count=grounded.removed))
            if not grounded.checked:
                redactions.append(Redaction(kind="ungrounded_text_unchecked", count=1))
        started = time.perf_counter()
        disclaimers = find_disclaimers(
            question_topics=verdict.disclaimer_categories,
            ocr_text=analysis.full_text,
            answer=answer,
            language=language,
        )
        timings["disclaimers"] = (time.perf_counter() - started) * 1000.0
        return SafetyOutcome(
            text=append_disclaimers(answer, disclaimers),
            disclaimers=disclaimers,
            redactions=tuple(redactions),
            timings_ms=timings,
        )
