"""Selects the grounded findings an answer may use: confident text, the most
prominent words, a hedged object guess, dominant colours, the main number.

Thresholds are deliberately conservative: an answer that says "I can't tell"
is better for a blind user than a confident wrong one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.compose.extract import find_numbers
from models.compose.phrases import Confidence
from models.types import FaceBox, ImageAnalysis, ObjectRegion, TextLine

CONFIDENT_TEXT = 0.75  # OCR line confidence read as-is; 0.5-0.75 is read as "may say"
SCENE_HIGH = 0.6  # "It looks like a mug."
SCENE_MODERATE = 0.35  # "It is probably a mug, but I am not sure."; below: say nothing
# The centre crop's label replaces the frame's only from this probability: below it,
# centre guesses on the shared photos were mostly wrong (a key as "rubber eraser"
# 0.36, a star as "hair clip" 0.51, a mug as "adhesive bandage" 0.45; test table in
# tests/models/test_compose_objects.py).
SCENE_CENTRE = 0.6
MIN_COLOUR_FRACTION = 0.1
UNPROMPTED_FACE_SIZE = 0.02
# Issues that make the classifier's top guess unreliable: its confidence is lowered one step.
_DEGRADING = frozenset({"blurry", "too_dark", "too_bright", "obstructed", "glare"})
# A name has letters (or kana/kanji): "00" or "3003" on a label is not a product name.
_NAMELIKE = re.compile(r"[A-Za-z\u3040-\u30ff\u4e00-\u9fff]{2,}")
_MAX_NAME_WORDS = 6  # longer lines are sentences of small print, not names
SCENE_CERTAIN = 0.9  # said as "looks like" even next to a name read from the label
SCENE_WITH_TEXT = 0.6  # with a readable name, the classifier only adds a strong guess
# Text covering less of the frame than this is a sticker or small print on a larger
# object: it never names the object (the laptop's "CORE i5" sticker, r08: 0.003).
# The photos that set it are in tests/models/test_compose_objects.py.
SMALL_TEXT_AREA = 0.05
# Classes that are printed matter: without any text read they are a guess from
# shape alone (the framed painting in shared photo 15 is "book cover" 0.68).
_PRINTED = frozenset({"book cover", "comic book", "menu", "website", "envelope", "crossword"})


@dataclass(frozen=True)
class ObjectGuess:
    """The classifier's top label with how strongly the answer may say it."""

    label: str
    confidence: Confidence


def is_confident(line: TextLine) -> bool:
    """A line that may be read out as it is: confident, and not nonsense.

    `plausible=False` (no dictionary word, English or Japanese, and read with
    confidence < 0.95: "CrWindowe; Lrepalr detaile") is said only as "it may say"."""
    return line.confidence >= CONFIDENT_TEXT and line.plausible


def confident_lines(analysis: ImageAnalysis) -> tuple[str, ...]:
    """OCR lines read with enough confidence to be read out as they are."""
    return tuple(line.text for line in analysis.text_lines if is_confident(line))


def unclear_lines(analysis: ImageAnalysis) -> tuple[str, ...]:
    """OCR lines read with low confidence or reading as nonsense: said only as "it may say"."""
    return tuple(line.text for line in analysis.text_lines if not is_confident(line))


# Words that tell one variety of a product from another ("which milk is it?"):
# 2 %, reduced fat, decaf, sugar free ... A percentage on its own is not a name
# (no letters), so `salient_text` never says it.
_VARIANT = re.compile(
    r"\d+(?:[.,]\d+)?\s*%|\b(reduced|low|non)[- ]?fat\b|\bfat[- ]free\b|\bwhole\b|\bskim"
    r"|\bdecaf|\bdiet\b|\bzero\b|sugar[- ]free|unsweetened|unsalted|\blite?\b|\blight\b"
    r"|無脂肪|低脂肪|無糖|減塩|カフェインレス|ゼロ",
    re.IGNORECASE,
)
# A variant line is said when it is at least this share of the tallest line's height:
# "2%" on the milk carton r05 (held-out) is the tallest line; "2% REDUCED FAT" on
# shared 67 is 0.30 of "MILK"; the small print "37% LESS FAT ..." (0.18) is not said.
VARIANT_MIN_HEIGHT = 0.25


def variant_lines(analysis: ImageAnalysis, *, exclude: str = "") -> tuple[str, ...]:
    """Large confident lines that name a product's variety (2 %, reduced fat, decaf),
    tallest first, at most two, leaving out what `exclude` already says."""
    lines = [line for line in analysis.text_lines if is_confident(line)]
    if not lines:
        return ()
    tallest = max(_height(line) for line in lines)
    found = sorted(
        (line for line in lines
         if _VARIANT.search(line.text) and line.text not in exclude
         and len(line.text.split()) <= _MAX_NAME_WORDS - 1
         and _height(line) >= VARIANT_MIN_HEIGHT * tallest),
        key=_height, reverse=True,
    )  # fmt: skip
    return tuple(dict.fromkeys(line.text for line in found))[:2]


