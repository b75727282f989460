"""The values passed between question routing, the intent builders and the composer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from models.compose.phrases import Phrasebook
from models.types import Detail, ImageAnalysis

# An intent is named by its registry entry (`models.compose.intents`).
Intent = str
# What kind of finding an intent answers with; the composer's rules are by family:
# one answered number question silences the unanswered ones, and a `detailed`
# answer adds only the findings whose family the question did not ask about.
Family = Literal["text", "object", "colour", "people", "number", "overview"]


@dataclass(frozen=True)
class QuestionRoute:
    """The intents of a question, in answer order, and any number it names (e.g. 450)."""

    intents: tuple[Intent, ...]
    target_number: int | None = None
    unit_hint: str | None = None  # e.g. "ounces" for "how many ounces"
    # Visible attributes of a person the question asks about (models.compose.people);
    # () = all of them ("describe the person").
    people_aspects: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswerContext:
    """Everything an intent builder may use: the analysis, the question's route,
    the detail level and the answer language's phrasebook."""

    analysis: ImageAnalysis
    route: QuestionRoute
    detail: Detail
    book: Phrasebook
    question: str | None = None


@dataclass(frozen=True)
class Block:
    """One intent's sentences, and whether it found what was asked."""

    intent: Intent
    sentences: tuple[str, ...]
    found: bool
