"""English sentences for the local backend's answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from models.compose.extract import FoundDate, Quantity, Temperature
from models.compose.phrases import Comparison, Confidence
from models.types import FaceBox, QualityIssue

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip


_MASS_NOUNS = frozenset({
    "red wine", "espresso", "guacamole", "ice cream", "eggnog", "lotion", "sunscreen",
    "hay", "wool", "dough", "consomme", "chocolate sauce", "hot pot", "trifle", "mashed potato",
})  # fmt: skip


def with_article(label: str) -> str:
    """Return "a mug" / "an orange"; plurals and mass nouns ("red wine") stay bare."""
    if label in _MASS_NOUNS or (label.endswith("s") and not label.endswith("ss")):
        return label
    return ("an " if label[:1].lower() in "aeiou" else "a ") + label


def list_words(items: Sequence[str]) -> str:
    """Join items as spoken English: "a", "a and b", "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def position_phrase(position: str) -> str:
    """Turn a frame position ("top right", "centre") into "at the top right"."""
    if position == "centre":
        return "in the centre"
    if position in ("left", "right"):
        return "on the " + position
    return "at the " + position


def format_date(date: FoundDate) -> str:
    """Spell a date the way a screen reader says it well: "12 June 2024" or "May 2025"."""
    month = _MONTH_NAMES[date.month - 1]
    return f"{date.day} {month} {date.year}" if date.day else f"{month} {date.year}"


class EnglishPhrasebook:
    """English phrasing; short sentences that a screen reader speaks well."""

    language = "en"
    separator = " "

    def quality(self, issue: QualityIssue) -> str:
        """Use the analyzer's own guidance: it is written for the user already."""
        return _sentence(issue.guidance)

    def text_reads(self, lines: Sequence[str], more: int) -> str:
        """Read lines, separated by pauses."""
        body = "; ".join(lines)
        tail = (
            f" There {'is' if more == 1 else 'are'} {more} more line{'s' if more != 1 else ''}."
            if more
            else ""
        )
        return f"The text reads: {_sentence(body)}{tail}"

    def text_unclear(self, lines: Sequence[str]) -> str:
        """Flag low-confidence words."""
        return f"Some text is hard to make out; it may say: {_sentence('; '.join(lines))}"

    def no_text(self) -> str:
        """No text found, and what to try: blind users often photograph the blank side."""
        return (
            "I could not find any readable text. If you expected some, the side facing the camera "
            "may be blank: try turning the item over or around."
        )

    def ocr_failed(self) -> str:
        """OCR failed."""
        return "I could not read the text this time; please try again."

    def salient_text(self, text: str) -> str:
        """The biggest text, usually a brand or product name."""
        return f'The largest text on it reads "{text}".'

    def object_guess(self, label: str, confidence: Confidence) -> str:
        """Hedged object name."""
        if confidence == "high":
            return f"It looks like {with_article(label)}."
        return f"It is probably {with_article(label)}, but I am not sure."

    def object_unknown(self) -> str:
        """Unknown object."""
        return "I can't tell what the object is."

    def colours(self, names: Sequence[str]) -> str:
        """Dominant colours."""
        if len(names) == 1:
            return f"The main colour is {names[0]}."
        return f"The main colours are {list_words(names)}."

    def no_colour(self) -> str:
        """No colour result."""
        return "I could not tell the colour."

    def people(self, faces: Sequence[FaceBox], detailed: bool) -> str:
        """Face count and positions."""
        count = len(faces)
        if count == 1:
            face = faces[0]
            size = _size_phrase(face.relative_size) if detailed else ""
            return f"I can see one person's face {position_phrase(face.position)}{size}."
        groups = Counter(face.position for face in faces)
        places = [
            f"{number} {position_phrase(position)}"
            if number > 1
            else f"one {position_phrase(position)}"
            for position, number in groups.most_common()
        ]
        return f"I can see {count} people's faces: {list_words(places)}."

    def no_people(self) -> str:
        """No faces."""
        return "I can't see anyone's face in the photo."

    def display_number(self, value: str, others: Sequence[str]) -> str:
        """The most prominent number."""
        extra = f" I can also see {list_words(list(others))}." if others else ""
        return f"The largest number I can read is {value}.{extra}"

    def number_vs_target(self, value: str, target: int, comparison: Comparison) -> str:
        """Compare with the number the user asked about."""
        if comparison == "at":
            return f"That matches the {target} you asked about."
        word = "below" if comparison == "below" else "above"
        return f"That is {word} the {target} you asked about."

    def no_number(self) -> str:
        """No number."""
        return "I could not find a number in the photo."

    def dates(self, dates: Sequence[FoundDate]) -> str:
        """Dates, labelled first."""
        first = dates[0]
        lead = "The expiry date printed is" if first.labelled else "I found a date:"
        text = f'{lead} {format_date(first)} (printed as "{first.raw}").'
        if len(dates) > 1:
            text += " Other dates: " + list_words([format_date(d) for d in dates[1:3]]) + "."
        return text

    def no_date(self) -> str:
        """No date."""
        return "I could not find a date in the text I can read."

    def temperatures(self, temps: Sequence[Temperature], times: Sequence[Quantity]) -> str:
        """Temperatures and times."""
        degrees = [
            f"{t.value} degrees {'Fahrenheit' if t.scale == 'F' else 'Celsius'}" for t in temps[:3]
        ]
        text = f"The temperature printed is {list_words(degrees)}." if degrees else ""
        if times:
            spoken = list_words([f"{q.value} {q.unit}" for q in times[:3]])
            text += (" " if text else "") + f"The time printed is {spoken}."
        return text

    def no_temperature(self) -> str:
        """No temperature."""
        return "I could not find a temperature in the text I can read."

    def quantities(self, quantities: Sequence[Quantity]) -> str:
        """Amounts with units."""
        spoken = list_words([f"{q.value} {q.unit}" for q in quantities[:3]])
        return f"The label says {spoken}."

    def no_quantity(self, unit: str | None) -> str:
        """No amount."""
        return (
            f"I could not find an amount in {unit} in the text."
            if unit
            else "I could not find an amount in the text."
        )

    def nothing_found(self) -> str:
        """Nothing recognised."""
        return (
            "I can't make out anything in this photo. "
            "Try again with the object centred and well lit."
        )


def _size_phrase(relative_size: float) -> str:
    if relative_size >= 0.15:
        return ", close to the camera"
    if relative_size < 0.02:
        return ", far from the camera"
    return ""


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
