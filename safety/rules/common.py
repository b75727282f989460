"""Building blocks of every language's rules: a named rule, matching, word lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """A named pattern; the name says which policy clause matched (never the text)."""

    name: str
    pattern: re.Pattern[str]


def rule(name: str, pattern: str) -> Rule:
    """Compile one rule."""
    return Rule(name=name, pattern=re.compile(pattern))


def first_match(rules: Iterable[Rule], text: str) -> Rule | None:
    """Return the first rule whose pattern occurs in `text`."""
    for candidate in rules:
        if candidate.pattern.search(text):
            return candidate
    return None


def alternatives(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) + ")"
