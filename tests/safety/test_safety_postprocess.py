"""Post-processing: names of depicted people removed, printed names kept, sensitive inferences
removed, disclaimers attached, grounding called for generative backends, checks fail closed."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest

from models.types import ImageAnalysis, TextLine
from safety import grounding_call
from safety.checks.inferences import SensitiveInferenceCheck
from safety.checks.names import PersonNameCheck
from safety.pipeline import SafetyPipeline
from safety.types import QuestionVerdict, Refusal, SafetyOutcome


def analysis(*lines: str) -> ImageAnalysis:
    return ImageAnalysis(
        width=10, height=10, text_lines=tuple(TextLine(text=t, confidence=0.9) for t in lines)
    )


def run(
    pipe: SafetyPipeline,
    text: str,
    *ocr: str,
    question: str | None = None,
    language: str = "en",
    generative: bool = False,
) -> SafetyOutcome:
    verdict = pipe.check_question(question, language=language)
    return pipe.postprocess(
        text,
        question=question,
        analysis=analysis(*ocr),
        verdict=verdict,
        language=language,
        generative=generative,
    )


def redaction_count(outcome: SafetyOutcome, kind: str) -> int:
    return sum(r.count for r in outcome.redactions if r.kind == kind)


NAMES_REMOVED = [
    ("This looks like Tom Hanks. He is smiling.", "Hanks"),
    ("A woman who resembles Oprah Winfrey is sitting on a couch.", "Winfrey"),
    ("Kenji Nakamura is standing by the window in a grey coat.", "Nakamura"),  # NER only
    ("The man on the left is Daniel; he wears a blue tie.", "Daniel"),
    ("I think this is Shohei Ohtani holding a bat.", "Ohtani"),
    ("この写真には田中さんが写っています。", "田中"),
]


@pytest.mark.parametrize(("text", "name"), NAMES_REMOVED)
def test_depicted_names_are_removed(pipeline: SafetyPipeline, text: str, name: str) -> None:
    outcome = run(pipeline, text)
    assert name not in outcome.text
    assert redaction_count(outcome, "person_name") >= 1


NAMES_KEPT = [
    ("The letter is addressed to Maria Garcia.", ("Dear Maria Garcia,",), "Maria Garcia"),
    ("The book cover reads Stephen King.", ("STEPHEN KING", "IT"), "Stephen King"),
    ("The name tag says Kenji.", ("HELLO", "Kenji"), "Kenji"),
    ("封筒の宛名は山本太郎様です。", ("山本太郎様",), "山本太郎"),
]


@pytest.mark.parametrize(("text", "ocr", "name"), NAMES_KEPT)
def test_printed_names_are_kept(
    pipeline: SafetyPipeline, text: str, ocr: tuple[str, ...], name: str
) -> None:
    outcome = run(pipeline, text, *ocr)
    assert name in outcome.text
    assert redaction_count(outcome, "person_name") == 0


def test_text_without_names_is_untouched(pipeline: SafetyPipeline) -> None:
    text = "A person with short hair is holding a red mug. The sign says Open."
    outcome = run(pipeline, text, "OPEN")
    assert outcome.text == text
    assert outcome.redactions == ()


SENSITIVE = [
    ("An Asian woman with long hair is holding a cup.", "Asian", "long hair"),
    ("She looks Muslim and is wearing a blue headscarf.", "Muslim", "blue headscarf"),
    ("The man seems depressed. He is wearing glasses.", "depressed", "glasses"),
    ("この男性は中国人のようです。眼鏡をかけています。", "中国人", "眼鏡"),
]


@pytest.mark.parametrize(("text", "removed", "kept"), SENSITIVE)
def test_sensitive_inferences_removed_visible_attributes_kept(
    pipeline: SafetyPipeline, text: str, removed: str, kept: str
) -> None:
    outcome = run(pipeline, text)
    assert removed not in outcome.text
    assert kept in outcome.text
    assert redaction_count(outcome, "sensitive_inference") >= 1


@pytest.mark.parametrize(
    "text",
    [
        "A man in a black coat is reading a Japanese newspaper.",
        "She is wearing a hijab and smiling.",
        "The man is sitting in a wheelchair by the door.",
    ],
)
def test_visible_attributes_are_not_sensitive(pipeline: SafetyPipeline, text: str) -> None:
    assert run(pipeline, text).text == text


def test_cough_syrup_label_gets_medication_disclaimer(pipeline: SafetyPipeline) -> None:
    outcome = run(
        pipeline,
        "This is a bottle of cough syrup.",
        "Cough Syrup",
        "10 mL every 6 hours",
        question="what is this?",
    )
    assert [d.category for d in outcome.disclaimers] == ["medication"]
    assert outcome.text.endswith(outcome.disclaimers[0].text)
    assert "pharmacist" in outcome.text and "volunteer" in outcome.text


def test_disclaimer_from_answer_text(pipeline: SafetyPipeline) -> None:
    outcome = run(pipeline, "The oven display shows 450 degrees.", question="what does it say")
    assert {d.category for d in outcome.disclaimers} == {"heat"}


def test_one_sentence_per_category_in_japanese(pipeline: SafetyPipeline) -> None:
    outcome = run(
        pipeline, "かぜ薬です。", "かぜ薬", "1回2錠", question="この薬は何", language="ja"
    )
    assert [d.category for d in outcome.disclaimers] == ["medication"]
    assert outcome.text.count("薬剤師") == 1


def test_no_disclaimer_for_plain_objects(pipeline: SafetyPipeline) -> None:
    assert run(pipeline, "A blue mug on a wooden table.", question="what is this").disclaimers == ()


def test_refusal_passes_through(pipeline: SafetyPipeline) -> None:
    refusal = Refusal(reason="identity", message="I can't identify people from their face.")
    outcome = pipeline.postprocess(
        "This is Tom Hanks.",
        question="who is this",
        analysis=analysis(),
        verdict=QuestionVerdict(refusal=refusal),
        language="en",
    )
    assert outcome.text == refusal.message and outcome.refusal == refusal


class CrashingNer:
    def person_spans(self, text: str) -> tuple[tuple[int, int], ...]:
        raise RuntimeError("model exploded")


def test_ner_failure_fails_closed() -> None:
    pipe = SafetyPipeline(
        text_checks=(PersonNameCheck(ner=CrashingNer()), SensitiveInferenceCheck())
    )
    outcome = run(pipe, "Kenji Nakamura is waving. The sign says Exit.", "EXIT")
    assert "Nakamura" not in outcome.text
    assert "Exit" in outcome.text  # printed text survives the conservative fallback


class BrokenCheck:
    name = "broken"

    def find(self, text: str, *, context: object) -> tuple[()]:
        raise RuntimeError("bug")

    def find_conservatively(self, text: str, *, context: object) -> tuple[()]:
        raise RuntimeError("bug again")


def test_check_and_fallback_failing_withholds_the_answer() -> None:
    pipe = SafetyPipeline(text_checks=(BrokenCheck(),))  # type: ignore[arg-type]
    outcome = run(pipe, "This is Tom Hanks.")
    assert "Hanks" not in outcome.text
    assert redaction_count(outcome, "withheld") == 1


def test_every_check_is_timed(pipeline: SafetyPipeline) -> None:
    outcome = run(pipeline, "A cup.")
    assert set(outcome.timings_ms) >= {"person_names", "sensitive_inferences", "disclaimers"}


@dataclass(frozen=True)
class FakeGroundingResult:
    text: str
    removed: int


def test_generative_answers_are_grounded(
    pipeline: SafetyPipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, tuple[str, ...]]] = []

    def check_text_claims(
        text: str, *, ocr_lines: tuple[str, ...], language: str
    ) -> FakeGroundingResult:
        calls.append((text, tuple(ocr_lines)))
        return FakeGroundingResult(text="The label may say oat milk.", removed=1)

    monkeypatch.setattr(grounding_call, "check_text_claims", check_text_claims)
    outcome = run(pipeline, 'The label says "oat milk".', "OAT MLK", generative=True)
    assert calls == [('The label says "oat milk".', ("OAT MLK",))]
    assert outcome.text == "The label may say oat milk."
    assert redaction_count(outcome, "ungrounded_text") == 1
    # The local backend composes from OCR and is not checked.
    calls.clear()
    run(pipeline, 'The label says "oat milk".', "OAT MLK", generative=False)
    assert calls == []


def test_grounding_failure_fails_closed(
    pipeline: SafetyPipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(text: str, *, ocr_lines: tuple[str, ...], language: str) -> FakeGroundingResult:
        raise RuntimeError("grounding check unavailable")

    monkeypatch.setattr(grounding_call, "check_text_claims", broken)
    outcome = run(pipeline, 'It says "Exit".', generative=True)
    assert "caution" in outcome.text
    assert redaction_count(outcome, "ungrounded_text_unchecked") == 1


@pytest.mark.parametrize(
    "text",
    [
        "This is Tylenol Extra Strength.",
        "It is a pint of Ben & Jerry's ice cream.",
        "A bottle of Victoria's Secret perfume.",
        "The box says Open Here.",
        "A can of Campbell's tomato soup on a shelf.",
    ],
)
def test_products_and_brands_are_not_people(pipeline: SafetyPipeline, text: str) -> None:
    outcome = run(pipeline, text)
    assert redaction_count(outcome, "person_name") == 0
    assert outcome.text.startswith(text)


def test_importing_the_pipeline_loads_no_model() -> None:
    import subprocess

    code = (
        "import sys, safety.pipeline, safety.evaluation, safety.face_blur; "
        "assert 'spacy' not in sys.modules, 'spaCy imported at import time'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
