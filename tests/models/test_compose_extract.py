"""Date, number, quantity and temperature extraction from OCR text."""

from __future__ import annotations

import pytest

from models.compose.extract import (
    find_dates,
    find_numbers,
    find_quantities,
    find_temperatures,
    parse_number_words,
)

DATES = [
    # (text, expected (year, month, day) of the first date, labelled)
    ("EXP 05/2025", (2025, 5, None), True),
    ("BEST BY JUN 12 2024", (2024, 6, 12), True),
    ("best before 12 JUN 2024", (2024, 6, 12), True),
    ("USE BY 2024-11-03", (2024, 11, 3), True),
    ("賞味期限 2025.03.15", (2025, 3, 15), True),
    ("賞味期限 2025年3月", (2025, 3, None), True),
    ("LOT 2231 packed 03/14/23", (2023, 3, 14), False),
    ("25/12/2024", (2024, 12, 25), False),  # day first when the first number cannot be a month
    ("printed 01/02/2020 EXP 06/26", (2026, 6, None), True),  # the labelled one first
]


@pytest.mark.parametrize(("text", "expected", "labelled"), DATES)
def test_find_dates(text: str, expected: tuple[int, int, int | None], labelled: bool) -> None:
    dates = find_dates(text)
    assert dates, f"no date found in {text!r}"
    assert (dates[0].year, dates[0].month, dates[0].day) == expected
    assert dates[0].labelled is labelled


@pytest.mark.parametrize(
    "text",
    ["NET WT 12 OZ", "Call 555-1234", "450", "LOT 13/45", "Room 1141", "10% cream", "3.14159", ""],
)
def test_no_false_dates(text: str) -> None:
    assert find_dates(text) == (), f"{text!r} has no date"


def test_find_numbers_keeps_decimals_and_thousands() -> None:
    assert find_numbers("450 then 1,200 and 98.6") == ("450", "1200", "98.6")
    assert find_numbers("no digits here") == ()


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("NET WT 12 OZ", "12", "ounces"),
        ("16 fl oz", "16", "fluid ounces"),
        ("Ibuprofen 200 mg", "200", "milligrams"),
        ("Bake 12-14 minutes", "12 to 14", "minutes"),
        ("500ml", "500", "millilitres"),
    ],
)
def test_find_quantities(text: str, value: str, unit: str) -> None:
    (quantity,) = find_quantities(text)
    assert (quantity.value, quantity.unit) == (value, unit)


def test_quantities_need_a_unit() -> None:
    assert find_quantities("Room 1141, gate 12") == ()


@pytest.mark.parametrize(
    ("text", "value", "scale"),
    [
        ("Preheat to 425°F", 425, "F"),
        ("350 F", 350, "F"),
        ("180℃", 180, "C"),
        ("bake at 200 °C", 200, "C"),
    ],
)
def test_find_temperatures(text: str, value: int, scale: str) -> None:
    (temperature,) = find_temperatures(text)
    assert (temperature.value, temperature.scale) == (value, scale)


def test_plain_numbers_are_not_temperatures() -> None:
    assert find_temperatures("450 and 12 Fun") == ()


@pytest.mark.parametrize(
    ("question", "number"),
    [
        ("Has this oven gotten up to four hundred fifty degrees Fahrenheit yet?", 450),
        ("is it at 350 yet", 350),
        ("is it over one thousand two hundred", 1200),
        ("is it twenty five", 25),
        ("what does this say", None),
        # Oven settings are said in pairs: "three fifty" is 350, not 3 + 50.
        ("has the oven reached three fifty", 350),
        ("is it at four twenty five yet", 425),
        ("set it to three hundred and fifty", 350),
        ("is it at one fifty", 150),
        ("twelve fifty", 1250),
        ("is it over ninety", 90),
        ("is it at three", 3),
    ],
)
def test_parse_number_words(question: str, number: int | None) -> None:
    assert parse_number_words(question) == number
