"""Motion blur: the directional measure (models/analyzers/motion.py) and the rule
in QualityThresholds, with the photos that set each threshold."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps

from models.analyzers.motion import measure_motion
from models.analyzers.quality import QualityAnalyzer, QualityThresholds

# Shared photos (the tuning set; labels in bench/data/motion_labels.json).
THRESHOLDS = [
    ("motion_max_dip", -0.2, "37 (-0.28) and 34 (-0.33) dip below; 66 (-0.15) does not"),
    (
        "motion_max_anisotropy",
        -0.13,
        "37 (-0.22), 34 (-0.16), 26 (-0.17) are directional; sharp 39 (-0.12) and 05 (-0.11) not",
    ),
    ("motion_min_lag", 5, "screens and patterned plastic (52, 31, 68, 55) dip at 2-3 px"),
    (
        "motion_max_centre_sharpness",
        120.0,
        "37 (73), 34 (75), 26 (55) have soft centres; sharp photos with a dip (39) are above",
    ),
]


@pytest.mark.parametrize(("name", "value", "photos"), THRESHOLDS)
def test_threshold_table(name: str, value: float, photos: str) -> None:
    assert getattr(QualityThresholds(), name) == value, photos


def shaken(image: np.ndarray, length: int, angle: float) -> np.ndarray:
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1.0
    rotation = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), angle, 1.0)
    kernel = cv2.warpAffine(kernel, rotation, (length, length))
    return cv2.filter2D(image, -1, kernel / kernel.sum())


def stripes_and_blobs(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    image = np.full((480, 640, 3), 200, np.uint8)
    for _ in range(60):
        x, y = rng.integers(0, 640), rng.integers(0, 480)
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        cv2.rectangle(image, (int(x), int(y)), (int(x) + 30, int(y) + 20), colour, -1)
    return image


def test_a_horizontal_shake_is_found_in_its_direction() -> None:
    sharp = stripes_and_blobs(1)
    moved = measure_motion(shaken(sharp, 25, 0))
    still = measure_motion(sharp)
    assert moved.direction_degrees == 0
    assert moved.anisotropy < still.anisotropy
    assert moved.lag_px >= 5


def test_shared_photo_37_is_blurry_by_motion(photos_dir: Path) -> None:
    with Image.open(photos_dir / "VizWiz_test_00000037.jpg") as image:
        photo = np.asarray(ImageOps.exif_transpose(image).convert("RGB"))
    report = QualityAnalyzer().analyze(photo)
    blurry = [issue for issue in report.issues if issue.kind == "blurry"]
    assert blurry and blurry[0].cause == "motion"
