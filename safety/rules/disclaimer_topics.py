"""Health and safety topics that earn a disclaimer.

Each category is found in the question, in the text read from the photo and
in the answer: a cough-syrup label is medicine even when the question is
"what is this?". Each language's rules file lists its words for each category
(`LanguageRules.disclaimer_topics`); a category is found when any language's
pattern occurs in that language's form of the text.
"""

from __future__ import annotations

from typing import get_args

from safety.rules.language import PreparedText, language_rules
from safety.types import DisclaimerCategory

# The order disclaimers are spoken in: the order of the contract's category list.
_ORDER: tuple[DisclaimerCategory, ...] = get_args(DisclaimerCategory)


def find_topics(prepared: PreparedText) -> frozenset[DisclaimerCategory]:
    """Categories whose patterns occur in the prepared forms of one text."""
    found: set[DisclaimerCategory] = set()
    for rules in language_rules():
        form = prepared.get(rules.tag)
        if not form:
            continue
        for category, pattern in rules.disclaimer_topics.items():
            if category not in found and pattern.search(form):
                found.add(category)
    return frozenset(found)


def ordered(categories: frozenset[DisclaimerCategory]) -> tuple[DisclaimerCategory, ...]:
    """Categories in the fixed speaking order."""
    return tuple(category for category in _ORDER if category in categories)
