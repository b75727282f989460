"""English patterns for sensitive inferences in a generated answer.

A description may say what is visible (hair, clothing, a headscarf, a
wheelchair, glasses, expression) but not race or ethnicity, religion, sexual
orientation, gender identity, health or disability, pregnancy or nationality
inferred from looks. `safety.checks.inferences` applies these, smallest edit
first: an adjective before a person noun ("an Asian woman" → "a woman"), a
clause joined to a visible fact ("looks Muslim and is wearing a headscarf" →
"is wearing a headscarf"), else the sentence is dropped.
"""

from __future__ import annotations

import re

from safety.rules.language import GeneratedTextRules

_ETHNIC = (
    r"black|white|asian|hispanic|latino|latina|latinx|african[- ]american|african|caucasian|arab"
    r"|middle[- ]eastern|indian|native american|biracial|mixed[- ]race|chinese|japanese|korean"
    r"|mexican|jewish|muslim|christian|hindu|buddhist|sikh|gay|lesbian|transgender|trans|disabled"
    r"|pregnant|autistic|foreign|immigrant"
)
_PERSON = (
    r"man|men|woman|women|person|people|guy|girl|boy|lady|child|kid|baby|teenager|teen|couple"
    r"|gentleman|individual|family"
)
_ADJECTIVE = re.compile(
    rf"(?i:\b(?P<article>an?|the) (?P<trait>(?:{_ETHNIC})) )"
    rf"(?=(?P<next>(?:young|old|older|elderly|little|tall|short|smiling|middle-aged) )?(?:{_PERSON})\b)"
)
_TRAIT_TERM = (
    r"descent|ethnicity|ethnic|heritage|race|religion|religious|asian|hispanic|latino|latina"
    r"|caucasian|african[- ]american|middle[- ]eastern|jewish|muslim|christian|hindu"
    r"|buddhist|sikh|gay|lesbian|bisexual|homosexual|queer|transgender|nonbinary|pregnant|pregnancy"
    r"|disabled|disability|down syndrome|autism|autistic|adhd|illness|ill|unwell|sick|depressed"
    r"|depression|mental health|cancer|dementia|immigrant|nationality"
)
_NATIONALITY = (
    r"chinese|japanese|korean|mexican|indian|arab|arabic|african|european|russian|filipino"
    r"|vietnamese|thai|white|black|asian"
)
# Nationality words name food, newspapers and writing too ("a Japanese newspaper"),
# so a sentence is dropped for them only when they are inferred about someone.
_ORIGIN = re.compile(
    r"(?i:\b(?:looks|appears|seems|is probably|is likely|is possibly|may be|might be|could be)"
    rf"(?: to be)?(?: of)? (?:{_NATIONALITY})\b)"
)
_HEDGE = r"(?: to (?:be|have))?(?: likely| probably| possibly)?(?: of)?"
# "looks unwell, possibly ill, and is lying" / "appears to be Indian and is smiling".
_CLAUSE = re.compile(
    rf"(?i:\b(?:looks|appears|seems|is|may be|might be){_HEDGE}"
    rf"(?:(?:[\s,]+[\w-]+){{0,3}}?[\s,]+(?:{_TRAIT_TERM})|\s(?:{_NATIONALITY}))\b"
    r"(?: descent| origin| heritage)?,? and (?P<verb>is|has|was|wears|holds)\b)"
)
_TRAIT_WORD = re.compile(r"(?i:\b(?:" + _TRAIT_TERM + r")\b)")
_PERSON_WORD = re.compile(rf"(?i:\b(?:he|she|they|his|her|their|him|them|{_PERSON})\b)")
_SENTENCE = re.compile(r"[^.!?]+[.!?]*\s*")

GENERATED_TEXT = GeneratedTextRules(
    sentence=_SENTENCE,
    trait=_TRAIT_WORD,
    person=_PERSON_WORD,
    adjective=_ADJECTIVE,
    clause=_CLAUSE,
    origin=_ORIGIN,
)
