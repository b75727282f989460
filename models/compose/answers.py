"""The answer builders: one per intent, each says only what an analyzer found.

A builder takes the `AnswerContext` and returns a `Block`: its sentences and
whether it found what was asked ("no date found" is a sentence too, but not a
finding). Builders are registered with their question patterns in
`models.compose.intents`.
"""

from __future__ import annotations

import re

from models.compose import findings
from models.compose.blocks import AnswerContext, Block
from models.compose.extract import find_dates, find_quantities, find_temperatures
from models.compose.objects import named_object
from models.compose.people import described_faces
from models.compose.phrases import Comparison
from models.types import Detail

TEXT_LIMIT: dict[Detail, int | None] = {"brief": 3, "standard": 10, "detailed": None}
# A question that already says what the item is, and asks for its brand or name.
_NAMES_THE_ITEM = re.compile(r"brand|name|kind|type|which|title|flavou?r|銘柄|ブランド|名前|種類", re.I)


def no_text(ctx: AnswerContext) -> str:
    """ "No text", or "could not read the text" when the OCR analyzer failed."""
    book = ctx.book
    return book.ocr_failed() if "ocr" in ctx.analysis.failed_analyzers else book.no_text()


def read_text(ctx: AnswerContext) -> Block:
    """The text read, confident lines first, then the unclear ones as "may say"."""
    lines = findings.confident_lines(ctx.analysis)
    unclear = findings.unclear_lines(ctx.analysis)
    if not lines and not unclear:
        return Block("read_text", (no_text(ctx),), False)
    limit = TEXT_LIMIT[ctx.detail]
    shown = lines[:limit] if limit is not None else lines
    out = [ctx.book.text_reads(shown, len(lines) - len(shown))] if lines else []
    if unclear and (ctx.detail != "brief" or not lines):
        out.append(ctx.book.text_unclear(unclear[:limit] if limit is not None else unclear))
    return Block("read_text", tuple(out), True)


def identify(ctx: AnswerContext) -> Block:
    """What the item is: its largest text, the classifier's hedged guess, a prominent face."""
    analysis, book = ctx.analysis, ctx.book
    out = []
    salient = findings.salient_text(analysis)
    guess = findings.object_guess(analysis, has_name=salient is not None)
    if salient and findings.text_is_small(analysis):
        # A sticker on a laptop does not name the laptop: a confident object comes
        # first, and the text is said as small text on it.
        if guess and guess.confidence == "high":
            out.append(book.object_guess(guess.label, guess.confidence))
            guess = None
        out.append(book.small_text(salient))
        if guess is None and not out[:-1] and not _NAMES_THE_ITEM.search(ctx.question or ""):
            # "What is this?" deserves "I can't tell"; "what brand is this vacuum?" does not.
            out.append(book.object_unknown())
    elif salient:
        out.append(book.salient_text(salient))
    unclear = findings.tall_unclear_lines(analysis) if salient else ()
    if unclear:
        out.append(book.text_unclear(unclear))
    variants = findings.variant_lines(analysis, exclude=salient or "")
    if variants:
        out.append(book.variant_text(variants))
    if guess:
        out.append(book.object_guess(guess.label, guess.confidence))
    # A face is often the answer to "what is this?" (a photo, a portrait, a screen).
    # It is said once, in its detailed form at `detailed`.
    faces = findings.notable_faces(analysis)
    if faces:
        out.append(book.people(faces, ctx.detail == "detailed"))
        if ctx.detail == "detailed":
            out.extend(person_details(ctx, aspects=()))
    if not out:
        out.append(book.object_unknown())
        if "ocr" in analysis.failed_analyzers:
            out.append(book.ocr_failed())
    if guess is None and "scene" in analysis.skipped_analyzers:
        # A follow-up on a photo that was not kept, first described for its text only.
        out.append(book.not_analyzed("scene"))
    return Block("identify", tuple(out), bool(salient or guess or faces or variants))


def colour(ctx: AnswerContext) -> Block:
    """The dominant colours; about the object the question names when there is one
    ("what colour are my shoes?": the loafer seen, or "I can't find shoes")."""
    names = findings.dominant_colours(ctx.analysis, limit=2 if ctx.detail == "brief" else 3)
    lead: list[str] = []
    named = named_object(ctx.question, ctx.analysis)
    region = findings.named_region(ctx.analysis, named.noun if named else None)
    if region is not None:
        # Seen in one part of the photo: that part's colours answer the question.
        region_colours = findings.region_colours(region, limit=2 if ctx.detail == "brief" else 3)
        if region_colours:
            return Block("colour", (ctx.book.named_region(region.label, region.position),
                                    ctx.book.object_colours(region_colours)), True)  # fmt: skip
    if named is not None:
        if named.label is None:
            lead.append(ctx.book.named_missing(named.noun))
        else:
            lead.append(ctx.book.object_guess(named.label, "moderate"))
    if not names:
        if "colours" in ctx.analysis.skipped_analyzers:
            return Block("colour", (ctx.book.not_analyzed("colours"),), False)
        return Block("colour", (*lead, ctx.book.no_colour()), False)
    if named is not None:
        # Not located: the photo's colours, said as the photo's, not as the object's.
        return Block("colour", (*lead, ctx.book.photo_colours(names)), False)
    return Block("colour", (ctx.book.colours(names),), True)


