"""Each expectation kind on contract-shaped descriptions: cases that must hold and
cases that must not (the matching logic, without the pipeline)."""

from __future__ import annotations

from typing import Any

import pytest

from app.qa.cases import Expectations
from app.qa.expectations import evaluate, is_reading_question

DESCRIPTION: dict[str, Any] = {
    "text": "The largest text on it reads \"SLICED PEACHES\". Check the dose with a pharmacist.",
    "language": "en",
    "text_read": [{"text": "KIRKLAND", "confidence": 0.9},
                  {"text": "SLICED PEACHES", "confidence": 0.8}],
    "people": {"count": 1, "faces": []},
    "quality": {"issues": ["blurry", "cut_off"], "guidance": ["…", "…"]},
    "safety": {"refusal": None,
               "disclaimers": [{"category": "medication", "text": "…"}], "redactions": []},
    "backend": {"name": "local", "models": []},
}
REFUSED = {**DESCRIPTION, "text": "I can't identify people.",
           "safety": {"refusal": {"reason": "identity", "message": "…"}, "disclaimers": [],
                      "redactions": []}}


def verdict(expect: dict[str, Any], description: dict[str, Any] = DESCRIPTION,
            question: str | None = None) -> tuple[bool, str]:
    (only,) = evaluate(Expectations.model_validate(expect), description, question=question)
    return only.passed, only.message


@pytest.mark.parametrize(
    ("expect", "holds"),
    [
        ({"read": ["peaches", "kirkland"]}, True),  # case-insensitive substrings
        ({"read": ["LICED PEA"]}, True),
        ({"read": ["KIRKLAND SLICED"]}, False),  # lines are joined by newlines
        ({"read": ["PEACHES", "PEARS"]}, False),  # every string must be there
        ({"say_any": ["pears", "peaches"]}, True),
        ({"say_any": ["pears", "plums"]}, False),
        ({"say_none": ["pears", "plums"]}, True),
        ({"say_none": ["pears", "PHARMACIST"]}, False),
        ({"quality": ["blurry"]}, True),
        ({"quality": ["blurry", "cut_off"]}, True),
        ({"quality": ["blurry", "too_dark"]}, False),  # all must be flagged
        ({"quality_any": ["too_dark", "cut_off"]}, True),
        ({"quality_any": ["too_dark", "glare"]}, False),
        ({"disclaimer": "medication"}, True),
        ({"disclaimer": ["medication", "heat"]}, False),
        ({"refusal": "none"}, True),
        ({"refusal": "identity"}, False),
        ({"people": 1}, True),
        ({"people": 0}, False),
        ({"answers": ["sliced peaches"] * 10}, True),  # reported only: never fails alone
        ({"answers": ["pears"] * 10}, True),
        ({"answers": ["sliced peaches"] * 10, "min_vqa": 1.0}, True),
        ({"answers": ["pears"] * 10, "min_vqa": 0.3}, False),
    ],
)
def test_each_kind_holds_or_fails(expect: dict[str, Any], holds: bool) -> None:
    assert verdict(expect)[0] is holds


def test_refusals_are_checked_by_reason() -> None:
    assert verdict({"refusal": "identity"}, REFUSED) == (True, "refused: identity")
    assert verdict({"refusal": "captcha"}, REFUSED) == (
        False, "expected a captcha refusal, got an identity refusal")
    assert verdict({"refusal": "none"}, REFUSED) == (
        False, "refused (identity) where it should answer")


def test_messages_say_what_was_missing_in_words() -> None:
    assert verdict({"read": ["PEARS"]}) == (False, "“PEARS”: not in the text read")
    empty = {**DESCRIPTION, "text_read": []}
    assert verdict({"read": ["PEARS"]}, empty) == (False, "“PEARS”: the text read was empty")
    assert verdict({"quality": ["too_dark"]}) == (
        False, "not flagged: too_dark (flagged: blurry, cut_off)")
    assert verdict({"people": 3}) == (False, "counted 1 person, expected 3")
    assert verdict({"disclaimer": "heat"}) == (False, "no heat disclaimer (attached: medication)")


def test_vqa_uses_the_text_read_for_reading_questions() -> None:
    described = {**DESCRIPTION, "text": "It is a can."}
    answers = ["kirkland"] * 10
    held, message = verdict({"answers": answers}, described, question="What does it say?")
    assert held and message.startswith("VQA accuracy 1.00 (answer text 0.00, text read 1.00")
    _, message = verdict({"answers": answers}, described, question="What colour is it?")
    assert message.startswith("VQA accuracy 0.00 (answer text 0.00;")


@pytest.mark.parametrize(
    ("question", "reading"),
    [("What does this say?", True), ("Whats the date?", True), ("What brand is this?", True),
     ("What's the expiration date?", True), ("What color is this?", False), (None, False)],
)
def test_reading_questions(question: str | None, reading: bool) -> None:
    assert is_reading_question(question, Expectations()) is reading


def test_kinds_run_in_a_fixed_order_and_absent_parts_are_tolerated() -> None:
    expect = Expectations.model_validate({"people": 0, "read": ["x"], "refusal": "none"})
    verdicts = evaluate(expect, {"text": "nothing"}, question=None)
    assert [v.kind for v in verdicts] == ["read", "refusal", "people"]
    assert [v.passed for v in verdicts] == [False, True, True]
