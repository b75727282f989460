"""Composes the local backend's spoken answer from the grounded analysis.

Order: what is wrong with the photo and how to fix it; then the answer to each
thing the user asked, in the order asked; then, at `detailed`, the context the
other analyzers found. Each block says only what an analyzer found, or says
plainly that it found nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from models.compose import findings
from models.compose.extract import find_dates, find_quantities, find_temperatures
from models.compose.intent import Intent, QuestionRoute, route_question
from models.compose.phrases import Comparison, Phrasebook
from models.compose.phrases_en import EnglishPhrasebook
from models.compose.phrases_ja import JapanesePhrasebook
from models.types import DescribeRequest, Detail, ImageAnalysis

_NUMBER_FAMILY = frozenset({"date", "temperature", "display_number", "quantity"})
_TEXT_LIMIT: dict[Detail, int | None] = {"brief": 3, "standard": 10, "detailed": None}
_QUALITY_LIMIT: dict[Detail, int | None] = {"brief": 1, "standard": 2, "detailed": None}


@dataclass(frozen=True)
class Composition:
    """The composed answer as sentences, and how to join them."""

    sentences: tuple[str, ...]
    separator: str
    language: str

    @property
    def text(self) -> str:
        """The whole answer as one string."""
        return self.separator.join(self.sentences)


@dataclass(frozen=True)
class _Block:
    intent: Intent
    sentences: tuple[str, ...]
    found: bool


def phrasebook_for(language: str) -> Phrasebook:
    """Japanese for `ja*` tags, English otherwise (the languages we write)."""
    return JapanesePhrasebook() if language.lower().startswith("ja") else EnglishPhrasebook()


# "please give me a detailed description" (shared photo 45) asks for more than the
# app's default detail setting; an explicit "brief" from the app is respected.
_DETAIL_REQUEST = re.compile(
    r"\b(in detail|detailed|describe (it|this|everything) fully|full description)\b|詳しく|詳細",
    re.IGNORECASE,
)


def asked_detail(question: str | None, detail: Detail) -> Detail:
    """Raise `standard` to `detailed` when the question itself asks for detail."""
    if detail == "standard" and question and _DETAIL_REQUEST.search(question):
        return "detailed"
    return detail


def compose_answer(request: DescribeRequest) -> Composition:
    """Build the spoken answer for `request` from its analysis only."""
    book = phrasebook_for(request.language)
    analysis = request.analysis
    detail = asked_detail(request.question, request.detail)
    route = route_question(request.question)
    issues = sorted(analysis.quality.issues, key=lambda issue: issue.score, reverse=True)
    sentences = [book.quality(issue) for issue in issues[: _QUALITY_LIMIT[detail]]]

    blocks = [_block(intent, analysis, route, detail, book) for intent in route.intents]
    if any(block.found for block in blocks if block.intent in _NUMBER_FAMILY):
        # One number question answered is enough; "no temperature found" next to
        # the oven's reading would only confuse.
        blocks = [b for b in blocks if b.found or b.intent not in _NUMBER_FAMILY]
    if detail == "brief":
        sentences.extend(block.sentences[0] for block in blocks[:2] if block.sentences)
    else:
        for block in blocks:
            sentences.extend(block.sentences)
        if blocks and not any(b.found for b in blocks) and blocks[0].intent in _NUMBER_FAMILY:
            # Nothing matched the question, but the user may still find the text useful.
            lines = findings.confident_lines(analysis)
            if lines:
                sentences.append(book.text_reads(lines[:5], max(0, len(lines) - 5)))
    if detail == "detailed":
        sentences.extend(_context(analysis, route, book, already=sentences))
    language = (
        request.language
        if book.language == "ja" or request.language.lower().startswith("en")
        else "en"
    )
    return Composition(tuple(dict.fromkeys(s for s in sentences if s)), book.separator, language)


def _block(
    intent: Intent, analysis: ImageAnalysis, route: QuestionRoute, detail: Detail, book: Phrasebook
) -> _Block:
    builders: dict[Intent, Callable[[], _Block]] = {
        "read_text": lambda: _read_text(analysis, detail, book),
        "identify": lambda: _identify(analysis, book),
        "colour": lambda: _colour(analysis, detail, book),
        "people": lambda: _people(analysis, detail, book),
        "display_number": lambda: _display_number(analysis, route, book),
        "date": lambda: _date(analysis, book),
        "temperature": lambda: _temperature(analysis, route, book),
        "quantity": lambda: _quantity(analysis, route, book),
        "describe": lambda: _describe(analysis, detail, book),
    }
    return builders[intent]()


def _no_text(analysis: ImageAnalysis, book: Phrasebook) -> str:
    return book.ocr_failed() if "ocr" in analysis.failed_analyzers else book.no_text()


def _read_text(analysis: ImageAnalysis, detail: Detail, book: Phrasebook) -> _Block:
    lines = findings.confident_lines(analysis)
    unclear = findings.unclear_lines(analysis)
    if not lines and not unclear:
        return _Block("read_text", (_no_text(analysis, book),), False)
    limit = _TEXT_LIMIT[detail]
    shown = lines[:limit] if limit is not None else lines
    out = [book.text_reads(shown, len(lines) - len(shown))] if lines else []
    if unclear and (detail != "brief" or not lines):
        out.append(book.text_unclear(unclear[:limit] if limit is not None else unclear))
    return _Block("read_text", tuple(out), True)


def _identify(analysis: ImageAnalysis, book: Phrasebook) -> _Block:
    out = []
    salient = findings.salient_text(analysis)
    if salient:
        out.append(book.salient_text(salient))
    guess = findings.object_guess(analysis, has_name=salient is not None)
    if guess:
        out.append(book.object_guess(guess.label, guess.confidence))
    # A face is often the answer to "what is this?" (a photo, a portrait, a screen).
    faces = findings.notable_faces(analysis)
    if faces:
        out.append(book.people(faces, False))
    if not out:
        out.append(book.object_unknown())
        if "ocr" in analysis.failed_analyzers:
            out.append(book.ocr_failed())
    return _Block("identify", tuple(out), bool(salient or guess or faces))


def _colour(analysis: ImageAnalysis, detail: Detail, book: Phrasebook) -> _Block:
    names = findings.dominant_colours(analysis, limit=2 if detail == "brief" else 3)
    if not names:
        return _Block("colour", (book.no_colour(),), False)
    return _Block("colour", (book.colours(names),), True)


def _people(analysis: ImageAnalysis, detail: Detail, book: Phrasebook) -> _Block:
    if not analysis.faces:
        return _Block("people", (book.no_people(),), False)
    return _Block("people", (book.people(analysis.faces, detail == "detailed"),), True)


def _display_number(analysis: ImageAnalysis, route: QuestionRoute, book: Phrasebook) -> _Block:
    found = findings.main_number(analysis)
    if found is None:
        return _Block("display_number", (book.no_number(),), False)
    value, others = found
    out = [book.display_number(value, others)]
    if route.target_number is not None:
        number = float(value)
        comparison: Comparison = (
            "at"
            if number == route.target_number
            else "below"
            if number < route.target_number
            else "above"
        )
        out.append(book.number_vs_target(value, route.target_number, comparison))
    return _Block("display_number", tuple(out), True)


def _date(analysis: ImageAnalysis, book: Phrasebook) -> _Block:
    dates = find_dates(analysis.full_text)
    if not dates:
        return _Block("date", (book.no_date(),), False)
    return _Block("date", (book.dates(dates),), True)


def _temperature(analysis: ImageAnalysis, route: QuestionRoute, book: Phrasebook) -> _Block:
    temps = find_temperatures(analysis.full_text)
    times = tuple(q for q in find_quantities(analysis.full_text) if q.unit == "minutes")
    if not temps and not times:
        if route.target_number is not None:
            # "Has the oven reached 450?": an oven display shows digits without °F.
            return _display_number(analysis, route, book)
        return _Block("temperature", (book.no_temperature(),), False)
    return _Block("temperature", (book.temperatures(temps, times),), True)


def _quantity(analysis: ImageAnalysis, route: QuestionRoute, book: Phrasebook) -> _Block:
    quantities = find_quantities(analysis.full_text)
    if route.unit_hint:
        quantities = tuple(q for q in quantities if route.unit_hint in q.unit)
    if not quantities:
        return _Block("quantity", (book.no_quantity(route.unit_hint),), False)
    return _Block("quantity", (book.quantities(quantities),), True)


def _describe(analysis: ImageAnalysis, detail: Detail, book: Phrasebook) -> _Block:
    out: list[str] = []
    identify = _identify(analysis, book)
    if identify.found:
        out.extend(identify.sentences)
    lines = findings.confident_lines(analysis)
    salient = findings.salient_text(analysis) or ""
    if lines and detail != "brief" and not all(line in salient for line in lines):
        out.append(book.text_reads(lines[:5], max(0, len(lines) - 5)))
    faces = findings.notable_faces(analysis)
    if faces:
        out.append(book.people(faces, detail == "detailed"))
    if not out:
        out.append(book.nothing_found())
    return _Block("describe", tuple(out), bool(identify.found or lines or faces))


def _context(
    analysis: ImageAnalysis, route: QuestionRoute, book: Phrasebook, *, already: list[str]
) -> list[str]:
    """Extra findings for `detailed` answers that the question did not ask for."""
    extra: list[str] = []
    asked = set(route.intents)
    if not asked & {"identify", "describe"}:
        guess = findings.object_guess(analysis)
        if guess:
            extra.append(book.object_guess(guess.label, guess.confidence))
    if "colour" not in asked:
        names = findings.dominant_colours(analysis, limit=3)
        if names:
            extra.append(book.colours(names))
    faces = findings.notable_faces(analysis)
    if "people" not in asked and "describe" not in asked and faces:
        extra.append(book.people(faces, True))
    if not asked & {"read_text", "describe"}:
        lines = findings.confident_lines(analysis)
        salient = findings.salient_text(analysis) or ""
        if lines and not all(line in salient for line in lines):
            extra.append(book.text_reads(lines, 0))
    return [sentence for sentence in extra if sentence not in already]
