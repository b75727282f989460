"""Frozen results of safety checks (find, then act)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

RefusalReason = Literal[
    "identity", "sensitive_trait", "ungrounded_inference", "captcha", "explicit", "illicit"
]
DisclaimerCategory = Literal[
    "medication",
    "food_safety",
    "allergens",
    "heat",
    "traffic",
    "chemicals",
    "electrical",
    "medical_image",
]


@dataclass(frozen=True)
class Refusal:
    """Why Sightline will not answer, and the short sentence it says instead."""

    reason: RefusalReason
    message: str


@dataclass(frozen=True)
class Disclaimer:
    """One localized sentence for one health/safety category."""

    category: DisclaimerCategory
    text: str


@dataclass(frozen=True)
class Redaction:
    """What post-processing removed from a generated answer, counted by kind."""

    kind: str
    count: int


@dataclass(frozen=True)
class QuestionVerdict:
    """The question policy's finding: a refusal or none, plus disclaimer topics."""

    refusal: Refusal | None = None
    disclaimer_categories: frozenset[DisclaimerCategory] = field(default_factory=frozenset)


@dataclass(frozen=True)
class SafetyOutcome:
    """The final text and everything safety did to reach it."""

    text: str
    refusal: Refusal | None = None
    disclaimers: tuple[Disclaimer, ...] = ()
    redactions: tuple[Redaction, ...] = ()
    # Milliseconds per post-processing step, by check name (never any text).
    timings_ms: Mapping[str, float] = field(default_factory=dict)
