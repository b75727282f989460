"""Find which health/safety disclaimers an answer needs, and phrase them.

Topics come from three places: the question (already found by the question
policy), the text read in the photo, and the answer itself. At most one
sentence per category is appended, and not when the answer already contains it.
"""

from __future__ import annotations

from collections.abc import Iterable

from models.language import join_sentences
from safety.messages import disclaimer_text
from safety.normalize import contains_japanese
from safety.rules.disclaimer_topics import find_topics, ordered
from safety.rules.language import prepare_text
from safety.types import Disclaimer, DisclaimerCategory


def topics_in(text: str) -> frozenset[DisclaimerCategory]:
    """Disclaimer categories mentioned in one free text (OCR or an answer)."""
    if not text.strip():
        return frozenset()
    return find_topics(prepare_text(text))


def find_disclaimers(
    *, question_topics: Iterable[DisclaimerCategory], ocr_text: str, answer: str, language: str
) -> tuple[Disclaimer, ...]:
    """The disclaimers for this answer, in speaking order, localised."""
    categories = frozenset(question_topics) | topics_in(ocr_text) | topics_in(answer)
    return tuple(
        Disclaimer(category=category, text=disclaimer_text(category, language=language))
        for category in ordered(categories)
    )


def append_disclaimers(
    answer: str, disclaimers: Iterable[Disclaimer], *, language: str | None = None
) -> str:
    """The answer followed by each disclaimer sentence it does not already contain,
    joined the way `language` writes sentences (without it: no space after Japanese)."""
    parts = [answer.rstrip()] if answer.strip() else []
    for disclaimer in disclaimers:
        if disclaimer.text not in answer:
            parts.append(disclaimer.text)
    if language is not None:
        return join_sentences(parts, language=language)
    separator = "" if contains_japanese(answer + "".join(parts)) else " "
    return separator.join(parts)
