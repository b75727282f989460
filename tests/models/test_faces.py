"""Face boxes without identity; few false positives on textures and labels."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from models.analyzers.faces import FaceDetector, describe_position
from models.types import BoundingBox


@pytest.fixture(scope="module")
def detector() -> Iterator[FaceDetector]:
    yield FaceDetector()


def load_photo(photos_dir: Path, number: int) -> np.ndarray:
    with Image.open(photos_dir / f"VizWiz_test_{number:08d}.jpg") as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))


def test_portrait_face_is_found_in_the_centre(detector: FaceDetector, photos_dir: Path) -> None:
    image = load_photo(photos_dir, 45)  # a framed portrait painting
    (face,) = detector.detect(image)
    height, width = image.shape[:2]
    assert face.position == "centre"
    assert 0.01 < face.relative_size < 0.2
    assert 0 <= face.box.x and face.box.x + face.box.width <= width
    assert 0 <= face.box.y and face.box.y + face.box.height <= height


@pytest.mark.parametrize("number", [49, 48, 56, 14, 67, 62, 18, 53, 29, 51, 60])
def test_no_faces_on_labels_keyboards_and_carpets(
    detector: FaceDetector, photos_dir: Path, number: int
) -> None:
    # The first version found 7 "faces" on the ticket (49) and 4 on the soup bag (18).
    assert detector.detect(load_photo(photos_dir, number)) == ()


def test_blank_image_has_no_faces(detector: FaceDetector) -> None:
    assert detector.detect(np.full((480, 640, 3), 128, np.uint8)) == ()


@pytest.mark.parametrize(
    ("box", "position"),
    [
        (BoundingBox(0, 0, 10, 10), "top left"),
        (BoundingBox(45, 45, 10, 10), "centre"),
        (BoundingBox(90, 45, 10, 10), "right"),
        (BoundingBox(45, 90, 10, 10), "bottom"),
    ],
)
def test_positions(box: BoundingBox, position: str) -> None:
    assert describe_position(box, 100, 100) == position