def people(ctx: AnswerContext) -> Block:
    """How many faces and where, then what is visible of each (never who).

    A question about one attribute ("is he smiling?") is answered about that
    attribute first, for each of the largest faces; "describe the person" gets
    everything the face analyzer could judge, in one hedged sentence a face."""
    faces = ctx.analysis.faces
    if not faces:
        return Block("people", (ctx.book.no_people(),), False)
    where = ctx.book.people(faces, ctx.detail == "detailed")
    if "face_attributes" in ctx.analysis.skipped_analyzers:
        return Block("people", (where, ctx.book.not_analyzed("face_attributes")), True)
    details = person_details(ctx, aspects=ctx.route.people_aspects)
    if ctx.route.people_aspects and len(faces) == 1:
        # "Is he smiling?" -> the answer first, then where the face is.
        return Block("people", (*details, where), True)
    return Block("people", (where, *details), True)


def person_details(ctx: AnswerContext, *, aspects: tuple[str, ...]) -> list[str]:
    """Sentences about the visible attributes of the largest faces (`aspects`, or all)."""
    faces = ctx.analysis.faces
    out: list[str] = []
    chosen = described_faces(faces)
    # Two described faces in the same place ("3 on the left") are told apart by
    # their order from the left instead.
    by_order = len({face.position for face in chosen}) < len(chosen)
    left_to_right = sorted(faces, key=lambda face: face.box.x)
    for face in chosen:
        if by_order:
            who = ctx.book.person_nth(left_to_right.index(face) + 1)
        else:
            who = ctx.book.person_who(face, single=len(faces) == 1)
        if aspects:
            out.extend(ctx.book.person_aspect(aspect, face.attributes, who) for aspect in aspects)
            continue
        traits = ctx.book.person_traits(who, face.attributes)
        if traits:
            out.append(traits)
    return out


def display_number(ctx: AnswerContext) -> Block:
    """The display's main number, compared with the one the user asked about."""
    found = findings.main_number(ctx.analysis)
    if found is None:
        return Block("display_number", (ctx.book.no_number(),), False)
    value, others = found
    out = [ctx.book.display_number(value, others)]
    target = ctx.route.target_number
    if target is not None:
        number = float(value)
        comparison: Comparison = (
            "at" if number == target else "below" if number < target else "above"
        )
        out.append(ctx.book.number_vs_target(value, target, comparison))
    return Block("display_number", tuple(out), True)


def date(ctx: AnswerContext) -> Block:
    """The dates printed, the labelled (expiry) one first."""
    dates = find_dates(ctx.analysis.full_text)
    if not dates:
        return Block("date", (ctx.book.no_date(),), False)
    return Block("date", (ctx.book.dates(dates),), True)


def temperature(ctx: AnswerContext) -> Block:
    """Temperatures and cooking times printed; a display reading for "has it reached 450?"."""
    temps = find_temperatures(ctx.analysis.full_text)
    times = tuple(q for q in find_quantities(ctx.analysis.full_text) if q.unit == "minutes")
    if not temps and not times:
        if ctx.route.target_number is not None:
            # "Has the oven reached 450?": an oven display shows digits without °F.
            return display_number(ctx)
        return Block("temperature", (ctx.book.no_temperature(),), False)
    return Block("temperature", (ctx.book.temperatures(temps, times),), True)


def quantity(ctx: AnswerContext) -> Block:
    """Amounts with units, in the unit asked about when there was one."""
    quantities = find_quantities(ctx.analysis.full_text)
    hint = ctx.route.unit_hint
    if hint:
        quantities = tuple(q for q in quantities if hint in q.unit)
    if not quantities:
        return Block("quantity", (ctx.book.no_quantity(hint),), False)
    return Block("quantity", (ctx.book.quantities(quantities),), True)


def describe(ctx: AnswerContext) -> Block:
    """A general description: what it is (with any prominent face), then its text."""
    out: list[str] = []
    what = identify(ctx)
    if what.found:
        out.extend(what.sentences)
    lines = findings.confident_lines(ctx.analysis)
    salient = findings.salient_text(ctx.analysis) or ""
    if lines and ctx.detail != "brief" and not all(line in salient for line in lines):
        out.append(ctx.book.text_reads(lines[:5], max(0, len(lines) - 5)))
    if not out:
        out.append(ctx.book.nothing_found())
    return Block("describe", tuple(out), bool(what.found or lines))
