"""Image-quality issues on the shared photos and on synthetic images, and guidance."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps

from models.analyzers.quality import QualityAnalyzer, cut_off_edges, finalize_quality
from models.guidance import guidance_for
from models.types import BoundingBox, FaceBox, QualityReport, TextLine

ANALYZER = QualityAnalyzer()


def load_photo(photos_dir: Path, number: int) -> np.ndarray:
    with Image.open(photos_dir / f"VizWiz_test_{number:08d}.jpg") as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))


def kinds(report: QualityReport) -> set[str]:
    return {issue.kind for issue in report.issues}


# Issues checked by looking at each photo.
@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (27, {"too_dark", "no_subject"}),  # nearly black frame
        (0, {"too_dark"}),  # dim black tablet
        (65, {"no_subject"}),  # red blur, nothing in it
        (64, {"no_subject"}),  # grey blur
        (5, {"blurry"}),  # out-of-focus label
        (47, {"blurry"}),  # out-of-focus page
        (46, {"blurry"}),  # soft can of peaches
        (1, {"obstructed"}),  # finger over the lens, left
        (7, {"obstructed"}),  # finger over the lens, bottom right
        (38, {"glare"}),  # lamp reflection on a tin
        (19, {"glare"}),  # burnt-out white desk
    ],
)
def test_issues_on_real_photos(photos_dir: Path, number: int, expected: set[str]) -> None:
    found = kinds(ANALYZER.analyze(load_photo(photos_dir, number)))
    assert expected <= found, f"photo {number}: {found}"


@pytest.mark.parametrize("number", [4, 49, 67, 32, 62, 14, 42, 68])
def test_good_photos_are_not_flagged(photos_dir: Path, number: int) -> None:
    found = kinds(ANALYZER.analyze(load_photo(photos_dir, number)))
    assert not found & {"blurry", "too_dark", "too_bright", "obstructed", "no_subject"}, found


def chequer(size: int = 480) -> np.ndarray:
    tile = np.indices((size, size)).sum(axis=0) // 40 % 2
    grey = (tile * 200 + 30).astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)


def test_synthetic_images() -> None:
    assert kinds(ANALYZER.analyze(np.full((480, 640, 3), 128, np.uint8))) == {"no_subject"}
    assert "too_dark" in kinds(ANALYZER.analyze(np.full((480, 640, 3), 12, np.uint8)))
    assert "too_bright" in kinds(ANALYZER.analyze(np.full((480, 640, 3), 245, np.uint8)))
    sharp = chequer()
    assert kinds(ANALYZER.analyze(sharp)) == set()
    blurred = np.asarray(cv2.GaussianBlur(sharp, (0, 0), 12), dtype=np.uint8)
    assert "blurry" in kinds(ANALYZER.analyze(blurred))


def line(text: str, x: int, y: int, w: int, h: int, confidence: float = 0.95) -> TextLine:
    return TextLine(text=text, confidence=confidence, box=BoundingBox(x, y, w, h))


def test_cut_off_names_the_edges() -> None:
    lines = [line("NUTRITION FACTS", 100, 0, 300, 40), line("Serving size", 100, 200, 200, 30)]
    assert cut_off_edges(lines, width=640, height=480, margin=0.015) == ("top",)
    lines = [line("INTERNATIO", 300, 200, 340, 40)]
    assert cut_off_edges(lines, width=640, height=480, margin=0.015) == ("right",)
    assert (
        cut_off_edges([line("middle", 200, 200, 100, 30)], width=640, height=480, margin=0.015)
        == ()
    )


def finalize(report: QualityReport, lines: list[TextLine], **kwargs: object) -> QualityReport:
    options: dict[str, object] = {
        "rotation_degrees": 0,
        "rotation_agreement": 0.0,
        "faces": (),
        "width": 640,
        "height": 480,
    }
    options.update(kwargs)
    return finalize_quality(report, lines=lines, **options)  # type: ignore[arg-type]


def test_finalize_adds_cut_off_and_rotation_with_localized_guidance() -> None:
    lines = [
        line("NUTRITION FACTS", 100, 0, 300, 40),
        line("Serving size 1 cup", 100, 200, 250, 30),
    ]
    report = finalize(QualityReport(), lines, rotation_degrees=180, rotation_agreement=0.9)
    by_kind = {issue.kind: issue for issue in report.issues}
    assert by_kind["cut_off"].edges == ("top",)
    assert "top" in by_kind["cut_off"].guidance and "up" in by_kind["cut_off"].guidance
    assert by_kind["rotated"].rotation_degrees == 180
    assert "upside down" in by_kind["rotated"].guidance
    japanese = finalize(
        QualityReport(), lines, rotation_degrees=180, rotation_agreement=0.9, language="ja"
    )
    assert {issue.kind: issue for issue in japanese.issues}["cut_off"].guidance.startswith(
        "文字の上"
    )


def test_finalize_withdraws_no_subject_when_something_was_found() -> None:
    empty = ANALYZER.analyze(np.full((480, 640, 3), 128, np.uint8))
    assert "no_subject" in kinds(finalize(empty, []))
    assert "no_subject" not in kinds(finalize(empty, [line("OK", 10, 10, 50, 20)]))
    face = FaceBox(box=BoundingBox(200, 100, 100, 100), position="centre", relative_size=0.03)
    assert "no_subject" not in kinds(finalize(empty, [], faces=(face,)))


def test_a_face_at_the_edge_is_cut_off_when_no_text_is() -> None:
    face = FaceBox(box=BoundingBox(0, 100, 150, 150), position="left", relative_size=0.07)
    (issue,) = finalize(QualityReport(), [], faces=(face,)).issues
    assert issue.kind == "cut_off" and issue.edges == ("left",)
    assert issue.guidance == (
        "The left of the face is cut off: move the phone back a little and to the left."
    )
    small = FaceBox(box=BoundingBox(0, 100, 20, 20), position="left", relative_size=0.001)
    assert finalize(QualityReport(), [], faces=(small,)).issues == ()


def test_weak_rotation_evidence_is_not_reported() -> None:
    lines = [line("ab", 200, 200, 50, 20), line("NUT", 300, 300, 50, 20)]
    assert "rotated" not in kinds(
        finalize(QualityReport(), lines, rotation_degrees=90, rotation_agreement=1.0)
    )
    lines = [line("KEEP REFRIGERATED", 200, 200, 300, 30)]
    assert "rotated" not in kinds(
        finalize(QualityReport(), lines, rotation_degrees=90, rotation_agreement=0.5)
    )


@pytest.mark.parametrize(
    "kind",
    ["blurry", "too_dark", "too_bright", "glare", "cut_off", "rotated", "obstructed", "no_subject"],
)
def test_guidance_exists_in_english_and_japanese(kind: str) -> None:
    english = guidance_for(kind, language="en-GB", edges=("top",), rotation_degrees=90)  # type: ignore[arg-type]
    japanese = guidance_for(kind, language="ja-JP", edges=("top",), rotation_degrees=90)  # type: ignore[arg-type]
    assert english.isascii() and len(english) > 20
    assert not japanese.isascii()


def test_cut_off_guidance_moves_towards_the_cut_edges() -> None:
    assert guidance_for("cut_off", edges=("top",)) == (
        "The text's top edge is cut off: move the phone back a little and up."
    )
    both = guidance_for("cut_off", edges=("left", "right"))
    assert "left and right edges are cut off" in both and "to the" not in both
    assert guidance_for("cut_off", edges=("bottom", "right")).endswith(
        "move the phone back a little, down and to the right."
    )
    assert guidance_for("cut_off", language="ja", edges=("top", "right")) == (
        "文字の上・右側が切れています。スマートフォンを少し離して、右上に動かしてください。"
    )
    assert guidance_for("rotated", rotation_degrees=90).endswith("anticlockwise (to the left).")
    assert guidance_for("rotated", rotation_degrees=270).endswith("clockwise (to the right).")
