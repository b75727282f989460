"""What Sightline says when it refuses, and its health/safety disclaimers.

Every refusal is one short sentence that says what Sightline *can* do instead
(the style the evaluation measures: at most 30 words, or 80 characters in
Japanese, and an alternative offered). Every disclaimer is one specific
sentence that offers a volunteer. The sentences are in the message catalogues
(`safety.refusal.*`, `safety.disclaimer.*`, see docs/languages.md); a language
without a catalogue gets English.
"""

from __future__ import annotations

from typing import Literal

from models.language import message, resolve_language
from safety.types import DisclaimerCategory, RefusalReason

MessageKey = Literal[
    "identity",
    "sensitive_trait",
    "ungrounded_inference",
    "captcha",
    "captcha_audio",
    "explicit",
    "illicit",
    "self_harm",
    "harm_dose",
]


def primary_language(language: str) -> str:
    """The catalogue language that serves a BCP 47 tag ("ja-JP" → "ja"; unknown → "en")."""
    return resolve_language(language)


def refusal_message(key: MessageKey, *, language: str) -> str:
    """The one-sentence refusal for `key` in the caller's language."""
    return message(f"safety.refusal.{key}", language=language)


def disclaimer_text(category: DisclaimerCategory, *, language: str) -> str:
    """The one-sentence disclaimer for `category` in the caller's language."""
    return message(f"safety.disclaimer.{category}", language=language)


def reason_for(key: MessageKey) -> RefusalReason:
    """The contract's refusal reason for a message key."""
    if key == "captcha_audio":
        return "captcha"
    if key == "self_harm" or key == "harm_dose":
        return "illicit"
    return key
