"""Finds dates, numbers, quantities and temperatures in OCR text.

Everything here is pure string work on what OCR read: nothing is guessed from
outside the text, so an answer built on these values is grounded by design.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
DATE_KEYWORDS = (
    "exp", "expires", "expiry", "expiration", "best by", "best before", "bb",
    "use by", "sell by", "bbe", "賞味期限", "消費期限", "有効期限", "使用期限",
)  # fmt: skip

_MONTH_NAME = r"(jan|feb|mar|apr|may|jun|jul|aug|sept|sep|oct|nov|dec)[a-z]*\.?"
_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ymd", re.compile(r"(?<!\d)(20\d{2})[./\-年 ](\d{1,2})[./\-月 ](\d{1,2})日?(?!\d)")),
    ("ym_ja", re.compile(r"(?<!\d)(20\d{2})年(\d{1,2})月(?!\d)")),
    (
        "dmy_name",
        re.compile(
            r"(?<!\d)(\d{1,2})[ \-./]?" + _MONTH_NAME + r"[ \-./,]*(\d{4}|\d{2})(?!\d)", re.I
        ),
    ),
    ("mdy_name", re.compile(_MONTH_NAME + r"[ \-./]?(\d{1,2})[ ,./\-]+(\d{4}|\d{2})(?!\d)", re.I)),
    ("my_name", re.compile(_MONTH_NAME + r"[ \-./,]*(20\d{2}|\d{2})(?!\d)", re.I)),
    ("mdy", re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)")),
    ("my", re.compile(r"(?<![\d/.\-])(\d{1,2})[/.\-](20\d{2}|\d{2})(?![\d/.\-])")),
)
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])")
_TEMPERATURE = re.compile(
    r"(?<![\d.])(\d{2,3})\s*(?:°|º|度|deg(?:rees)?\.?)?\s*([FC])\b|(\d{2,3})\s*(℃|℉|°)", re.I
)
_UNITS = {
    "oz": "ounces", "ounce": "ounces", "ounces": "ounces", "fl oz": "fluid ounces",
    "lb": "pounds", "lbs": "pounds", "g": "grams", "kg": "kilograms", "mg": "milligrams",
    "mcg": "micrograms", "ml": "millilitres", "l": "litres", "cal": "calories",
    "calories": "calories", "kcal": "kilocalories", "min": "minutes", "mins": "minutes",
    "minutes": "minutes", "%": "percent",
}  # fmt: skip
_QUANTITY = re.compile(
    r"(?<![\w.])(\d+(?:[.,]\d+)?(?:\s*(?:-|–|to)\s*\d+(?:[.,]\d+)?)?)\s*"
    r"(fl\.?\s*oz|ounces?|oz|lbs?|kg|mg|mcg|ml|g|l|kcal|cal(?:ories)?|min(?:ute)?s?|%)(?![a-z])",
    re.I,
)
_RANGE = re.compile(r"\s*(?:-|–|to)\s*")

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip


@dataclass(frozen=True)
class FoundDate:
    """A date read from the text; `day` is None for month-year dates like 05/2025."""

    year: int
    month: int
    day: int | None
    raw: str
    labelled: bool  # preceded by EXP, BEST BY, 賞味期限, ...


@dataclass(frozen=True)
class Quantity:
    """A number with a unit, e.g. 12 oz."""

    value: str
    unit: str  # canonical English unit name, e.g. "ounces"
    raw: str


@dataclass(frozen=True)
class Temperature:
    """A temperature read from the text, e.g. 450 °F."""

    value: int
    scale: str  # "F" or "C"
    raw: str


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def _valid(year: int, month: int, day: int | None) -> bool:
    return 1990 <= year <= 2100 and 1 <= month <= 12 and (day is None or 1 <= day <= 31)


def _labelled(text: str, start: int) -> bool:
    before = text[max(0, start - 24) : start].lower()
    return any(keyword in before for keyword in DATE_KEYWORDS)


def find_dates(text: str) -> tuple[FoundDate, ...]:
    """Return the dates in `text`, labelled ones (EXP, BEST BY, ...) first, no duplicates."""
    found: list[tuple[int, FoundDate]] = []
    taken: list[range] = []
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            span = range(match.start(), match.end())
            if any(span.start < other.stop and other.start < span.stop for other in taken):
                continue
            date = _parse(kind, match.groups())
            if date is None or not _valid(*date):
                continue
            year, month, day = date
            raw = match.group(0).strip(" ,.-")
            found.append(
                (match.start(), FoundDate(year, month, day, raw, _labelled(text, match.start())))
            )
            taken.append(span)
    found.sort(key=lambda item: (not item[1].labelled, item[0]))
    return tuple(date for _, date in found)


def _parse(kind: str, groups: tuple[str | None, ...]) -> tuple[int, int, int | None] | None:
    g = [item or "" for item in groups]
    if kind == "ymd":
        return int(g[0]), int(g[1]), int(g[2])
    if kind == "ym_ja":
        return int(g[0]), int(g[1]), None
    if kind == "dmy_name":
        return _year(g[2]), MONTHS[g[1].lower()], int(g[0])
    if kind == "mdy_name":
        return _year(g[2]), MONTHS[g[0].lower()], int(g[1])
    if kind == "my_name":
        return _year(g[1]), MONTHS[g[0].lower()], None
    if kind == "mdy":
        first, second = int(g[0]), int(g[1])
        if first > 12 >= second:  # 25/12/2024 is day-first
            first, second = second, first
        return _year(g[2]), first, second
    if kind == "my":
        return _year(g[1]), int(g[0]), None
    return None


def find_numbers(text: str) -> tuple[str, ...]:
    """Return the numbers in `text` in order of appearance, as written (e.g. "450", "12.5")."""
    numbers = []
    for match in _NUMBER.finditer(text):
        whole = match.group(1).replace(",", "")
        numbers.append(whole + ("." + match.group(2) if match.group(2) else ""))
    return tuple(numbers)


def find_quantities(text: str) -> tuple[Quantity, ...]:
    """Return numbers followed by a unit (12 OZ, 500 mg, 2 fl oz)."""
    found = []
    for match in _QUANTITY.finditer(text):
        unit_key = re.sub(r"[.\s]+", " ", match.group(2).lower()).strip()
        unit = _UNITS.get(unit_key) or _UNITS.get(unit_key.rstrip("s"), unit_key)
        value = _RANGE.sub(" to ", match.group(1))  # "12-14" is spoken "12 to 14"
        found.append(Quantity(value, unit, match.group(0).strip()))
    return tuple(found)


def find_temperatures(text: str) -> tuple[Temperature, ...]:
    """Return temperatures with a scale (450°F, 180 ℃, 350 F)."""
    found = []
    for match in _TEMPERATURE.finditer(text):
        if match.group(1):
            value, scale = int(match.group(1)), match.group(2).upper()
        else:
            value, symbol = int(match.group(3)), match.group(4)
            scale = (
                "F"
                if symbol == "℉"
                else "C"
                if symbol == "℃"
                else "F"
                if int(match.group(3)) > 120
                else "C"
            )
        found.append(Temperature(value, scale, match.group(0).strip()))
    return tuple(found)


def parse_number_words(text: str) -> int | None:
    """Turn "four hundred fifty", "three fifty" (or "450") in a question into a number.

    Oven settings and prices are spoken as pairs of two-digit groups: "three
    fifty" is 350 and "twelve fifty" 1250, so a group that starts right after a
    complete one shifts it two places ("four twenty five" is 425). None if the
    question names no number.
    """
    digits = re.search(r"(?<![\d.])(\d{2,5})(?![\d.])", text)
    if digits:
        return int(digits.group(1))
    total = 0  # thousands already closed
    value = 0  # hundreds (and shifted groups) of the current thousand
    group = 0  # the two-digit group being spoken
    shape: str | None = None  # "unit", "teen", "tens", "tens_unit" of `group`; None: none open
    seen = False
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _SMALL:
            number = _SMALL[word]
            if shape is None:
                group, shape = number, _group_shape(number)
            elif shape == "tens" and number < 10:
                group, shape = group + number, "tens_unit"
            elif number >= 10:
                # A new two-digit group after a complete one: "three | fifty".
                value, group, shape = (value + group) * 100, number, _group_shape(number)
            else:
                break  # "three five" is not one number
            seen = True
        elif word == "hundred" and seen:
            value, group, shape = max(value + group, 1) * 100, 0, None
        elif word == "thousand" and seen:
            total += max(value + group, 1) * 1000
            value, group, shape = 0, 0, None
        elif word == "and" and seen:
            continue
        elif seen:
            break
    result = total + value + group
    return result if seen and result > 0 else None


def _group_shape(number: int) -> str:
    if number < 10:
        return "unit"
    return "teen" if number < 20 else "tens"
