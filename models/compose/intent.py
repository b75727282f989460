"""Routes a user's question to the intents the analyzers can answer.

A question may carry several intents ("What is this? And what colour is it?");
they come back in the order the composer should answer them. The keywords of
each intent are in its registry entry (`models.compose.intents`).
"""

from __future__ import annotations

import re

from models.compose import intents
from models.compose.blocks import Intent, QuestionRoute
from models.compose.extract import parse_number_words
from models.compose.intents import FALLBACK_INTENT, family_of
from models.compose.people import asked_aspects

__all__ = ["Intent", "QuestionRoute", "route_question"]

# "How long and what temperature do I bake this for?" is about the printed
# instructions; the package text answers it better than a display reading.
_ABOUT_A_DISPLAY = re.compile(
    r"display|screen|oven (is|at|reached|gotten)|gotten up|reached|表示", re.IGNORECASE
)
_UNIT_ASKED = re.compile(
    r"how (?:many|much) (ounces|oz|grams|calories|milligrams|mg|ml|pounds)", re.IGNORECASE
)
_UNIT_NAMES = {"oz": "ounces", "mg": "milligrams", "ml": "millilitres"}
# "Is she OK?", "what is he doing?": a pronoun alone points at a person only when
# nothing else in the question was recognised ("what does her letter say?" is about text).
_PERSON_PRONOUN = re.compile(r"\b(he|she|him|his|her|hers)\b|彼|彼女|この人|その人", re.IGNORECASE)


def route_question(question: str | None) -> QuestionRoute:
    """Classify a question into intents; no question means a general description."""
    if not question or not question.strip():
        return QuestionRoute(intents=(FALLBACK_INTENT,))
    text = question.strip()
    positions: dict[Intent, int] = {}
    for spec in intents.INTENTS:
        match = spec.pattern.search(text) if spec.pattern is not None else None
        if match:
            positions[spec.name] = match.start()
    # Answer in the order the user asked ("what is this? and what colour is it?").
    found: list[Intent] = sorted(positions, key=lambda intent: positions[intent])
    if "temperature" in found and "display_number" in found and not _ABOUT_A_DISPLAY.search(text):
        found.remove("display_number")
    if not found and _PERSON_PRONOUN.search(text):
        found = ["people"]
    if not found:
        found = [FALLBACK_INTENT]
    asks_number = any(family_of(intent) == "number" for intent in found)
    target = parse_number_words(text) if asks_number else None
    unit_match = _UNIT_ASKED.search(text)
    unit = None
    if unit_match:
        asked = unit_match.group(1).lower()
        unit = _UNIT_NAMES.get(asked, asked)
    aspects = asked_aspects(text) if "people" in found else ()
    return QuestionRoute(
        intents=tuple(dict.fromkeys(found)),
        target_number=target,
        unit_hint=unit,
        people_aspects=aspects,
    )
