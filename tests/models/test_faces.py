"""Face boxes without identity: the labelled faces in the shared photos are
found (bench/data/face_labels.json), and no face on textures, labels and other
photos without one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps

from models.analyzers.faces import FaceDetector, describe_position
from models.types import BoundingBox, FaceBox

LABELS = Path(__file__).resolve().parents[2] / "bench" / "data" / "face_labels.json"


@pytest.fixture(scope="module")
def detector() -> Iterator[FaceDetector]:
    yield FaceDetector()


def load_photo(photos_dir: Path, number: int) -> np.ndarray:
    with Image.open(photos_dir / f"VizWiz_test_{number:08d}.jpg") as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))


def centres(number: int) -> list[tuple[float, float]]:
    labels = json.loads(LABELS.read_text())["photos"]
    return [(x, y) for x, y in labels[f"VizWiz_test_{number:08d}.jpg"]["centres"]]


def holds(face: FaceBox, centre: tuple[float, float], image: np.ndarray) -> bool:
    height, width = image.shape[:2]
    x, y = centre[0] * width, centre[1] * height
    box = face.box
    return box.x <= x <= box.x + box.width and box.y <= y <= box.y + box.height


def test_portrait_face_is_found_in_the_centre(detector: FaceDetector, photos_dir: Path) -> None:
    image = load_photo(photos_dir, 45)  # a framed portrait painting
    (face,) = detector.detect(image)
    height, width = image.shape[:2]
    assert face.position == "centre"
    assert 0.01 < face.relative_size < 0.2
    assert 0 <= face.box.x and face.box.x + face.box.width <= width
    assert 0 <= face.box.y and face.box.y + face.box.height <= height
    assert holds(face, centres(45)[0], image)
    assert 0 < face.confidence <= 1


def test_three_sideways_faces_on_a_photo_card(detector: FaceDetector, photos_dir: Path) -> None:
    # The card lies on the user's knees and the photo was taken sideways: the
    # faces are turned 90° (the previous Haar detector found none of them).
    image = load_photo(photos_dir, 26)
    faces = detector.detect(image)
    assert len(faces) == 3
    for centre in centres(26):
        assert sum(holds(face, centre, image) for face in faces) == 1
    assert all(face.position == "left" for face in faces)


def test_swimmer_on_a_poster(detector: FaceDetector, photos_dir: Path) -> None:
    image = load_photo(photos_dir, 43)  # goggles, half under water, cut by the edge
    (face,) = detector.detect(image)
    assert holds(face, centres(43)[0], image)
    assert face.position == "right"


def test_girl_on_a_black_and_white_print(detector: FaceDetector, photos_dir: Path) -> None:
    # Two girls on a glasses case; the second one's head is bowed and her face
    # hidden, so only the first is required.
    image = load_photo(photos_dir, 6)
    faces = detector.detect(image)
    assert len(faces) in (1, 2)
    assert any(holds(face, centres(6)[0], image) for face in faces)
    assert all(any(holds(face, c, image) for c in centres(6)) for face in faces)


def test_turned_photo_gives_the_same_face(detector: FaceDetector, photos_dir: Path) -> None:
    """Boxes found on the turned copies come back in the image's own frame."""
    image = load_photo(photos_dir, 45)
    (upright,) = detector.detect(image)
    height = image.shape[0]
    turned = np.ascontiguousarray(cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE))
    (face,) = detector.detect(turned)
    # (x, y) on the upright photo lands at (height - y - h, x) once turned clockwise.
    expected = (height - upright.box.y - upright.box.height, upright.box.x)
    assert abs(face.box.x - expected[0]) < upright.box.height * 0.25
    assert abs(face.box.y - expected[1]) < upright.box.width * 0.25


# Photos looked at without a face: the washing machine (60) and keyboard (48),
# the ticket on carpet (49), labels, shelves and carpets that fooled the Haar
# cascades, and the near misses of the new detector's proposals (a taco plate 9,
# a red can 38, a hand at a treadmill 54, a game case 12, a shoe on carpet 56,
# jewellery 22, a hand with a mug 63, an oven display 2).
NO_FACE = [60, 48, 49, 56, 14, 67, 62, 18, 53, 29, 51, 9, 38, 54, 12, 22, 63, 2, 8, 16, 15]


@pytest.mark.parametrize("number", NO_FACE)
def test_no_faces_where_there_are_none(
    detector: FaceDetector, photos_dir: Path, number: int
) -> None:
    assert detector.detect(load_photo(photos_dir, number)) == ()


def test_blank_and_tiny_images_have_no_faces(detector: FaceDetector) -> None:
    assert detector.detect(np.full((480, 640, 3), 128, np.uint8)) == ()
    assert detector.detect(np.zeros((1, 1, 3), np.uint8)) == ()
    assert detector.detect(np.zeros((20, 3000, 3), np.uint8)) == ()


def test_read_only_input_is_accepted(detector: FaceDetector, photos_dir: Path) -> None:
    image = load_photo(photos_dir, 45).copy()
    image.setflags(write=False)  # as app.ingest.decode_photo hands it over
    assert len(detector.detect(image)) == 1


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
