"""The question policy: refusal reason (if any) and disclaimer topics for one question.

Rules are checked in a fixed order of severity: illicit, CAPTCHA, identity,
sensitive trait, ungrounded inference. The first match decides the reason, so a
question like "how do I poison this guy" is refused as illicit, not as a
question about a person. Every language's rules (`safety/rules/languages/`)
run on the question in that language's canonical form: English on every
question, Japanese when it has kana or kanji (users mix scripts).
"""

from __future__ import annotations

from dataclasses import dataclass

from safety.messages import MessageKey, reason_for, refusal_message
from safety.rules.common import first_match
from safety.rules.disclaimer_topics import find_topics
from safety.rules.language import CLAUSE_ORDER, PreparedText, language_rules, prepare_text
from safety.types import QuestionVerdict, Refusal


@dataclass(frozen=True)
class NormalizedQuestion:
    """The question in the canonical form of each language whose rules apply to it."""

    forms: PreparedText

    @classmethod
    def of(cls, question: str) -> NormalizedQuestion:
        """Normalise a raw question."""
        return cls(forms=prepare_text(question))


@dataclass(frozen=True)
class PolicyMatch:
    """Which policy clause matched: the message key and the rule's name."""

    key: MessageKey
    rule_name: str


def match_policy(question: NormalizedQuestion) -> PolicyMatch | None:
    """Return the first refusal clause that matches, in severity order."""
    for clause in CLAUSE_ORDER:
        for rules in language_rules():
            form = question.forms.get(rules.tag)
            found = first_match(rules.rules(clause), form) if form else None
            if found is not None:
                # Self-harm and harmful doses are illicit with a message of their own.
                key: MessageKey = rules.refusal_for.get(found.name, clause)
                return PolicyMatch(key=key, rule_name=found.name)
    return None


def classify_question(question: str | None, *, language: str) -> QuestionVerdict:
    """Classify one question: a refusal (reason + message) or none, plus disclaimer topics."""
    if not question or not question.strip():
        return QuestionVerdict()
    normalized = NormalizedQuestion.of(question)
    topics = find_topics(normalized.forms)
    found = match_policy(normalized)
    if found is None:
        return QuestionVerdict(disclaimer_categories=topics)
    refusal = Refusal(
        reason=reason_for(found.key), message=refusal_message(found.key, language=language)
    )
    return QuestionVerdict(refusal=refusal, disclaimer_categories=topics)
