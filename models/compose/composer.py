"""Composes the local backend's spoken answer from the grounded analysis.

Order: what is wrong with the photo and how to fix it; then the answer to each
thing the user asked, in the order asked (each intent's builder, from the
registry in `models.compose.intents`); then, at `detailed`, the context the
other analyzers found. Each block says only what an analyzer found, or says
plainly that it found nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.compose import findings
from models.compose.answers import person_details
from models.compose.blocks import AnswerContext, Block, Family
from models.compose.intent import route_question
from models.compose.intents import family_of, intent_spec
from models.compose.phrases import Phrasebook
from models.types import DescribeRequest, Detail

_QUALITY_LIMIT: dict[Detail, int | None] = {"brief": 1, "standard": 2, "detailed": None}


@dataclass(frozen=True)
class Composition:
    """The composed answer as sentences, how to join them, and their language."""

    sentences: tuple[str, ...]
    separator: str
    language: str

    @property
    def text(self) -> str:
        """The whole answer as one string."""
        return self.separator.join(self.sentences)


def phrasebook_for(language: str) -> Phrasebook:
    """The phrasebook for a BCP 47 tag: its catalogue's language, else English."""
    return Phrasebook(language)


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

    ctx = AnswerContext(
        analysis=analysis, route=route, detail=detail, book=book, question=request.question
    )
    blocks = [intent_spec(intent).build(ctx) for intent in route.intents]
    if analysis.faces and {"clothing", "hair"} & set(route.people_aspects):
        # "What colour is her shirt?": the clothing colour answers it, not the whole photo's.
        blocks = [block for block in blocks if block.intent != "colour"]
    if any(block.found for block in blocks if _is_number(block)):
        # One number question answered is enough; "no temperature found" next to
        # the oven's reading would only confuse.
        blocks = [b for b in blocks if b.found or not _is_number(b)]
    if detail == "brief":
        sentences.extend(block.sentences[0] for block in blocks[:2] if block.sentences)
    else:
        for block in blocks:
            sentences.extend(block.sentences)
        if blocks and not any(b.found for b in blocks) and _is_number(blocks[0]):
            # Nothing matched the question, but the user may still find the text useful.
            lines = findings.confident_lines(analysis)
            if lines:
                sentences.append(book.text_reads(lines[:5], max(0, len(lines) - 5)))
    if detail == "detailed":
        asked = {family_of(intent) for intent in route.intents}
        sentences.extend(_context(ctx, asked, already=sentences))
    return Composition(
        tuple(dict.fromkeys(s for s in sentences if s)), book.separator, book.language
    )


def _is_number(block: Block) -> bool:
    return family_of(block.intent) == "number"


def _context(ctx: AnswerContext, asked: set[Family], *, already: list[str]) -> list[str]:
    """Extra findings for `detailed` answers, from the families the question did not ask about."""
    analysis, book = ctx.analysis, ctx.book
    extra: list[str] = []
    if not asked & {"object", "overview"}:
        guess = findings.object_guess(analysis)
        if guess:
            extra.append(book.object_guess(guess.label, guess.confidence))
    if "colour" not in asked:
        names = findings.dominant_colours(analysis, limit=3)
        if names:
            extra.append(book.colours(names))
    # "object" and "overview" answers already say a prominent face (see answers.identify).
    faces = findings.notable_faces(analysis)
    if not asked & {"people", "object", "overview"} and faces:
        extra.append(book.people(faces, True))
        extra.extend(person_details(ctx, aspects=()))
    if not asked & {"text", "overview"}:
        lines = findings.confident_lines(analysis)
        salient = findings.salient_text(analysis) or ""
        if lines and not all(line in salient for line in lines):
            extra.append(book.text_reads(lines, 0))
    return [sentence for sentence in extra if sentence not in already]
