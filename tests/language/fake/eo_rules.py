"""The fake third language's safety rules file (Esperanto, tests only).

It would live in safety/rules/languages/eo.py if the language shipped.
"""

from __future__ import annotations

import re

from safety.normalize import normalize_words
from safety.rules.common import rule
from safety.rules.language import LanguageRules

RULES = LanguageRules(
    tag="eo",
    prepare=normalize_words,
    clauses={
        # "kiu estas tiu?" (who is that?), but not "kiu estas en la foto?" (who is in it?).
        "identity": (rule("kiu_estas_eo", r"\bkiu estas (?:tiu|ĉi tiu|li|ŝi)\b"),),
    },
    disclaimer_topics={"medication": re.compile(r"\b(?:pilolo|piloloj|medikamento|dozo)\b")},
)
