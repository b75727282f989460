"""Adding a language is a catalogue, a rules file and a test table (docs/languages.md).

This proves it with a fake third language kept in tests/language/fake/ (never
shipped): with its catalogue and rules file loaded, Sightline negotiates it,
gives photo guidance in it, composes an answer in it and refuses in it; the
messages it does not translate come from English. Outside the test it is gone.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.compose import compose_answer
from models.guidance import guidance_for
from models.language import languages_from, negotiate_language, supported_languages
from models.types import (
    BoundingBox,
    ColourName,
    DescribeRequest,
    ImageAnalysis,
    QualityIssue,
    QualityReport,
    TextLine,
)
from safety.pipeline import SafetyPipeline
from safety.rules.language import LanguageRules, rules_with

FAKE = Path(__file__).with_name("fake")
DARK_EO = "Estas tre mallume: ŝaltu lumon aŭ la fulmilon."
# The person refusal offers what the backend can describe (safety/capabilities.py).
IDENTITY_EO = (
    "Mi ne povas identigi homojn laŭ ilia vizaĝo, sed mi povas diri al vi ilian harkoloron, "
    "ilian vestkoloron kaj ĉu ili ridetas."
)


def _fake_rules() -> LanguageRules:
    spec = importlib.util.spec_from_file_location("fake_eo_rules", FAKE / "eo_rules.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rules: LanguageRules = module.RULES
    return rules


@pytest.fixture
def esperanto() -> Iterator[None]:
    with languages_from(FAKE), rules_with([_fake_rules()]):
        yield


@pytest.mark.usefixtures("esperanto")
def test_the_new_language_is_negotiated() -> None:
    assert supported_languages() == ("en", "eo", "ja")
    assert negotiate_language("eo", None) == "eo"
    assert negotiate_language(None, "fr, eo;q=0.8, en;q=0.5") == "eo"


@pytest.mark.usefixtures("esperanto")
def test_guidance_in_the_new_language() -> None:
    assert guidance_for("too_dark", language="eo") == DARK_EO
    # Babel's Esperanto list pattern joins the edges ("supra kaj maldekstra").
    assert guidance_for("cut_off", language="eo", edges=("top", "left")) == (
        "La supra kaj maldekstra randoj de la teksto estas detranĉitaj: "
        "iom malproksimigu la telefonon, supren kaj maldekstren."
    )
    # Not translated in the fake catalogue: English.
    assert guidance_for("glare", language="eo") == guidance_for("glare", language="en")


@pytest.mark.usefixtures("esperanto")
def test_a_composed_answer_in_the_new_language() -> None:
    analysis = ImageAnalysis(
        width=640,
        height=480,
        quality=QualityReport(
            issues=(QualityIssue("too_dark", 0.8, guidance_for("too_dark", language="eo")),)
        ),
        text_lines=(TextLine("SALO", 0.95, BoundingBox(10, 10, 200, 60)),),
        colours=(ColourName("red", 0.6), ColourName("white", 0.3)),
    )
    composition = compose_answer(
        DescribeRequest(
            image=None, question=None, detail="detailed", language="eo", analysis=analysis
        )
    )
    assert composition.language == "eo"
    assert composition.text == (
        f'{DARK_EO} La plej granda teksto sur ĝi estas "SALO". '
        "La ĉefaj koloroj estas ruĝa kaj blanka."
    )


@pytest.mark.usefixtures("esperanto")
def test_a_refusal_and_a_disclaimer_in_the_new_language() -> None:
    pipeline = SafetyPipeline(capabilities=("hair_colour", "clothing_colour", "smiling"))
    verdict = pipeline.check_question("Kiu estas ĉi tiu?", language="eo")
    assert verdict.refusal is not None
    assert verdict.refusal.reason == "identity"
    assert verdict.refusal.message == IDENTITY_EO
    # The rules file's table includes what must NOT match: who is in the photo.
    assert pipeline.check_question("Kiu estas en la foto?", language="eo").refusal is None
    pills = pipeline.check_question("Kiom da piloloj mi prenu?", language="eo")
    assert pills.refusal is None and pills.disclaimer_categories == {"medication"}
    outcome = pipeline.postprocess(
        "Estas skatolo.",
        question="Kiom da piloloj mi prenu?",
        analysis=ImageAnalysis(width=1, height=1),
        verdict=pills,
        language="eo",
    )
    assert outcome.text == (
        "Estas skatolo. Kontrolu la dozon kun apotekisto aŭ petu volontulon legi la etikedon kun vi."
    )


def test_outside_the_test_the_language_is_gone() -> None:
    assert "eo" not in supported_languages()
    assert negotiate_language("eo", None) == "en"
    # Without the rules file, nothing recognises the Esperanto identity question.
    assert SafetyPipeline().check_question("Kiu estas ĉi tiu?", language="eo").refusal is None
