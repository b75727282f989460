"""Check text that a generative model claims to read against the OCR.

Find, then act: `find_text_claims` returns frozen spans of claimed text
(quoted strings, "it says X", "the label reads X", "Text: X", Japanese 「X」),
`assess_claims` scores each against the OCR lines, and `apply_assessments`
hedges claims that are only similar to something OCR read and drops the
sentence of claims that nothing in the OCR resembles. Paraphrases ("it says
that you should...") are not literal text claims and are left alone. Callers
should skip this check when the OCR analyzer failed (nothing to check against).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from models.language import message

Verdict = Literal["confirmed", "hedge", "drop"]
# Similarity (0..1, see `claim_similarity`) needed to accept a claim as read, and
# below which nothing in the OCR resembles it. Between the two it is hedged:
# About one edit in five characters (after folding 0/O, 1/l/I) is OCR noise;
# more is a different word (OAT MILK vs OAK MILL).
CONFIRM_AT = 0.8
HEDGE_AT = 0.4
_MAX_OCR_CHARS = 20_000
_MAX_CLAIM_CHARS = 300

_QUOTES = r'"(?P<q1>[^"\n]{1,300})"|“(?P<q2>[^”\n]{1,300})”|«(?P<q3>[^»\n]{1,300})»'
_JA_QUOTES = r"「(?P<j1>[^」\n]{1,300})」|『(?P<j2>[^』\n]{1,300})』"
_TEXT_CUE = re.compile(
    r"\b(says?|said|reads?|read|written|printed|labell?ed|titled|spells?|states?|"
    r"text|sign|label|brand|words?|called|named|logo|caption|display|screen|shows?)\b",
    re.I,
)
_SUBJECT = (
    r"(?:it|this|that|they|the\s+(?:\w+\s+){0,2}(?:label|sign|text|screen|display|"
    r"packag\w*|box|can|bottle|note|letter|page|title|cover|heading|button|readout|sticker|"
    r"card|tag|menu|meter|thermometer|clock|front|back|top))"
)
_VERB = r"(?P<verb>says|reads|states|displays|shows|spells\s+out|is\s+written|has\s+written)"
_CUE_CLAIM = re.compile(
    _SUBJECT + r"\s+" + _VERB + r"\s*:?\s+(?P<claim>[^\s\"“«「『'][^.;!?\n]*?)"
    r"(?=\s*(?:[.;!?](?:\s|$)|\n|$))",
    re.I,
)
_LABEL_COLON = re.compile(
    r"(?m)^\s*(?:text|it says|label|sign)\s*:\s*(?P<claim>[^\"“«\n]+?)\s*$", re.I
)
_SHOW_NEEDS_DISPLAY = re.compile(r"screen|display|readout|meter|thermometer|clock", re.I)
_PARAPHRASE_START = re.compile(
    r"^(?:that|something|nothing|what|how|to|you|your|if|whether|the|a|an|some|it|this|"
    r"there|various|several|many|information|details?|instructions?)\b",
    re.I,
)
_DESCRIPTIVE_TAIL = re.compile(
    r",\s|\s(?:in|on|with|across|along|at|near|under|above|below|beside|written|printed|"
    r"next|and then)\s",
    re.I,
)
_CONFUSABLE = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l"})
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|[。！？]|\n")
_HEDGED_VERBS = {
    "says": "may say",
    "reads": "may read",
    "states": "may state",
    "displays": "may display",
    "shows": "may show",
    "is written": "may be written",
}


@dataclass(frozen=True)
class TextClaim:
    """Text the model claims to read. `start:end` spans the claim in the answer (for
    unquoted claims, the whole clause); `text` is what is checked against OCR;
    `verb_start:verb_end` is the reading verb before it (empty when there is none)."""

    start: int
    end: int
    text: str
    kind: Literal["quoted", "cue", "japanese"]
    verb_start: int = 0
    verb_end: int = 0


@dataclass(frozen=True)
class ClaimAssessment:
    """How well the OCR supports one claim, and what to do about it."""

    claim: TextClaim
    similarity: float
    verdict: Verdict


@dataclass(frozen=True)
class GroundingResult:
    """The checked answer; `removed` counts unconfirmed claims hedged or dropped."""

    text: str
    removed: int


def _sentence_bounds(text: str, index: int) -> tuple[int, int]:
    start = 0
    for match in _SENTENCE_END.finditer(text, 0, index):
        start = match.end()
    end_match = _SENTENCE_END.search(text, index)
    return start, end_match.end() if end_match else len(text)


def find_text_claims(text: str, *, language: str) -> tuple[TextClaim, ...]:
    """Find spans where the answer claims to quote text from the photo."""
    claims: list[TextClaim] = []
    for match in re.finditer(_QUOTES, text):
        group = next(g for g in ("q1", "q2", "q3") if match.group(g) is not None)
        start, end = match.span(group)
        sentence_start, _ = _sentence_bounds(text, start)
        if not _TEXT_CUE.search(text, sentence_start, start):
            continue  # scare quotes or a quoted question, not a reading of the photo
        before = re.search(_VERB + r"\s*:?\s*$", text[sentence_start : start - 1], re.I)
        verb = (
            (before.start("verb") + sentence_start, before.end("verb") + sentence_start)
            if before
            else (0, 0)
        )
        claims.append(TextClaim(start, end, match.group(group), "quoted", *verb))
    for match in re.finditer(_JA_QUOTES, text):
        group = "j1" if match.group("j1") is not None else "j2"
        start, end = match.span(group)
        claims.append(TextClaim(start, end, match.group(group), "japanese"))
    for match in _CUE_CLAIM.finditer(text):
        clause = match.group("claim").strip()
        if _PARAPHRASE_START.match(clause):
            continue
        verb_word = match.group("verb").lower()
        if verb_word in ("shows", "displays") and not _SHOW_NEEDS_DISPLAY.search(match.group(0)):
            continue  # "the photo shows a dog" is not a reading
        # Unquoted readings run on into description ("says STOP in red letters"):
        # check the words before the first descriptive connector.
        claimed = _DESCRIPTIVE_TAIL.split(clause, maxsplit=1)[0].strip() or clause
        start = match.start("claim")
        claims.append(TextClaim(start, start + len(clause), claimed, "cue", *match.span("verb")))
    for match in _LABEL_COLON.finditer(text):
        claims.append(TextClaim(*match.span("claim"), match.group("claim"), "cue"))
    claims.sort(key=lambda c: c.start)
    unique: list[TextClaim] = []
    for claim in claims:  # a span found by two patterns is one claim
        if not unique or claim.start >= unique[-1].end:
            unique.append(claim)
    return tuple(unique)


def normalize(text: str) -> str:
    """NFKC, case-folded, punctuation dropped, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in folded)
    return " ".join(kept.split())


