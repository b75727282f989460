"""Find which health/safety disclaimers an answer needs, and phrase them.

Topics come from three places: the question (already found by the question
policy), the text read in the photo, and the answer itself. At most one
sentence per category is appended, and not when the answer already contains it.
"""

from __future__ import annotations

from collections.abc import Iterable

from safety.messages import disclaimer_text
from safety.normalize import contains_japanese, normalize_english, normalize_japanese
from safety.rules.disclaimer_topics import find_topics, ordered
from safety.types import Disclaimer, DisclaimerCategory


def topics_in(text: str) -> frozenset[DisclaimerCategory]:
    """Disclaimer categories mentioned in one free text (OCR or an answer)."""
    if not text.strip():
        return frozenset()
    japanese = normalize_japanese(text) if contains_japanese(text) else ""
    return find_topics(english=normalize_english(text), japanese=japanese)


def find_disclaimers(
    *, question_topics: Iterable[DisclaimerCategory], ocr_text: str, answer: str, language: str
) -> tuple[Disclaimer, ...]:
    """The disclaimers for this answer, in speaking order, localised."""
    categories = frozenset(question_topics) | topics_in(ocr_text) | topics_in(answer)
    return tuple(
        Disclaimer(category=category, text=disclaimer_text(category, language=language))
        for category in ordered(categories)
    )


def append_disclaimers(answer: str, disclaimers: Iterable[Disclaimer]) -> str:
    """The answer followed by each disclaimer sentence it does not already contain."""
    parts = [answer.rstrip()] if answer.strip() else []
    for disclaimer in disclaimers:
        if disclaimer.text not in answer:
            parts.append(disclaimer.text)
    separator = "" if contains_japanese(answer + "".join(parts)) else " "
    return separator.join(parts)
