"""Face blurring on real photos: the detector must not find the face afterwards."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image, ImageOps

from models.analyzers.faces import FaceDetector
from safety.face_blur import blur_faces

# Photos with a real face: the painted portrait in 45 (frontal) and the old photo
# printed on the case in 6. Every one the detector finds a face in is checked.
FACE_PHOTOS = ("VizWiz_test_00000045.jpg", "VizWiz_test_00000006.jpg")
FACE_PHOTO = FACE_PHOTOS[0]


def load(photos_dir: Path, name: str, side: int = 1024) -> npt.NDArray[np.uint8]:
    with Image.open(photos_dir / name) as raw:
        image = ImageOps.exif_transpose(raw).convert("RGB")
    image.thumbnail((side, side))
    return np.asarray(image).copy()


@pytest.fixture(scope="module")
def detector() -> FaceDetector:
    return FaceDetector()


def test_real_faces_are_no_longer_detected(photos_dir: Path, detector: FaceDetector) -> None:
    checked = 0
    for name in FACE_PHOTOS:
        image = load(photos_dir, name)
        if not detector.detect(image):
            continue
        original = image.copy()
        result = blur_faces(image, detector=detector)
        assert result.faces_blurred >= 1
        assert detector.detect(result.image) == (), name
        assert np.array_equal(image, original)  # the input is never modified
        assert result.image.shape == image.shape
        checked += 1
    assert checked >= 1, "no test photo has a face the detector finds"


def test_face_pasted_into_another_photo(photos_dir: Path, detector: FaceDetector) -> None:
    donor = load(photos_dir, FACE_PHOTO)
    box = detector.detect(donor)[0].box
    pad = box.width // 4
    face = donor[box.y - pad : box.y + box.height + pad, box.x - pad : box.x + box.width + pad]
    scene = load(photos_dir, "VizWiz_test_00000000.jpg")
    y, x = scene.shape[0] - face.shape[0] - 10, 10  # bottom left
    scene[y : y + face.shape[0], x : x + face.shape[1]] = face
    assert detector.detect(scene), "the pasted face must be detected before blurring"
    result = blur_faces(scene, detector=detector)
    assert detector.detect(result.image) == ()
    # Outside the face the photo is unchanged.
    assert np.array_equal(result.image[: y - pad * 2], scene[: y - pad * 2])


def test_photo_without_faces_is_returned_unchanged(
    photos_dir: Path, detector: FaceDetector
) -> None:
    image = load(photos_dir, "VizWiz_test_00000001.jpg")
    if detector.detect(image):
        pytest.fail("photo 1 was expected to have no face")
    result = blur_faces(image, detector=detector)
    assert result.faces_blurred == 0
    assert np.array_equal(result.image, image)
