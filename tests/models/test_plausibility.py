"""Garbled OCR lines are flagged, real ones are not (models/analyzers/plausibility.py).

Threshold table: which photos set each value (the OCR lines of the 23 labelled
shared photos, bench/ocr.py prints the split)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from models.analyzers.plausibility import Plausibility, PlausibilityThresholds

THRESHOLDS = [
    (
        "sure_confidence",
        0.95,
        "brand names without dictionary words are read at >= 0.97 (Cheerios 34, KIRKLAND 46, "
        "Sealtest 04); the garbled 'MK' (0.67) and 'WSHSdKSXX' (0.74, 68) are below",
    ),
    ("min_latin_word", 3, "two-letter fragments ('MK', 'RB' on 67) match some dictionary entry"),
    ("min_japanese_word", 2, "single kanji read from textures are dictionary entries"),
]


@pytest.mark.parametrize(("name", "value", "photos"), THRESHOLDS)
def test_threshold_table(name: str, value: float, photos: str) -> None:
    assert getattr(PlausibilityThresholds(), name) == value, photos


@pytest.fixture(scope="module")
def judge() -> Iterator[Plausibility]:
    yield Plausibility()


CASES = [
    # (text, confidence, plausible): the cases that must NOT be flagged come first.
    ("Red River Farms", 0.7, True),
    ("Take 1/2 tablet daily", 0.6, True),
    ("450", 0.62, True),
    ("Cheerios", 0.99, True),  # a brand: sure enough
    ("おいしい緑茶", 0.7, True),
    ("賞味期限 2026.03.01", 0.65, True),
    ("キャラメル", 0.66, True),
    ("CrWindowe; Lrepalr detaile", 0.72, False),  # issue 12's example
    ("WSHSdKSXX", 0.74, False),
    ("MK", 0.67, False),
    ("川一口", 0.7, False),  # single kanji from a carpet
    ("ヰ", 0.7, False),
]


@pytest.mark.parametrize(("text", "confidence", "plausible"), CASES)
def test_lines(judge: Plausibility, text: str, confidence: float, plausible: bool) -> None:
    assert judge.is_plausible(text, confidence) is plausible
