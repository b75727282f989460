"""Garbled OCR is hedged, never read out as certain (English and Japanese), and the
large line naming a product's variety ("2%") is said for "which milk is it?"."""

from __future__ import annotations

import pytest

from models.compose import compose_answer
from models.compose.findings import VARIANT_MIN_HEIGHT, variant_lines
from models.types import BoundingBox, DescribeRequest, ImageAnalysis, TextLine


def line(text: str, height: int = 30, confidence: float = 0.9, plausible: bool = True) -> TextLine:
    return TextLine(text, confidence, BoundingBox(0, 0, 10 * len(text), height), plausible)


GARBLED = ImageAnalysis(
    width=640,
    height=480,
    text_lines=(
        line("CrWindowe; Lrepalr detaile", 40, 0.88, plausible=False),
        line("Window repair", 30, 0.97),
    ),
    text_area_fraction=0.2,
)
ONLY_GARBLED = ImageAnalysis(
    width=640, height=480, text_lines=(line("Lrepalr detaile", 40, 0.9, plausible=False),),
    text_area_fraction=0.2,
)  # fmt: skip


def answer(analysis: ImageAnalysis, question: str | None, language: str = "en") -> str:
    request = DescribeRequest(
        image=None, question=question, detail="standard", language=language, analysis=analysis
    )
    return compose_answer(request).text


@pytest.mark.parametrize(
    ("question", "language", "certain", "hedged"),
    [
        ("What does it say?", "en", "The text reads: Window repair.",
         "it may say: CrWindowe; Lrepalr detaile"),
        ("何と書いてありますか？", "ja", "「Window repair」と書かれています。",
         "「CrWindowe; Lrepalr detaile」かもしれません"),
    ],
)  # fmt: skip
def test_garbled_line_is_hedged(question: str, language: str, certain: str, hedged: str) -> None:
    text = answer(GARBLED, question, language)
    assert certain in text and hedged in text


@pytest.mark.parametrize("question", ["What is this?", None])
def test_garbled_line_never_names_the_item(question: str | None) -> None:
    text = answer(ONLY_GARBLED, question)
    assert "largest text" not in text and "The text reads" not in text


# VARIANT_MIN_HEIGHT = 0.25 of the tallest line, set by the milk cartons: "2%" is the
# tallest line on r05 (held-out); "2% REDUCED FAT" is 77/257 = 0.30 of "MILK" on
# shared 67 and is said; "37% LESS FAT THAN WHOLE MILK" is 47/257 = 0.18 and is not.
SHARED_67 = ImageAnalysis(
    width=1000,
    height=1000,
    text_lines=(
        line("Red River Farms", 71, 0.98),
        line("2% REDUCED FAT", 77, 0.96),
        line("MILK", 257, 1.0),
        line("37% LESS FAT THAN WHOLE MILK", 47, 0.98),
    ),
    text_area_fraction=0.3,
)
R05 = ImageAnalysis(
    width=1000,
    height=1000,
    text_lines=(
        line("Valley Farms", 156, 1.0), line("2%", 239, 0.78),
        line("REDUCED FAT MILK", 83, 0.96), line("1 GAL (3.78 L)", 65, 1.0),
    ),
    text_area_fraction=0.23,
)  # fmt: skip


def test_variant_table() -> None:
    assert VARIANT_MIN_HEIGHT == 0.25
    assert variant_lines(SHARED_67) == ("2% REDUCED FAT",)
    assert variant_lines(R05) == ("2%", "REDUCED FAT MILK")


@pytest.mark.parametrize("analysis", [SHARED_67, R05])
def test_which_milk_says_two_percent(analysis: ImageAnalysis) -> None:
    assert "2%" in answer(analysis, "Which milk is this?")
    assert "2%" in answer(analysis, "これは何ですか？", "ja")


@pytest.mark.parametrize(
    ("cause", "language", "says"),
    [
        ("motion", "en", "blurred by movement: hold the phone still"),
        ("motion", "ja", "手ぶれ"),
        ("focus", "en", "move it a little further from the item"),
        ("", "en", "move it a little further from the item"),
    ],
)
def test_blur_guidance_follows_its_cause(cause: str, language: str, says: str) -> None:
    from models.types import QualityIssue, QualityReport

    issue = QualityIssue("blurry", 0.7, "", cause=cause)  # type: ignore[arg-type]
    blurred = ImageAnalysis(width=640, height=480, quality=QualityReport(issues=(issue,)))
    assert says in answer(blurred, "What is this?", language)
