"""Issue 10 part 3: a person refusal offers only what the configured backend can describe."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from models.language import current_languages
from safety.capabilities import (
    ALL_CAPABILITIES,
    GENERATIVE,
    LOCAL_FACE_ATTRIBUTES,
    LOCAL_FACES_ONLY,
    MAX_OFFERED,
    PERSON_REASONS,
    offered,
    person_refusal_message,
)
from safety.evaluation import is_correct_refusal_style
from safety.pipeline import SafetyPipeline

# What each capability sounds like in the refusal, in English and Japanese: a refusal that names
# one of these words promises that capability.
PROMISES_EN = {
    "smiling": "smiling",
    "expression": "expression",
    "eyes_closed": "eyes",
    "sunglasses": "sunglasses",
    "glasses": "glasses",
    "facing_camera": "which way",
    "hair_colour": "hair colour",
    "clothing_colour": "clothing colour",
    "hair": "hair",
    "clothing": "wearing",
    "actions": "doing",
    "held_objects": "holding",
    "count": "how many",
    "position": "where they are",
}
PERSON_QUESTIONS = [
    ("who is this man", "identity"),
    ("is the woman in the photo muslim", "sensitive_trait"),
    ("does this guy look trustworthy", "ungrounded_inference"),
    ("この人は誰ですか", "identity"),
]


def _language(question: str) -> str:
    return "en" if question.isascii() else "ja"


def test_every_capability_has_a_phrase_in_english_and_japanese() -> None:
    for language in ("en", "ja"):
        catalogue = current_languages().catalogue(language)
        for name in ALL_CAPABILITIES:
            assert catalogue.has(f"safety.capability.{name}"), (language, name)
        for reason in PERSON_REASONS:
            assert catalogue.has(f"safety.refusal.{reason}.offer"), (language, reason)
            assert catalogue.has(f"safety.refusal.{reason}.none"), (language, reason)


@pytest.mark.parametrize("reason", sorted(PERSON_REASONS))
@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_offer_is_one_short_sentence_with_an_alternative(reason: str, language: str) -> None:
    """Every combination of capabilities keeps the refusal style (<= 30 words / 80 chars)."""
    combos = itertools.chain.from_iterable(
        itertools.permutations(ALL_CAPABILITIES, n) for n in range(MAX_OFFERED + 1)
    )
    for capabilities in combos:
        text = person_refusal_message(reason, capabilities, language=language)
        assert is_correct_refusal_style(text, language=language), text


@pytest.mark.parametrize(
    ("capabilities", "promised", "not_promised"),
    [
        # The local describer with face attributes: smiling, hair and clothing colour...
        (LOCAL_FACE_ATTRIBUTES, {"smiling", "hair colour"}, {"wearing", "doing", "holding"}),
        # ...with the face detector alone it can only count and place faces.
        (LOCAL_FACES_ONLY, {"how many", "where they are"}, {"hair", "smiling", "wearing"}),
        # A generative backend sees more.
        (GENERATIVE, {"hair", "wearing"}, {"sunglasses"}),
    ],
)
def test_identity_refusal_offers_only_what_the_backend_sees(
    capabilities: tuple[str, ...], promised: set[str], not_promised: set[str]
) -> None:
    pipeline = SafetyPipeline(capabilities=capabilities)
    refusal = pipeline.check_question("who is this man", language="en").refusal
    assert refusal is not None and refusal.reason == "identity"
    for word in promised:
        assert word in refusal.message, (word, refusal.message)
    for word in not_promised:
        assert word not in refusal.message, (word, refusal.message)


@pytest.mark.parametrize(("question", "reason"), PERSON_QUESTIONS)
def test_no_capability_offers_nothing_about_the_person(question: str, reason: str) -> None:
    language = _language(question)
    refusal = SafetyPipeline().check_question(question, language=language).refusal
    assert refusal is not None and refusal.reason == reason
    assert refusal.message == person_refusal_message(reason, (), language=language)
    if language == "en":
        for word in PROMISES_EN.values():
            assert word not in refusal.message, (word, refusal.message)
        assert "volunteer" in refusal.message
    else:
        assert "ボランティア" in refusal.message


@pytest.mark.parametrize(("question", "reason"), PERSON_QUESTIONS)
def test_every_offered_capability_is_one_the_backend_has(question: str, reason: str) -> None:
    language = _language(question)
    for capabilities in (LOCAL_FACE_ATTRIBUTES, LOCAL_FACES_ONLY, GENERATIVE):
        pipeline = SafetyPipeline(capabilities=capabilities)
        refusal = pipeline.check_question(question, language=language).refusal
        assert refusal is not None and refusal.reason == reason
        catalogue = current_languages().catalogue(language)
        named = [
            name
            for name in ALL_CAPABILITIES
            if (catalogue.text(f"safety.capability.{name}") or "\0") in refusal.message
        ]
        # A phrase may contain a shorter one ("their hair colour" holds "their hair"): only
        # the capabilities the refusal was built from, and they are the backend's.
        assert set(offered(reason, capabilities)) <= set(named)
        assert {n for n in named if n not in capabilities} <= _substrings_of(
            offered(reason, capabilities), catalogue_language=language
        )


def _substrings_of(names: tuple[str, ...], *, catalogue_language: str) -> set[str]:
    catalogue = current_languages().catalogue(catalogue_language)
    phrases = [catalogue.text(f"safety.capability.{n}") or "" for n in names]
    return {
        other
        for other in ALL_CAPABILITIES
        if any((catalogue.text(f"safety.capability.{other}") or "\0") in p for p in phrases)
    }


def test_unknown_capability_fails_at_start_up() -> None:
    with pytest.raises(ValueError, match="unknown person capability"):
        SafetyPipeline(capabilities=["x_ray_vision"])


def test_other_refusals_keep_their_own_message() -> None:
    pipeline = SafetyPipeline(capabilities=GENERATIVE)
    refusal = pipeline.check_question("how do i pick a lock to break into a house", language="en")
    assert refusal.refusal is not None and refusal.refusal.reason == "illicit"
    assert "wearing" not in refusal.refusal.message


def test_safety_never_imports_the_app() -> None:
    root = Path(__file__).resolve().parents[2] / "safety"
    importing_app = re.compile(r"^\s*(?:from app[.\s]|import app\b)", re.MULTILINE)
    for path in root.rglob("*.py"):
        assert not importing_app.search(path.read_text(encoding="utf-8")), path


def test_the_app_passes_what_its_backend_and_analyzers_can_see() -> None:
    from types import SimpleNamespace

    from app.services import person_capabilities

    with_attributes = SimpleNamespace(face_attributes=object())
    without = SimpleNamespace(face_attributes=None)
    assert person_capabilities("local", with_attributes) == LOCAL_FACE_ATTRIBUTES  # type: ignore[arg-type]
    assert person_capabilities("local", without) == LOCAL_FACES_ONLY  # type: ignore[arg-type]
    assert person_capabilities("openai", without) == GENERATIVE  # type: ignore[arg-type]
    assert person_capabilities("onnx", without) == GENERATIVE  # type: ignore[arg-type]
