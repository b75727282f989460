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
The patterns are each language's (`safety/rules/languages/`); the smaller edits
apply where a language gives them (English does).
"""

from __future__ import annotations

from safety.checks.base import Edit, TextContext
from safety.rules.language import GeneratedTextRules, language_rules

KIND = "sensitive_inference"


def _printed(term: str, context: TextContext) -> bool:
    return term.casefold() in context.ocr_text.casefold()


def _article_for(following: str) -> str:
    return "an" if following[:1].lower() in "aeiou" else "a"


def _small_edits(text: str, rules: GeneratedTextRules, context: TextContext) -> list[Edit]:
    """Edits that keep the sentence: an adjective before a person, a joined clause."""
    small: list[Edit] = []
    if rules.adjective is not None:
        for match in rules.adjective.finditer(text):
            if _printed(match.group("trait"), context):
                continue
            article = match.group("article")
            if article.lower() != "the":
                following = text[match.end() :]
                article = _article_for(following)
                if match.group("article")[0].isupper():
                    article = article.capitalize()
            small.append(Edit(match.start(), match.end(), KIND, article + " "))
    if rules.clause is not None:
        for match in rules.clause.finditer(text):
            small.append(Edit(match.start(), match.end(), KIND, match.group("verb")))
    return small


def _edits(text: str, rules: GeneratedTextRules, context: TextContext) -> list[Edit]:
    small = _small_edits(text, rules, context)
    edits = list(small)
    for sentence in rules.sentence.finditer(text):
        start, end = sentence.span()
        inside = [e for e in small if start <= e.start < end]
        origin = rules.origin.search(sentence.group()) if rules.origin is not None else None
        if origin and not any(e.start <= start + origin.start() < e.end for e in inside):
            edits.append(Edit(start, end, KIND, ""))
            continue
        for trait in rules.trait.finditer(sentence.group()):
            position = start + trait.start()
            if any(e.start <= position < e.end for e in inside) or _printed(
                trait.group(), context
            ):
                continue
            if rules.person is None or rules.person.search(sentence.group()):
                edits.append(Edit(start, end, KIND, ""))
                break
    return edits


class SensitiveInferenceCheck:
    """Find race, religion, orientation, gender-identity and health inferences about people,
    with every language's patterns (`LanguageRules.generated_text`)."""

    name = "sensitive_inferences"

    def find(self, text: str, *, context: TextContext) -> tuple[Edit, ...]:
        """Edits that remove sensitive inferences and keep visible attributes."""
        edits: list[Edit] = []
        for rules in language_rules():
            if rules.generated_text is not None:
                edits.extend(_edits(text, rules.generated_text, context))
        return tuple(edits)

    def find_conservatively(self, text: str, *, context: TextContext) -> tuple[Edit, ...]:
        """Fallback: drop every sentence that mentions a trait word at all."""
        edits: list[Edit] = []
        for rules in language_rules():
            patterns = rules.generated_text
            if patterns is None:
                continue
            edits.extend(
                Edit(m.start(), m.end(), KIND, "")
                for m in patterns.sentence.finditer(text)
                if patterns.trait.search(m.group())
            )
        return tuple(edits)
