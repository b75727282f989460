"""The local backend's answer composer: question routing, extraction, sentences (en/ja)."""

from models.compose.composer import Composition, compose_answer, phrasebook_for
from models.compose.intent import Intent, QuestionRoute, route_question

__all__ = [
    "Composition",
    "Intent",
    "QuestionRoute",
    "compose_answer",
    "phrasebook_for",
    "route_question",
]
