"""The sentence-building interface each output language implements.

The composer decides *what* to say from the analysis; a `Phrasebook` decides
*how* to say it in one language. Every method takes only values the analyzers
found, so a phrasebook cannot add facts of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from models.compose.extract import FoundDate, Quantity, Temperature
from models.types import FaceBox, QualityIssue

Confidence = Literal["high", "moderate"]
Comparison = Literal["below", "at", "above"]


class Phrasebook(Protocol):
    """Renders grounded findings as spoken sentences in one language."""

    language: str
    separator: str  # what goes between sentences: " " in English, "" in Japanese

    def quality(self, issue: QualityIssue) -> str:
        """Say what is wrong with the photo and what to do about it."""
        ...

    def text_reads(self, lines: Sequence[str], more: int) -> str:
        """Read text lines aloud; `more` lines were left out for brevity."""
        ...

    def text_unclear(self, lines: Sequence[str]) -> str:
        """Read text that OCR was not sure about, flagged as uncertain."""
        ...

    def no_text(self) -> str:
        """Say that no readable text was found."""
        ...

    def ocr_failed(self) -> str:
        """Say that text could not be read this time (the OCR analyzer failed)."""
        ...

    def salient_text(self, text: str) -> str:
        """Say what the largest, most prominent text reads (a product name, a title)."""
        ...

    def object_guess(self, label: str, confidence: Confidence) -> str:
        """Hedged statement of what the object probably is."""
        ...

    def object_unknown(self) -> str:
        """Say that the object could not be identified."""
        ...

    def colours(self, names: Sequence[str]) -> str:
        """Name the dominant colours, most dominant first."""
        ...

    def no_colour(self) -> str:
        """Say that colours could not be determined."""
        ...

    def people(self, faces: Sequence[FaceBox], detailed: bool) -> str:
        """Count faces and say where they are (never who)."""
        ...

    def no_people(self) -> str:
        """Say that no face was found."""
        ...

    def display_number(self, value: str, others: Sequence[str]) -> str:
        """Say which number the display or label shows most prominently."""
        ...

    def number_vs_target(self, value: str, target: int, comparison: Comparison) -> str:
        """Compare the number read with the one the user asked about."""
        ...

    def no_number(self) -> str:
        """Say that no number was found."""
        ...

    def dates(self, dates: Sequence[FoundDate]) -> str:
        """Say the dates found, the labelled (expiry) one first."""
        ...

    def no_date(self) -> str:
        """Say that no date was found."""
        ...

    def temperatures(self, temps: Sequence[Temperature], times: Sequence[Quantity]) -> str:
        """Say the temperatures (and cooking times) printed."""
        ...

    def no_temperature(self) -> str:
        """Say that no temperature was found."""
        ...

    def quantities(self, quantities: Sequence[Quantity]) -> str:
        """Say the amounts with units printed (12 ounces, 500 milligrams)."""
        ...

    def no_quantity(self, unit: str | None) -> str:
        """Say that no amount (in the asked unit) was found."""
        ...

    def nothing_found(self) -> str:
        """Say that nothing could be recognised, with a next step."""
        ...