def _best_substring_distance(needle: str, haystack: str) -> np.ndarray:
    """Edit distance of each prefix of `needle` to its closest substring of
    `haystack` (semi-global alignment, one numpy row per needle character)."""
    hay = np.frombuffer(haystack.encode("utf-32-le"), dtype=np.uint32)
    index = np.arange(len(hay) + 1)
    row = np.zeros(len(hay) + 1, dtype=np.int64)  # free start anywhere in the haystack
    best = np.zeros(len(needle) + 1, dtype=np.int64)
    for i, char in enumerate(needle, start=1):
        substitute = row[:-1] + (hay != ord(char))
        candidate = np.empty_like(row)
        candidate[0] = i
        candidate[1:] = np.minimum(row[1:] + 1, substitute)
        # insertions along the row: min over k<=j of candidate[k] + (j - k)
        row = np.minimum.accumulate(candidate - index) + index
        best[i] = row.min()
    return best


def _numbers(words: Sequence[str]) -> set[str]:
    # Digit runs of number-like words ("500", "500mg", "12"), not of words an OCR
    # slip put a digit into ("0at").
    return {
        run
        for word in words
        for run in re.findall(r"\d+", word)
        if sum(ch.isdigit() for ch in word) >= sum(ch.isalpha() for ch in word)
    }


