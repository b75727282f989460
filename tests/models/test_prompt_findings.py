"""Generative backends get the composer's grounding too: faces' visible attributes
(never identity), nonsense OCR lines flagged, and text too small to name the object."""

from __future__ import annotations

from models.backends.prompting import format_findings
from models.types import BoundingBox, FaceAttributes, FaceBox, ImageAnalysis, TextLine

FACE = FaceBox(
    BoundingBox(0, 0, 100, 100), "centre", 0.1,
    attributes=FaceAttributes(smiling=True, facing_camera=False, clothing_colour="red",
                              hair_colour="brown"),
)  # fmt: skip


def test_face_attributes_are_in_the_findings() -> None:
    text = format_findings(analysis=ImageAnalysis(width=640, height=480, faces=(FACE,)))
    assert "Faces detected: 1 (positions: centre)." in text
    assert "centre: smiling, turned away, clothing red, hair brown (uncertain)." in text
    assert "never identity" in text


def test_unjudged_face_and_no_face() -> None:
    unjudged = FaceBox(BoundingBox(0, 0, 10, 10), "left", 0.01)
    text = format_findings(analysis=ImageAnalysis(width=640, height=480, faces=(unjudged,)))
    assert "Visible attributes" not in text
    assert "Faces detected: 0." in format_findings(analysis=ImageAnalysis(width=640, height=480))


def test_nonsense_lines_and_small_text_are_flagged() -> None:
    analysis = ImageAnalysis(
        width=640, height=480,
        text_lines=(TextLine("CORE i5", 0.99), TextLine("Lrepalr detaile", 0.8, plausible=False)),
        text_area_fraction=0.003,
    )  # fmt: skip
    text = format_findings(analysis=analysis)
    assert "1 of these lines read as nonsense" in text
    assert "covers only 0.3% of the photo" in text
    large = ImageAnalysis(width=640, height=480, text_lines=(TextLine("MILK", 0.99),),
                          text_area_fraction=0.3)  # fmt: skip
    assert "covers only" not in format_findings(analysis=large)
