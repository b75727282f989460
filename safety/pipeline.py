"""The safety pipeline the app calls: question policy, image policy, post-processing.

Build it once at start-up with `SafetyPipeline.create()` (loads spaCy NER and the
learned second stage);
`SafetyPipeline()` without arguments runs the rule-based checks only, which is
what unit tests of other packages need. Every method is pure and thread-safe.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace

from models.language import load_languages
from models.types import ImageAnalysis
from safety.capabilities import (
    PERSON_REASONS,
    PersonCapability,
    normalise_capabilities,
    person_refusal_message,
)
from safety.checks.apply import apply_edits
from safety.checks.base import TextCheck, TextContext
from safety.checks.disclaimers import append_disclaimers, find_disclaimers
from safety.checks.inferences import SensitiveInferenceCheck
from safety.checks.learned_sentences import LearnedSentenceCheck
from safety.checks.names import PersonNameCheck, PersonNer, SpacyPersonNer
from safety.checks.runner import AllChecksFailedError, run_checks
from safety.grounding_call import check_grounding
from safety.image_policy import check_image as check_image_policy
from safety.messages import primary_language
from safety.question_policy import classify_question
from safety.rules.language import language_rules
from safety.second_stage import SecondStage, combine
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

    def __init__(
        self,
        *,
        text_checks: Sequence[TextCheck] | None = None,
        second_stage: SecondStage | None = None,
        capabilities: Iterable[str] = (),
    ) -> None:
        # What the configured backend can say about a person (safety.capabilities): a person
        # refusal offers only these. The default, none, offers reading text or a volunteer.
        self._capabilities: tuple[PersonCapability, ...] = normalise_capabilities(capabilities)
        self._text_checks = (
            tuple(text_checks) if text_checks is not None else default_checks(ner=None)
        )
        # The learned stage (docs/safety-second-stage.md): after the rules, on questions and,
        # as a second pass over what the rule checks left, on generated text.
        self._second_stage = second_stage
        self._learned_checks: tuple[TextCheck, ...] = (
            (LearnedSentenceCheck(scorer=second_stage),) if second_stage is not None else ()
        )

    @classmethod
    def create(cls, *, learned: bool = True, capabilities: Iterable[str] = ()) -> SafetyPipeline:
        """Load the models (spaCy NER, and the learned stage unless `learned` is False), the
        message catalogues and every language's rules once, and build the full pipeline.

        `capabilities`: what the configured backend can describe about a person (names in
        `safety.capabilities.PersonCapability`); person refusals offer only these."""
        load_languages()
        language_rules()
        return cls(
            text_checks=default_checks(ner=SpacyPersonNer.load()),
            second_stage=SecondStage.load() if learned else None,
            capabilities=capabilities,
        )

    @property
    def capabilities(self) -> tuple[PersonCapability, ...]:
        """What person refusals offer to describe instead."""
        return self._capabilities

    def check_question(self, question: str | None, *, language: str) -> QuestionVerdict:
        """Classify the question: refusal reason and disclaimer topics (rules, then the
        learned stage by the rule in safety.second_stage.combine)."""
        verdict = classify_question(question, language=language)
        if self._second_stage is not None and verdict.refusal is None and question:
            finding = self._second_stage.find(question, language=language)
            verdict = combine(verdict, finding, language=language)
        return self._honest(verdict, language=language)

    def _honest(self, verdict: QuestionVerdict, *, language: str) -> QuestionVerdict:
        """A person refusal says only what this backend can describe (issue 10 part 3)."""
        refusal = verdict.refusal
        if refusal is None or refusal.reason not in PERSON_REASONS:
            return verdict
        text = person_refusal_message(refusal.reason, self._capabilities, language=language)
        return replace(verdict, refusal=replace(refusal, message=text))

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
            applied = apply_edits(text, [edit for result in results for edit in result.edits])
            counts = dict(applied.counts)
            if self._learned_checks:  # second pass: only what the rule checks left
                learned = run_checks(self._learned_checks, applied.text, context=context)
                results += learned
                applied = apply_edits(applied.text, [e for r in learned for e in r.edits])
                for kind, n in applied.counts.items():
                    counts[kind] = counts.get(kind, 0) + n
        except AllChecksFailedError:
            message = _WITHHELD[primary_language(language)]
            return SafetyOutcome(text=message, redactions=(Redaction(kind="withheld", count=1),))
        for result in results:
            timings[result.check] = result.elapsed_ms
        redactions = [Redaction(kind=kind, count=n) for kind, n in sorted(counts.items())]
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