def claim_similarity(claim: str, *, ocr_text: str) -> float:
    """0..1: how well the OCR supports `claim` (1 = read verbatim).

    The best of character similarity to the closest OCR substring (spaces ignored
    so line breaks don't matter; 0/O and 1/l/I folded as OCR confuses them) and
    the share of claim words that OCR read. A number that OCR did not read caps
    the score below confirmation: a digit off is a different dose or
    temperature, not an OCR slip.
    """
    words = normalize(claim).split()[:40]
    haystack = normalize(ocr_text)[:_MAX_OCR_CHARS]
    if not words or not haystack:
        return 0.0
    needle = "".join(words)[:_MAX_CLAIM_CHARS].translate(_CONFUSABLE)
    best = _best_substring_distance(needle, haystack.replace(" ", "").translate(_CONFUSABLE))
    char_score = 1.0 - float(best[-1]) / len(needle)
    ocr_words = set(haystack.split())
    word_score = sum(word in ocr_words for word in words) / len(words)
    score = max(char_score, word_score)
    if _numbers(words) - set(re.findall(r"\d+", haystack)):
        score = min(score, CONFIRM_AT - 0.01)
    return score


def assess_claims(
    claims: Sequence[TextClaim], *, ocr_lines: Sequence[str]
) -> tuple[ClaimAssessment, ...]:
    """Score each claim against the OCR lines and give a verdict."""
    ocr_text = "\n".join(ocr_lines)
    results = []
    for claim in claims:
        score = claim_similarity(claim.text, ocr_text=ocr_text)
        verdict: Verdict = (
            "confirmed" if score >= CONFIRM_AT else ("hedge" if score >= HEDGE_AT else "drop")
        )
        results.append(ClaimAssessment(claim=claim, similarity=round(score, 3), verdict=verdict))
    return tuple(results)


def _hedge_edits(
    text: str, claim: TextClaim, *, japanese: bool, alone: bool
) -> list[tuple[int, int, str]]:
    quote_end = claim.end + (1 if claim.kind != "cue" else 0)
    language = "ja" if japanese else "en"
    unconfirmed = message("safety.grounding.unconfirmed_text", language=language)
    if japanese:
        return [(quote_end, quote_end, unconfirmed)]
    verb = re.sub(r"\s+", " ", text[claim.verb_start : claim.verb_end]).lower()
    # "may say X, but..." only reads right when X is the sentence's only claim.
    if alone and claim.verb_end > claim.verb_start and verb in _HEDGED_VERBS:
        return [
            (claim.verb_start, claim.verb_end, _HEDGED_VERBS[verb]),
            (quote_end, quote_end, message("safety.grounding.unconfirmed_claim", language=language)),
        ]
    return [(quote_end, quote_end, unconfirmed)]


def apply_assessments(
    text: str, assessments: Sequence[ClaimAssessment], *, language: str
) -> GroundingResult:
    """Hedge or drop unconfirmed claims; confirmed claims and other text stay as they are."""
    japanese = language.lower().startswith("ja")
    drops: list[tuple[int, int]] = []
    edits: list[tuple[int, int, str]] = []
    acted = 0
    sentences = [_sentence_bounds(text, a.claim.start) for a in assessments]
    confirmed = [s for s, a in zip(sentences, assessments, strict=True) if a.verdict == "confirmed"]
    for item, sentence in zip(assessments, sentences, strict=True):
        if item.verdict == "confirmed":
            continue
        acted += 1
        # Drop the sentence, unless it also carries text that OCR confirmed.
        if item.verdict == "drop" and sentence not in confirmed:
            drops.append(sentence)
        else:
            edits.extend(
                _hedge_edits(
                    text, item.claim, japanese=japanese, alone=sentences.count(sentence) == 1
                )
            )
    edits = [e for e in edits if not any(s <= e[0] < t for s, t in drops)]
    edits.extend((s, t, "") for s, t in set(drops))
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    text = re.sub(r"[ \t]{2,}", " ", text).strip()
    if acted and not text:
        text = message("safety.grounding.nothing_confirmed", language=language)
    return GroundingResult(text=text, removed=acted)


def check_text_claims(text: str, *, ocr_lines: Sequence[str], language: str) -> GroundingResult:
    """Hedge or drop text the answer claims to read that the OCR cannot find."""
    claims = find_text_claims(text, language=language)
    if not claims:
        return GroundingResult(text=text, removed=0)
    return apply_assessments(text, assess_claims(claims, ocr_lines=ocr_lines), language=language)
