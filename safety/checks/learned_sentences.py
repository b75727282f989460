"""Find sentences of a generated answer that infer a sensitive trait or identify a person in
words no rule lists, with the learned stage's sentence head (same embeddings as questions).

It runs after the rule checks' edits are applied, so it sees only what the
rules left. Only sentences that refer to a person are scored. A flagged
sentence is dropped whole, except when it repeats text read in the photo (a
printed name, a title): that is text, and is kept. Visible attributes (hair,
clothing, expression) are what the head was trained to leave alone.
"""

from __future__ import annotations

import re
from typing import Protocol

from safety.checks.base import Edit, TextContext
from safety.learned.model import ClassScore

INFERENCE_KIND = "sensitive_inference"
IDENTITY_KIND = "person_identification"
_KINDS = {"sensitive_inference": INFERENCE_KIND, "identification": IDENTITY_KIND}
_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*\s*")
_PERSON_EN = re.compile(
    r"(?i)\b(?:he|she|they|him|her|his|their|them|person|people|man|men|woman|women|guy|girl"
    r"|boy|lady|child|kid|baby|teenager|couple|family|individual|gentleman|someone|somebody"
    r"|this is|that is|it is|appears to be|looks like|resembl\w*)\b"
)
_PERSON_JA = re.compile(r"人|男|女|子|彼|赤ちゃん|家族|夫妻|夫婦|方|さん|氏|様")
_HEDGE_EN = re.compile(
    r"(?i)\b(?:probably|likely|possibly|perhaps|appears?|seems?|looks? like|might|may|could"
    r"|must|suggests?|judging)\b"
)
_HEDGE_JA = re.compile(r"よう|らしい|でしょう|かもしれ|と思われ|に見え|さん|氏|様|です。?$")
_NAME_LIKE = re.compile(r"(?<=[a-z,;] )[A-Z][a-z'’\-]+")


class SentenceScorer(Protocol):
    """What the check needs from the learned stage: one top class per sentence."""

    def score_sentences(self, sentences: list[str]) -> tuple[ClassScore, ...]:
        """Score sentences (ok, sensitive_inference, identification)."""
        ...


def _refers_to_person(sentence: str) -> bool:
    return bool(_PERSON_EN.search(sentence) or _PERSON_JA.search(sentence))


def _repeats_printed_text(sentence: str, context: TextContext) -> bool:
    """True when the sentence quotes a line (or a capitalised word) read in the photo."""
    folded = sentence.casefold()
    for line in context.ocr_lines:
        line = line.strip()
        shortest = 2 if any(ord(ch) > 0x3000 for ch in line) else 4  # "OK" is in every answer
        if len(line) >= shortest and line.casefold() in folded:
            return True
    printed = {word.casefold() for word in re.findall(r"\w+", context.ocr_text)}
    names = [m.group() for m in _NAME_LIKE.finditer(sentence)]
    return bool(names) and any(name.casefold() in printed for name in names)


def _sentences(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _SENTENCE.finditer(text) if m.group().strip()]


class LearnedSentenceCheck:
    """Drop person sentences the sentence head flags above its calibrated threshold."""

    name = "learned_sentences"

    def __init__(self, *, scorer: SentenceScorer) -> None:
        self._scorer = scorer

    def find(self, text: str, *, context: TextContext) -> tuple[Edit, ...]:
        """Edits that drop flagged sentences; printed text is kept."""
        candidates = [
            (start, end, sentence)
            for start, end, sentence in _sentences(text)
            if _refers_to_person(sentence) and not _repeats_printed_text(sentence, context)
        ]
        if not candidates:
            return ()
        scores = self._scorer.score_sentences([sentence.strip() for _, _, sentence in candidates])
        return tuple(
            Edit(start=start, end=end, kind=_KINDS[score.label], replacement="")
            for (start, end, _), score in zip(candidates, scores, strict=True)
            if score.label in _KINDS and score.above_threshold
        )

    def find_conservatively(self, text: str, *, context: TextContext) -> tuple[Edit, ...]:
        """Fallback without the model: drop every person sentence that hedges an inference or
        names someone (capitalised word mid-sentence) that the photo's text does not show."""
        edits = []
        for start, end, sentence in _sentences(text):
            if not _refers_to_person(sentence) or _repeats_printed_text(sentence, context):
                continue
            if (
                _HEDGE_EN.search(sentence)
                or _NAME_LIKE.search(sentence)
                or (_PERSON_JA.search(sentence) and _HEDGE_JA.search(sentence))
            ):
                edits.append(Edit(start=start, end=end, kind=INFERENCE_KIND, replacement=""))
        return tuple(edits)
