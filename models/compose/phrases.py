"""How the local backend says what it found, in any language with a catalogue.

The composer decides *what* to say from the analysis; the `Phrasebook` says
it with the `compose.*` messages of the answer language and Babel's list,
number and date formats. Every method takes only values the analyzers found,
so a phrasebook cannot add facts of its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Literal

from models.analyzers.colours import colour_name
from models.compose.extract import FoundDate, Quantity, Temperature
from models.compose.labels import object_name
from models.guidance import guidance_in
from models.language import (
    finish_sentence,
    format_calendar_date,
    format_list,
    format_number,
    join_sentences,
    message,
    plural_message,
    sentence_separator,
    text_language,
)
from models.types import FaceAttributes, FaceBox, QualityIssue

Confidence = Literal["high", "moderate"]
Comparison = Literal["below", "at", "above"]

# Faces bigger than this share of the frame are "close to the camera"; smaller
# than the second, "far from the camera" (said at `detailed` only).
_CLOSE_FACE = 0.15
_FAR_FACE = 0.02


class Phrasebook:
    """Renders grounded findings as spoken sentences in one language."""

    def __init__(self, language: str) -> None:
        self.language = text_language(language)
        self.separator = sentence_separator(language=language)

    def _say(self, key: str, **values: object) -> str:
        return message(key, language=self.language, **values)

    def _list(self, items: Sequence[str], kind: str | None = None) -> str:
        return format_list(items, language=self.language, kind=kind)

    def _lines(self, lines: Sequence[str]) -> str:
        return self._say("grammar.line_pause").join(lines)

    def quality(self, issue: QualityIssue) -> str:
        """Say what is wrong with the photo and what to do: the same sentence as the
        JSON guidance (one table), in the answer language."""
        return finish_sentence(guidance_in(issue, language=self.language), language=self.language)

    def text_reads(self, lines: Sequence[str], more: int) -> str:
        """Read text lines aloud, with pauses; `more` lines were left out for brevity."""
        reads = finish_sentence(
            self._say("compose.text_reads", lines=self._lines(lines)), language=self.language
        )
        if not more:
            return reads
        extra = plural_message("compose.more_lines", more, language=self.language)
        return join_sentences((reads, extra), language=self.language)

    def text_unclear(self, lines: Sequence[str]) -> str:
        """Read text that OCR was not sure about, flagged as uncertain."""
        return finish_sentence(
            self._say("compose.text_unclear", lines=self._lines(lines)), language=self.language
        )

    def no_text(self) -> str:
        """No text found, and what to try: blind users often photograph the blank side."""
        return self._say("compose.no_text")

    def ocr_failed(self) -> str:
        """Say that text could not be read this time (the OCR analyzer failed)."""
        return self._say("compose.ocr_failed")

    def salient_text(self, text: str) -> str:
        """Say what the largest, most prominent text reads (a product name, a title)."""
        return self._say("compose.salient_text", text=text)

    def variant_text(self, lines: Sequence[str]) -> str:
        """Say the large lines that name the product's variety ("2%", "REDUCED FAT")."""
        return self._say("compose.variant_text", lines=self._lines(lines))

    def small_text(self, text: str) -> str:
        """Say text that covers a tiny part of the photo (a sticker), without naming
        the object from it."""
        return self._say("compose.small_text", text=text)

    def named_region(self, label: str, position: str) -> str:
        """Say where the object the question named was seen ("probably a loafer, at the
        bottom right")."""
        thing = object_name(label, language=self.language)
        return self._say("compose.named_region", thing=thing, where=self._where(position))

    def object_colours(self, names: Sequence[str]) -> str:
        """Name the colours of the named object's region, most dominant first."""
        spoken = [colour_name(name, self.language) for name in names]
        return plural_message(
            "compose.object_colours",
            len(spoken),
            language=self.language,
            colours=self._list(spoken, kind="colours"),
        )

    def photo_colours(self, names: Sequence[str]) -> str:
        """Name the whole photo's colours when the object asked about was not located."""
        spoken = [colour_name(name, self.language) for name in names]
        return plural_message(
            "compose.photo_colours",
            len(spoken),
            language=self.language,
            colours=self._list(spoken, kind="colours"),
        )

    def not_analyzed(self, analyzer: str) -> str:
        """Say that this was not looked at when the photo was described (the question
        did not need it) and the photo was not kept, so it cannot be checked now."""
        return self._say(f"compose.not_analyzed.{analyzer}")

    def named_missing(self, noun: str) -> str:
        """Say that the object the question names was not found in the photo."""
        return self._say(f"compose.named_missing.{noun}")

    def object_guess(self, label: str, confidence: Confidence) -> str:
        """Hedged statement of what the object probably is."""
        thing = object_name(label, language=self.language)
        return self._say(f"compose.object_guess.{confidence}", thing=thing)

    def object_unknown(self) -> str:
        """Say that the object could not be identified."""
        return self._say("compose.object_unknown")

    def colours(self, names: Sequence[str]) -> str:
        """Name the dominant colours, most dominant first."""
        spoken = [colour_name(name, self.language) for name in names]
        return plural_message(
            "compose.colours",
            len(spoken),
            language=self.language,
            colours=self._list(spoken, kind="colours"),
        )

    def no_colour(self) -> str:
        """Say that colours could not be determined."""
        return self._say("compose.no_colour")

    def people(self, faces: Sequence[FaceBox], detailed: bool) -> str:
        """Count faces and say where they are (never who); how near at `detailed`."""
        if len(faces) == 1:
            face = faces[0]
            size = _size_phrase(face.relative_size, self.language) if detailed else ""
            return self._say("compose.face.one", where=self._where(face.position), size=size)
        groups = Counter(face.position for face in faces)
        places = [
            plural_message(
                "compose.faces.group", number, language=self.language, where=self._where(position)
            )
            if number > 1
            else self._say("compose.faces.group_one", where=self._where(position))
            for position, number in groups.most_common()
        ]
        return plural_message(
            "compose.faces", len(faces), language=self.language, places=self._list(places)
        )

    def person_who(self, face: FaceBox, *, single: bool) -> str:
        """How a sentence refers to a described face: "the person" when there is one,
        "the person on the left" among several (a position, never an identity)."""
        if single:
            return self._say("compose.person.who")
        return self._say("compose.person.who_at", where=self._where(face.position))

    def person_nth(self, number: int) -> str:
        """"the second person from the left": for faces that share a position."""
        return self._say("compose.person.who_nth", n=format_number(number, language=self.language))

    def person_aspect(self, aspect: str, attributes: FaceAttributes | None, who: str) -> str:
        """Answer about one visible attribute ("is he smiling?"), hedged; says plainly
        when it cannot tell (a small, turned or hidden face has no attributes)."""
        value = _aspect_value(aspect, attributes)
        if aspect in ("hair", "clothing"):
            if value is None:
                return self._sentence(f"compose.person.{aspect}.unknown", who=who)
            colour = colour_name(str(value), self.language)
            return self._sentence(f"compose.person.{aspect}", who=who, colour=colour)
        state = "unknown" if value is None else ("yes" if value else "no")
        return self._sentence(f"compose.person.{aspect}.{state}", who=who)

    def person_traits(self, who: str, attributes: FaceAttributes | None) -> str | None:
        """Everything visible about one face in one hedged sentence; None when the
        face mesh could not judge anything."""
        if attributes is None:
            return None
        traits: list[str] = []
        if attributes.smiling is not None:
            traits.append(self._say(f"compose.trait.smiling.{'yes' if attributes.smiling else 'no'}"))
        if attributes.facing_camera is not None:
            facing = "yes" if attributes.facing_camera else "no"
            traits.append(self._say(f"compose.trait.facing.{facing}"))
        if attributes.eyes_closed:
            traits.append(self._say("compose.trait.eyes_closed"))
        if attributes.glasses:
            traits.append(self._say("compose.trait.dark_glasses"))
        if attributes.clothing_colour:
            colour = colour_name(attributes.clothing_colour, self.language)
            traits.append(self._say("compose.trait.clothing", colour=colour))
        sentences = []
        if traits:
            sentences.append(
                self._sentence("compose.person.traits", who=who, traits=self._list(traits))
            )
        if attributes.hair_colour:
            # Hair is the weakest attribute (docs/vision.md): its own, hedged sentence.
            sentences.append(self.person_aspect("hair", attributes, who))
        return join_sentences(sentences, language=self.language) if sentences else None

    def _sentence(self, key: str, **values: object) -> str:
        """A message that may start with a placeholder ("{who} seems ..."), capitalised."""
        text = self._say(key, **values)
        return text[:1].upper() + text[1:]

    def _where(self, position: str) -> str:
        return self._say(f"position.{position}")

    def no_people(self) -> str:
        """Say that no face was found."""
        return self._say("compose.no_people")

    def display_number(self, value: str, others: Sequence[str]) -> str:
        """Say which number the display or label shows most prominently (as printed)."""
        main = self._say("compose.display_number", value=value)
        if not others:
            return main
        extra = self._say("compose.display_number.others", numbers=self._list(list(others)))
        return join_sentences((main, extra), language=self.language)

    def number_vs_target(self, value: str, target: int, comparison: Comparison) -> str:
        """Compare the number read with the one the user asked about."""
        spoken = format_number(target, language=self.language)
        return self._say(f"compose.number_vs_target.{comparison}", target=spoken)

    def no_number(self) -> str:
        """Say that no number was found."""
        return self._say("compose.no_number")

    def dates(self, dates: Sequence[FoundDate]) -> str:
        """Say the dates found, the labelled (expiry) one first."""
        first = dates[0]
        lead = "compose.date.labelled" if first.labelled else "compose.date.found"
        text = self._say(lead, date=self._date(first), raw=first.raw)
        if len(dates) == 1:
            return text
        others = self._say(
            "compose.date.others", dates=self._list([self._date(d) for d in dates[1:3]])
        )
        return join_sentences((text, others), language=self.language)

    def _date(self, date: FoundDate) -> str:
        return format_calendar_date(
            year=date.year, month=date.month, day=date.day, language=self.language
        )

    def no_date(self) -> str:
        """Say that no date was found."""
        return self._say("compose.no_date")

    def temperatures(self, temps: Sequence[Temperature], times: Sequence[Quantity]) -> str:
        """Say the temperatures (and cooking times) printed."""
        sentences: list[str] = []
        if temps:
            degrees = [
                self._say(
                    "compose.temperature." + ("fahrenheit" if t.scale == "F" else "celsius"),
                    value=format_number(t.value, language=self.language),
                )
                for t in temps[:3]
            ]
            sentences.append(self._say("compose.temperatures", temperatures=self._list(degrees)))
        if times:
            spoken = self._list([self._quantity(q) for q in times[:3]])
            sentences.append(self._say("compose.times", times=spoken))
        return join_sentences(sentences, language=self.language)

    def _quantity(self, quantity: Quantity) -> str:
        return self._say(
            "compose.quantity", value=quantity.value, unit=quantity.unit, raw=quantity.raw
        )

    def no_temperature(self) -> str:
        """Say that no temperature was found."""
        return self._say("compose.no_temperature")

    def quantities(self, quantities: Sequence[Quantity]) -> str:
        """Say the amounts with units printed (12 ounces, 500 milligrams)."""
        spoken = self._list([self._quantity(q) for q in quantities[:3]])
        return self._say("compose.quantities", quantities=spoken)

    def no_quantity(self, unit: str | None) -> str:
        """Say that no amount (in the asked unit) was found."""
        if unit:
            return self._say("compose.no_quantity_in_unit", unit=unit)
        return self._say("compose.no_quantity")

    def nothing_found(self) -> str:
        """Say that nothing could be recognised, with a next step."""
        return self._say("compose.nothing_found")


def _aspect_value(aspect: str, attributes: FaceAttributes | None) -> bool | str | None:
    """The analyzer's judgement for one aspect; None = cannot tell."""
    if attributes is None:
        return None
    return {
        "smiling": attributes.smiling,
        "eyes": attributes.eyes_closed,
        # Only dark lenses are judged (docs/vision.md): None is "cannot tell", not "no".
        "glasses": attributes.glasses or None,
        "facing": attributes.facing_camera,
        "hair": attributes.hair_colour,
        "clothing": attributes.clothing_colour,
    }[aspect]


def _size_phrase(relative_size: float, language: str) -> str:
    if relative_size >= _CLOSE_FACE:
        return message("compose.face_size.close", language=language)
    if relative_size < _FAR_FACE:
        return message("compose.face_size.far", language=language)
    return ""
