"""Text claims in generated answers checked against OCR: tables of what changes
and, as importantly, what must not."""

from __future__ import annotations

import dataclasses

import pytest

from safety.grounding import (
    GroundingResult,
    assess_claims,
    check_text_claims,
    claim_similarity,
    find_text_claims,
)

OCR = ("SMITH'S OAT MILK", "Best before 12/2026", "Organic", "Keep refrigerated")
OCR_NOISY = ("SMlTH'S 0AT MlLK", "Best bef0re 12/2026")
OCR_JA = ("オーツミルク", "賞味期限 2026.12.01")

UNTOUCHED = [
    # exact and OCR-noisy readings are confirmed
    ('The label says "SMITH\'S OAT MILK".', OCR),
    ('The label says "Smith\'s Oat Milk" and "Organic".', OCR),
    ('The label says "SMITH\'S OAT MILK".', OCR_NOISY),
    ("It says Best before 12/2026.", OCR),
    ("It says Best before 12/2026.", OCR_NOISY),
    ('The carton reads: "Keep refrigerated".', OCR),
    ('It says "Oat milk, organic".', ("OAT MILK", "ORGANIC")),          # lines re-ordered
    ('It says "Keep refrigera ted".', OCR),                               # split word
    ("Text: Vanilla flavour", ("Vanilla flavor",)),                       # spelling variant
    ('The label says "Aspirin 500 mg".', ("ASPIRIN", "500mg")),
    ("The screen displays 12:45.", ("12:45",)),
    ('The sign says "SMITHS OAT MILK".', OCR),
    ("The sign says Organic in large green letters.", OCR),
    # not text claims at all
    ("The photo shows a carton of milk on a table.", OCR),
    ('The dog looks "happy".', ()),
    ("It says that the milk should be kept cold.", ()),
    ("The label says something about oats.", ()),
    ('You asked "what is this?"; it is a carton.', ()),
    ("I could not read any text.", ()),
    ("A person is standing on the left, smiling.", ()),
    ("The screen is dark.", ()),
    # Japanese readings that OCR confirms
    ("ラベルには「オーツミルク」と書いてあります。", OCR_JA),
    ("「賞味期限 2026.12.01」と書いてあります。", OCR_JA),
]


@pytest.mark.parametrize(("text", "ocr"), UNTOUCHED)
def test_untouched(text: str, ocr: tuple[str, ...]) -> None:
    language = "ja" if any("\u3040" <= ch <= "\u9fff" for ch in text) else "en"
    assert check_text_claims(text, ocr_lines=ocr, language=language) == GroundingResult(text, 0)


CHANGED = [
    # nothing like it in the OCR: the sentence goes
    ('The label says "ALMOND DRINK". It is a carton.', OCR, "It is a carton.", 1),
    ("It is a carton. The sign says CLOSED. Hold the phone higher.", OCR,
     "It is a carton. Hold the phone higher.", 1),
    ('It says "Vanilla".', (), "I couldn't confirm any text in this photo.", 1),
    # similar but not the same: hedged
    ('The label says "OAK MILL".', OCR,
     'The label may say "OAK MILL", but I couldn\'t confirm it.', 1),
    ("It says Best before 12/2025.", OCR,
     "It may say Best before 12/2025, but I couldn't confirm it.", 1),
    ("The display shows 350°F.", ("450°F",),
     "The display may show 350°F, but I couldn't confirm it.", 1),
    ("The display shows 350 degrees. Hold steady.", ("450°F",), "Hold steady.", 1),
    ('The label says "Aspirin 500 mg".', ("ASPIRIN", "50 mg"),
     'The label may say "Aspirin 500 mg", but I couldn\'t confirm it.', 1),
    ("The clock shows 12:45.", ("12:46",), "The clock may show 12:45, but I couldn't confirm it.", 1),
    ('The dose reads "50 mg".', ("Take 5 mg daily",),
     'The dose may read "50 mg", but I couldn\'t confirm it.', 1),
    ("The sign says SHOP in big letters.", ("STOP",),
     "The sign may say SHOP in big letters, but I couldn't confirm it.", 1),
    # a sentence with a confirmed claim is hedged, not dropped
    ('The carton reads "Lactose free" and "Organic".', OCR,
     'The carton reads "Lactose free" (I couldn\'t confirm this text) and "Organic".', 1),
    ("Text: Vanilla flavour", ("Chocolate flavor",),
     "Text: Vanilla flavour (I couldn't confirm this text)", 1),
    # Japanese
    ("ラベルには「アーモンド」と書いてあります。箱です。", OCR_JA, "箱です。", 1),
    ("「賞味期限 2025.12.01」と書いてあります。", OCR_JA,
     "「賞味期限 2025.12.01」（確認できませんでした）と書いてあります。", 1),
]


@pytest.mark.parametrize(("text", "ocr", "expected", "removed"), CHANGED)
def test_changed(text: str, ocr: tuple[str, ...], expected: str, removed: int) -> None:
    language = "ja" if any("\u3040" <= ch <= "\u9fff" for ch in text) else "en"
    result = check_text_claims(text, ocr_lines=ocr, language=language)
    assert result == GroundingResult(expected, removed)


def test_finder_returns_frozen_spans_and_leaves_input() -> None:
    text = 'The label says "ALMOND". It says Best before 12/2026.'
    claims = find_text_claims(text, language="en")
    assert [(c.kind, c.text, text[c.start:c.end]) for c in claims] == [
        ("quoted", "ALMOND", "ALMOND"),
        ("cue", "Best before 12/2026", "Best before 12/2026"),
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        claims[0].text = "x"  # type: ignore[misc]
    verdicts = [a.verdict for a in assess_claims(claims, ocr_lines=OCR)]
    assert verdicts == ["drop", "confirmed"]


@pytest.mark.parametrize(("claim", "ocr", "low", "high"), [
    ("SMITH'S OAT MILK", OCR, 1.0, 1.0),
    ("smiths oat milk", OCR_NOISY, 0.99, 1.0),
    ("OAK MILL", OCR, 0.6, 0.8),
    ("ALMOND DRINK", OCR, 0.0, 0.4),
    ("anything", (), 0.0, 0.0),
])
def test_similarity_range(claim: str, ocr: tuple[str, ...], low: float, high: float) -> None:
    assert low <= claim_similarity(claim, ocr_text="\n".join(ocr)) <= high


def test_long_ocr_is_fast() -> None:
    import time

    ocr = tuple(f"Ingredient line number {i} with some words" for i in range(400))
    started = time.perf_counter()
    check_text_claims('It says "Ingredient line number 399".', ocr_lines=ocr, language="en")
    assert time.perf_counter() - started < 1.0