def salient_text(analysis: ImageAnalysis, *, max_lines: int = 2) -> str | None:
    """The tallest confident name-like lines (a brand, a title); None without any.

    Box height is the best cue OCR gives for "what the label is about": product
    names are printed largest. Lines under 70 % of the tallest one are left out,
    so small print never passes for the name; they are spoken in reading order.
    """
    lines = [
        line for line in analysis.text_lines
        if is_confident(line) and _NAMELIKE.search(line.text)
        and len(line.text.split()) <= _MAX_NAME_WORDS
    ]  # fmt: skip
    if not lines:
        return None
    tallest = max(_height(line) for line in lines)
    if tallest <= 0:
        return lines[0].text
    chosen = sorted(
        (line for line in lines if _height(line) >= 0.7 * tallest), key=_height, reverse=True
    )
    keep = {id(line) for line in chosen[:max_lines]}
    return " ".join(line.text for line in lines if id(line) in keep)


def object_guess(analysis: ImageAnalysis, *, has_name: bool = False) -> ObjectGuess | None:
    """The top scene label, hedged; None when the classifier is not sure enough.

    ImageNet classes often miss on close-up labels (a liqueur bottle scores as
    "pill bottle"), so when a name was read the guess must be strong and is
    still said as "probably".
    """
    if not analysis.scene:
        return None
    top = max(analysis.scene, key=lambda label: label.probability)
    label, probability = top.label, top.probability
    main = analysis.main_object
    centre_only = False
    if (
        not has_name
        and main is not None
        and main.probability > probability
        and main.probability >= SCENE_CENTRE
    ):
        # Without a name read, a confident centre crop names a smaller object in the
        # middle (the squirrel, the cat); said as "probably" at most.
        label, probability, centre_only = main.label, main.probability, True
    if label in _PRINTED and not analysis.text_lines:
        return None
    degraded = centre_only or any(issue.kind in _DEGRADING for issue in analysis.quality.issues)
    if has_name:
        if probability >= SCENE_CERTAIN and not degraded:
            return ObjectGuess(label, "high")
        return ObjectGuess(label, "moderate") if probability >= SCENE_WITH_TEXT else None
    if probability >= SCENE_HIGH and not degraded:
        return ObjectGuess(label, "high")
    if probability >= SCENE_MODERATE:
        return ObjectGuess(label, "moderate")
    return None


def text_is_small(analysis: ImageAnalysis) -> bool:
    """The text read covers a tiny part of the photo (a sticker, small print).

    0.0 with lines read means "not measured" (analyses stored before the field)."""
    area = analysis.text_area_fraction
    return bool(analysis.text_lines) and 0.0 < area < SMALL_TEXT_AREA


def dominant_colours(analysis: ImageAnalysis, *, limit: int) -> tuple[str, ...]:
    """Names of the dominant colours, most dominant first, without repeats."""
    names = [c.name for c in sorted(analysis.colours, key=lambda c: c.fraction, reverse=True)
             if c.fraction >= MIN_COLOUR_FRACTION]  # fmt: skip
    return tuple(dict.fromkeys(names))[:limit]


def main_number(analysis: ImageAnalysis) -> tuple[str, tuple[str, ...]] | None:
    """The number in the tallest confident line (a display's reading) and other numbers seen."""
    candidates: list[tuple[int, str]] = []
    others: list[str] = []
    for line in analysis.text_lines:
        if line.confidence < CONFIDENT_TEXT:  # a display's digits are no dictionary words
            continue
        numbers = find_numbers(line.text)
        if numbers:
            candidates.append((_height(line), numbers[0]))
            others.extend(numbers[1:])
    if not candidates:
        return None
    candidates.sort(key=lambda item: item[0], reverse=True)
    value = candidates[0][1]
    rest = [number for _, number in candidates[1:]] + others
    return value, tuple(number for number in dict.fromkeys(rest) if number != value)[:3]


def notable_faces(analysis: ImageAnalysis) -> tuple[FaceBox, ...]:
    """Faces large enough to mention when the user did not ask about people.

    A face detector's false positives are nearly all tiny boxes; a face under
    2 % of the frame is reported only when asked about.
    """
    return tuple(face for face in analysis.faces if face.relative_size >= UNPROMPTED_FACE_SIZE)


def _height(line: TextLine) -> int:
    return line.box.height if line.box else 0


def tall_unclear_lines(analysis: ImageAnalysis) -> tuple[str, ...]:
    """Unclear lines printed as large as the name (a title misread as "CORCERY",
    shared 32): said as "it may say" beside the name rather than dropped."""
    lines = [line for line in analysis.text_lines if is_confident(line)]
    tallest = max((_height(line) for line in lines), default=0)
    if tallest <= 0:
        return ()
    return tuple(
        line.text for line in analysis.text_lines
        if not is_confident(line) and line.confidence >= 0.5
        and _height(line) >= 0.7 * tallest and _NAMELIKE.search(line.text)
    )  # fmt: skip


# The named object's best tile must score this much to be said with its own colours
# (tests/models/test_compose_objects.py lists the photos that set it).
REGION_SEEN = 0.3


def named_region(analysis: ImageAnalysis, noun: str | None) -> ObjectRegion | None:
    """The region found for the object the question names, when it was seen clearly."""
    region = analysis.named_region
    if noun is None or region is None or region.noun != noun:
        return None
    return region if region.probability >= REGION_SEEN else None


def region_colours(region: ObjectRegion, *, limit: int) -> tuple[str, ...]:
    """The dominant colour names of the named object's region, most dominant first."""
    names = [c.name for c in sorted(region.colours, key=lambda c: c.fraction, reverse=True)
             if c.fraction >= MIN_COLOUR_FRACTION]  # fmt: skip
    return tuple(dict.fromkeys(names))[:limit]
