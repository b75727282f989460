"""The local backend's answer composer: question routing, extraction, sentences."""

from models.compose.blocks import Intent, QuestionRoute
from models.compose.composer import Composition, compose_answer, phrasebook_for
from models.compose.intent import route_question
from models.compose.intents import INTENTS, IntentSpec

__all__ = [
    "INTENTS",
    "Composition",
    "Intent",
    "IntentSpec",
    "QuestionRoute",
    "compose_answer",
    "phrasebook_for",
    "route_question",
]
