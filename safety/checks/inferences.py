"""Find sensitive inferences about depicted people in generated text.

Policy: a description may say what is visible (hair, clothing, a headscarf, a
wheelchair, glasses, expression) but not race or ethnicity, religion, sexual
orientation, gender identity, health or disability, pregnancy or nationality
inferred from looks. Three shapes are handled, smallest edit first:

* an adjective before a person noun: "an Asian woman" -> "a woman";
* a clause joined to a visible fact: "She looks Muslim and is wearing a
  headscarf" -> "She is wearing a headscarf";
* any other sentence that attributes such a trait to a person is dropped.

Words that also appear in the text read from the photo are left alone (a book
title, a sign). Each edit is reported as a `sensitive_inference` redaction.
"""

from __future__ import annotations

import re

from safety.checks.base import Edit, TextContext

KIND = "sensitive_inference"

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
_JA_TRAIT = re.compile(
    r"中国人|韓国人|日本人|外国人|黒人|白人|アジア系|ヒスパニック|イスラム教徒|キリスト教徒|ユダヤ教徒"
    r"|同性愛|ゲイ|レズビアン|トランスジェンダー|妊娠|障害(?!物)|障がい|病気|うつ病|自閉症|ダウン症"
)
_JA_SENTENCE = re.compile(r"[^。！？]+[。！？]?")


def _printed(term: str, context: TextContext) -> bool:
    return term.casefold() in context.ocr_text.casefold()


def _article_for(following: str) -> str:
    return "an" if following[:1].lower() in "aeiou" else "a"


class SensitiveInferenceCheck:
    """Find race, religion, orientation, gender-identity and health inferences about people."""

    name = "sensitive_inferences"

    def _english_edits(self, text: str, context: TextContext) -> list[Edit]:
        small: list[Edit] = []
        for match in _ADJECTIVE.finditer(text):
            if _printed(match.group("trait"), context):
                continue
            article = match.group("article")
            if article.lower() != "the":
                following = text[match.end() :]
                article = _article_for(following)
                if match.group("article")[0].isupper():
                    article = article.capitalize()
            small.append(Edit(match.start(), match.end(), KIND, article + " "))
        for match in _CLAUSE.finditer(text):
            small.append(Edit(match.start(), match.end(), KIND, match.group("verb")))
        edits = list(small)
        for sentence in _SENTENCE.finditer(text):
            start, end = sentence.span()
            inside = [e for e in small if start <= e.start < end]
            origin = _ORIGIN.search(sentence.group())
            if origin and not any(e.start <= start + origin.start() < e.end for e in inside):
                edits.append(Edit(start, end, KIND, ""))
                continue
            for trait in _TRAIT_WORD.finditer(sentence.group()):
                position = start + trait.start()
                if any(e.start <= position < e.end for e in inside) or _printed(
                    trait.group(), context
                ):
                    continue
                if _PERSON_WORD.search(sentence.group()):
                    edits.append(Edit(start, end, KIND, ""))
                    break
        return edits

    def _japanese_edits(self, text: str, context: TextContext) -> list[Edit]:
        edits: list[Edit] = []
        for sentence in _JA_SENTENCE.finditer(text):
            trait = _JA_TRAIT.search(sentence.group())
            if trait and not _printed(trait.group(), context):
                edits.append(Edit(sentence.start(), sentence.end(), KIND, ""))
        return edits

    def find(self, text: str, *, context: TextContext) -> tuple[Edit, ...]:
        """Edits that remove sensitive inferences and keep visible attributes."""
        return tuple(self._english_edits(text, context) + self._japanese_edits(text, context))

    def find_conservatively(self, text: str, *, context: TextContext) -> tuple[Edit, ...]:
        """Fallback: drop every sentence that mentions a trait word at all."""
        edits = [
            Edit(m.start(), m.end(), KIND, "")
            for m in _SENTENCE.finditer(text)
            if _TRAIT_WORD.search(m.group())
        ]
        edits += [
            Edit(m.start(), m.end(), KIND, "")
            for m in _JA_SENTENCE.finditer(text)
            if _JA_TRAIT.search(m.group())
        ]
        return tuple(edits)
