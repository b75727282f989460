"""Health labels earn their disclaimer from the text read in the photo (issue 10 round 2)."""

from __future__ import annotations

import pytest

from models.types import ImageAnalysis, TextLine
from safety.checks.disclaimers import topics_in
from safety.pipeline import SafetyPipeline
from safety.types import QuestionVerdict


@pytest.mark.parametrize(
    ("ocr", "category"),
    [
        (["NATURE'S BEST", "DIETARY SUPPLEMENT", "60 softgels"], "medication"),
        (["Suggested use:", "Take 1/2 tablet daily with food"], "medication"),
        (["Vitamin D3", "1000 IU"], "medication"),
        (["栄養補助食品", "1日2粒を目安に"], "medication"),
        (["サプリメント"], "medication"),
        (["OVEN CLEANER", "Caustic"], "chemicals"),
        (["Microwave on high for 3 minutes"], "heat"),
        (["EXP 05/27"], "food_safety"),
        (["電子レンジで3分加熱"], "heat"),
    ],
)
def test_a_label_read_in_the_photo_earns_its_disclaimer(ocr: list[str], category: str) -> None:
    analysis = ImageAnalysis(
        width=1, height=1, text_lines=tuple(TextLine(text=t, confidence=1.0) for t in ocr)
    )
    outcome = SafetyPipeline().postprocess(
        "Here is what I can see.",
        question="what is this",
        analysis=analysis,
        verdict=QuestionVerdict(),
        language="en",
    )
    assert category in {d.category for d in outcome.disclaimers}


@pytest.mark.parametrize(
    "text",
    [
        "what is this can",
        "is there a bus coming",
        "what does the label on this jar say",
        "Nutrition Facts Vitamin D 2mcg",
        "how many people are on the bench",
        "take 2 minutes to read the letter",
        "この箱には何が入っていますか",
        # the local describer's colour sentence (a web test's follow-up got the traffic
        # disclaimer for "light green" on a can of peaches)
        "The main colours are light green and yellow.",
        "the light green cap is on the left",
    ],
)
def test_everyday_text_earns_none(text: str) -> None:
    assert topics_in(text) == frozenset()


@pytest.mark.parametrize(
    "text",
    ["is the light green?", "the light is red now", "Is the walk light green yet?",
     "is the light green for crossing"],
)
def test_a_traffic_light_question_still_earns_traffic(text: str) -> None:
    assert topics_in(text) == frozenset({"traffic"})
