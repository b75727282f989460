"""Question routing: which analyzer answers which question (English and Japanese)."""

from __future__ import annotations

import re

import pytest

from models.compose import INTENTS, IntentSpec, compose_answer, intents, route_question
from models.compose.blocks import AnswerContext, Block
from models.types import DescribeRequest, ImageAnalysis

ROUTES = [
    ("What does this say?", ("read_text",)),
    ("Can you read this letter to me?", ("read_text",)),
    ("What is this can?", ("identify",)),
    ("What brand is this vacuum?", ("identify",)),
    ("Which cereal is this?", ("identify",)),
    ("What is this? And what color is it?", ("identify", "colour")),
    ("What colour are my shoes?", ("colour",)),
    ("How many people are in this photo?", ("people",)),
    ("What's the expiration date?", ("date",)),
    ("Has this oven gotten up to four hundred fifty degrees Fahrenheit yet?", ("temperature",)),
    ("What number is on the display?", ("display_number",)),
    ("How many ounces in this container?", ("quantity",)),
    ("", ("describe",)),
    ("Is the picture working on this tv?", ("describe",)),
    ("何と書いてありますか？", ("read_text",)),
    ("これは何ですか？", ("identify",)),
    ("何色ですか？", ("colour",)),
    ("賞味期限はいつですか？", ("date",)),
    ("何人いますか？", ("people",)),
]


@pytest.mark.parametrize(("question", "intents"), ROUTES)
def test_route(question: str, intents: tuple[str, ...]) -> None:
    route = route_question(question)
    assert route.intents[: len(intents)] == intents, route


@pytest.mark.parametrize(
    ("question", "not_intent"),
    [
        ("What colour is this?", "read_text"),
        ("What does this say?", "colour"),
        ("What is this?", "people"),
        ("What does this say?", "date"),
        ("How many people?", "display_number"),
    ],
)
def test_does_not_route(question: str, not_intent: str) -> None:
    assert not_intent not in route_question(question).intents


def test_route_carries_target_number_and_unit() -> None:
    assert route_question("Is the oven at 450 yet?").target_number == 450
    assert route_question("How many ounces in this?").unit_hint == "ounces"
    assert route_question("What does this say?").target_number is None


def test_no_question_is_a_description() -> None:
    assert route_question(None).intents == ("describe",)


def test_screen_questions_read_text_rather_than_a_number() -> None:
    assert route_question("What's on the screen?").intents == ("read_text",)
    assert route_question("What does the display say?").intents[0] == "display_number"


def test_registry_entries_are_complete() -> None:
    names = [spec.name for spec in INTENTS]
    assert len(names) == len(set(names))
    assert names[-1] == "describe" and INTENTS[-1].pattern is None
    assert all(spec.pattern is not None for spec in INTENTS[:-1])


def test_adding_an_intent_is_one_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    def barcode(ctx: AnswerContext) -> Block:
        return Block("barcode", ("I can't read barcodes yet.",), False)

    entry = IntentSpec("barcode", re.compile(r"\bbarcode\b", re.I), barcode, "text")
    monkeypatch.setattr(intents, "INTENTS", (entry, *intents.INTENTS))
    assert route_question("What does the barcode say?").intents[0] == "barcode"
    request = DescribeRequest(
        image=None,
        question="Is there a barcode?",
        detail="standard",
        language="en",
        analysis=ImageAnalysis(width=1, height=1),
    )
    assert compose_answer(request).text == "I can't read barcodes yet."
