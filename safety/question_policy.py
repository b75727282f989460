"""The question policy: refusal reason (if any) and disclaimer topics for one question.

Rules are checked in a fixed order of severity: illicit, CAPTCHA, identity,
sensitive trait, ungrounded inference. The first match decides the reason, so a
question like "how do I poison this guy" is refused as illicit, not as a
question about a person. Japanese rules run when the question has kana or
kanji; English rules run on every question (users mix scripts).
"""

from __future__ import annotations

from dataclasses import dataclass

from safety.messages import MessageKey, reason_for, refusal_message
from safety.normalize import contains_japanese, normalize_english, normalize_japanese
from safety.rules.common import Rule, first_match
from safety.rules.disclaimer_topics import find_topics
from safety.rules.identity import IDENTITY_EN, IDENTITY_JA
from safety.rules.inference import UNGROUNDED_EN, UNGROUNDED_JA
from safety.rules.moderation import CAPTCHA_EN, CAPTCHA_JA, ILLICIT_EN, ILLICIT_JA
from safety.rules.sensitive import SENSITIVE_EN, SENSITIVE_JA
from safety.types import QuestionVerdict, Refusal

_POLICY_ORDER: tuple[tuple[MessageKey, tuple[Rule, ...], tuple[Rule, ...]], ...] = (
    ("illicit", ILLICIT_EN, ILLICIT_JA),
    ("captcha", CAPTCHA_EN, CAPTCHA_JA),
    ("identity", IDENTITY_EN, IDENTITY_JA),
    ("sensitive_trait", SENSITIVE_EN, SENSITIVE_JA),
    ("ungrounded_inference", UNGROUNDED_EN, UNGROUNDED_JA),
)


@dataclass(frozen=True)
class NormalizedQuestion:
    """The two canonical forms the rules match against."""

    english: str
    japanese: str  # empty when the question has no Japanese characters

    @classmethod
    def of(cls, question: str) -> NormalizedQuestion:
        """Normalise a raw question."""
        japanese = normalize_japanese(question) if contains_japanese(question) else ""
        return cls(english=normalize_english(question), japanese=japanese)


@dataclass(frozen=True)
class PolicyMatch:
    """Which policy clause matched: the message key and the rule's name."""

    key: MessageKey
    rule_name: str


def match_policy(question: NormalizedQuestion) -> PolicyMatch | None:
    """Return the first refusal clause that matches, in severity order."""
    for key, english_rules, japanese_rules in _POLICY_ORDER:
        found = first_match(english_rules, question.english)
        if found is None and question.japanese:
            found = first_match(japanese_rules, question.japanese)
        if found is not None:
            if key == "illicit" and found.name in {"self_harm", "self_harm_ja"}:
                return PolicyMatch(key="self_harm", rule_name=found.name)
            if key == "illicit" and found.name in {"harm_dose", "harm_dose_ja"}:
                return PolicyMatch(key="harm_dose", rule_name=found.name)
            return PolicyMatch(key=key, rule_name=found.name)
    return None


def classify_question(question: str | None, *, language: str) -> QuestionVerdict:
    """Classify one question: a refusal (reason + message) or none, plus disclaimer topics."""
    if not question or not question.strip():
        return QuestionVerdict()
    normalized = NormalizedQuestion.of(question)
    topics = find_topics(english=normalized.english, japanese=normalized.japanese)
    found = match_policy(normalized)
    if found is None:
        return QuestionVerdict(disclaimer_categories=topics)
    refusal = Refusal(
        reason=reason_for(found.key), message=refusal_message(found.key, language=language)
    )
    return QuestionVerdict(refusal=refusal, disclaimer_categories=topics)
