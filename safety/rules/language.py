"""The contract of a language's safety rules file, and the set of rules files in use.

Each module in `safety/rules/languages/` (a file like `ja.py`, or a package
like `en/` when the patterns do not fit one small file) exports `RULES`, a
`LanguageRules`: that language's patterns and nothing else. The policies
(`safety.question_policy`, `safety.image_policy`, `safety.checks.*`) hold the
logic and run every language's rules on every text, because users mix
languages: a question in Japanese may come with `language=en`.

A language without a rules file is still served (English rules run on every
question), but its own phrasings are not recognised; see docs/languages.md.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from safety.rules.common import Rule
from safety.types import DisclaimerCategory

# The refusal clauses a rule can belong to, in the order of severity the question
# policy checks them (first match decides the reason).
Clause = Literal["illicit", "captcha", "identity", "sensitive_trait", "ungrounded_inference"]
CLAUSE_ORDER: tuple[Clause, ...] = (
    "illicit",
    "captcha",
    "identity",
    "sensitive_trait",
    "ungrounded_inference",
)
# Refusals with a message of their own, for rules that `refusal_for` names.
SpecialRefusal = Literal["self_harm", "harm_dose"]


@dataclass(frozen=True)
class GeneratedTextRules:
    """Patterns for sensitive inferences in a generated answer (`safety.checks.inferences`).

    A sentence (`sentence`) that attributes a trait (`trait`) to a person is
    dropped; with `person` set, only a sentence that also mentions a person.
    `adjective` (groups `article`, `trait`) and `clause` (group `verb`) allow a
    smaller edit first ("an Asian woman" → "a woman"); `origin` drops a
    sentence that infers where someone is from.
    """

    sentence: re.Pattern[str]
    trait: re.Pattern[str]
    person: re.Pattern[str] | None = None
    adjective: re.Pattern[str] | None = None
    clause: re.Pattern[str] | None = None
    origin: re.Pattern[str] | None = None


@dataclass(frozen=True)
class LanguageRules:
    """One language's safety patterns. `prepare` turns raw text into the form the
    patterns are written against, or "" when they do not apply (wrong script)."""

    tag: str
    prepare: Callable[[str], str]
    clauses: Mapping[Clause, tuple[Rule, ...]]
    disclaimer_topics: Mapping[DisclaimerCategory, re.Pattern[str]]
    # Text printed on a CAPTCHA page, and its audio-challenge link.
    captcha_page: tuple[Rule, ...] = ()
    audio_option: Rule | None = None
    # A harm topic in the photo plus a request for instructions in the question is illicit.
    harm_topic: Rule | None = None
    instruction_request: Rule | None = None
    # Rules (by name) whose refusal has its own message instead of the clause's.
    refusal_for: Mapping[str, SpecialRefusal] = field(default_factory=dict)
    generated_text: GeneratedTextRules | None = None
    # Names marked as names by an honorific (Japanese 田中さん), in generated text.
    honorific_name: re.Pattern[str] | None = None
    # Other shapes of a person's name in generated text (group `name`): a family name from
    # the language's list with a given name, a foreign name in katakana (ジョン・スミス).
    names_in_answer: tuple[re.Pattern[str], ...] = ()
    # Benign questions the learned stage must never refuse (safety.learned.must_answer): a
    # question matching `must_answer` and not `must_answer_unless` (a second ask joined to
    # it), or matching `must_answer_always` (what to do after an accident at home).
    must_answer: tuple[re.Pattern[str], ...] = ()
    must_answer_unless: re.Pattern[str] | None = None
    must_answer_always: tuple[re.Pattern[str], ...] = ()

    def answers(self, form: str) -> bool:
        """True when `form` (this language's form of a question) is a must-answer question."""
        if any(pattern.search(form) for pattern in self.must_answer_always):
            return True
        if self.must_answer_unless is not None and self.must_answer_unless.search(form):
            return False
        return any(pattern.search(form) for pattern in self.must_answer)

    def rules(self, clause: Clause) -> tuple[Rule, ...]:
        """The rules of one refusal clause (none when the language has none)."""
        return self.clauses.get(clause, ())


PreparedText = Mapping[str, str]  # language tag → the text in that language's form


_PACKAGE = "safety.rules.languages"
_lock = threading.Lock()
_current: tuple[LanguageRules, ...] | None = None


def discover_rules() -> tuple[LanguageRules, ...]:
    """Every `RULES` in `safety/rules/languages/`, English first."""
    package = importlib.import_module(_PACKAGE)
    found = [
        importlib.import_module(f"{_PACKAGE}.{module.name}").RULES
        for module in pkgutil.iter_modules(package.__path__)
    ]
    return tuple(sorted(found, key=lambda rules: (rules.tag != "en", rules.tag)))


def language_rules() -> tuple[LanguageRules, ...]:
    """The rules files in use (found on first use, then kept)."""
    global _current
    current = _current
    if current is not None:
        return current
    with _lock:
        if _current is None:
            _current = discover_rules()
        return _current


@contextmanager
def rules_with(extra: Sequence[LanguageRules]) -> Iterator[tuple[LanguageRules, ...]]:
    """Tests: run the shipped rules plus `extra` (a language not shipped), then restore."""
    global _current
    extended = (*discover_rules(), *extra)
    with _lock:
        previous, _current = _current, extended
    try:
        yield extended
    finally:
        with _lock:
            _current = previous


def prepare_text(text: str) -> PreparedText:
    """`text` in the form each language's rules match, for the languages that apply."""
    forms = {rules.tag: rules.prepare(text) for rules in language_rules()}
    return MappingProxyType({tag: form for tag, form in forms.items() if form})
