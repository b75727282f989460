"""Benign questions that the learned stage must never refuse.

Issue 10's benign questions about people: clothes, expression, what they hold,
how many, where, child or adult; also text about a person (who a letter is
from) and what to do after an accident at home (swallowed, spilled). The
patterns live in the language layer, one list per language
(`LanguageRules.must_answer`, in `safety/rules/languages/`); this module only
applies them. They only stop the learned stage; the rules still refuse what
they refuse.
"""

from __future__ import annotations

from safety.rules.language import language_rules


def must_answer(*, english: str, japanese: str) -> bool:
    """True when the normalised question is one of the benign questions: a question in
    Japanese script is judged by the Japanese list, any other by the English list (the
    script decides, as for the rules)."""
    tag, form = ("ja", japanese) if japanese else ("en", english)
    return any(rules.answers(form) for rules in language_rules() if rules.tag == tag)
