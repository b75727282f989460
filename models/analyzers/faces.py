"""Face detection with OpenCV's bundled Haar cascades: boxes only, no recognition.

Haar cascades are noisy on the textures in blind users' photos (carpets,
labels, keyboards). On the 70 shared photos the first version (frontal cascade,
minNeighbors=5, full resolution) found 44 "faces" in 24 photos, nearly all
false (7 on a transit ticket). What keeps the real ones and drops most noise:
detect on a copy of at most `DETECTION_SIDE` px (also 5-10x faster), require
more neighbours, and check each box: enough contrast (a face has eyes, brows
and a mouth), and in colour photos a plausible share of skin-toned pixels (the
check is skipped for black-and-white prints, e.g. old family photos). The
profile cascade adds side views at a stricter neighbour count; boxes large
enough must also show two eyes (frontal) or one (profile), found by the eye
cascades that ship with OpenCV too.
"""

from __future__ import annotations

import threading

import cv2
import numpy as np

from models.analyzers.base import RGBImage
from models.types import BoundingBox, FaceBox

DETECTION_SIDE = 480
# Boxes at least this wide (px on the detection copy) must show eyes: on
# the shared photos this removed the remaining false faces (pasta on a box, a
# kitchen shelf) and kept the portrait. Smaller faces have too few pixels for
# the eye cascade.
EYE_CHECK_SIDE = 40


def describe_position(box: BoundingBox, width: int, height: int) -> str:
    """Name where a box sits in the frame ("left", "centre", "top right", ...)."""
    cx = (box.x + box.width / 2) / width
    cy = (box.y + box.height / 2) / height
    horizontal = "left" if cx < 1 / 3 else "right" if cx > 2 / 3 else ""
    vertical = "top" if cy < 1 / 3 else "bottom" if cy > 2 / 3 else ""
    return " ".join(part for part in (vertical, horizontal) if part) or "centre"


class FaceDetector:
    """Frontal and profile Haar cascades (Intel licence, ship with opencv-python < 5)."""

    name = "faces"

    def __init__(
        self,
        *,
        min_relative_size: float = 0.05,
        frontal_neighbours: int = 7,
        profile_neighbours: int = 9,
        min_skin_share: float = 0.3,
        min_contrast: float = 18.0,
    ) -> None:
        self._frontal = _load_cascade("haarcascade_frontalface_default.xml")
        self._profile = _load_cascade("haarcascade_profileface.xml")
        self._eyes = (
            _load_cascade("haarcascade_eye.xml"),
            _load_cascade("haarcascade_eye_tree_eyeglasses.xml"),
        )
        self._min_relative_size = min_relative_size
        self._frontal_neighbours = frontal_neighbours
        self._profile_neighbours = profile_neighbours
        self._min_skin_share = min_skin_share
        self._min_contrast = min_contrast
        # CascadeClassifier.detectMultiScale is not documented as thread-safe.
        self._lock = threading.Lock()

    def detect(self, image: RGBImage) -> tuple[FaceBox, ...]:
        """Return the faces found in an RGB image, largest first (boxes in the
        image's own pixel coordinates)."""
        height, width = image.shape[:2]
        scale = min(1.0, DETECTION_SIDE / max(height, width))
        small: RGBImage = image
        if scale < 1.0:
            small = np.asarray(
                cv2.resize(
                    image,
                    (round(width * scale), round(height * scale)),
                    interpolation=cv2.INTER_AREA,
                ),
                dtype=np.uint8,
            )
        grey = cv2.equalizeHist(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY))
        min_side = max(24, int(min(small.shape[:2]) * self._min_relative_size))
        size = (min_side, min_side)
        with self._lock:
            frontal = self._frontal.detectMultiScale(
                grey, scaleFactor=1.1, minNeighbors=self._frontal_neighbours, minSize=size
            )
            # The profile cascade is 2x slower than the frontal one and runs twice
            # (it only finds faces turned one way), so it steps scales faster.
            profile = self._profile.detectMultiScale(
                grey, scaleFactor=1.2, minNeighbors=self._profile_neighbours, minSize=size
            )
            flipped = self._profile.detectMultiScale(
                np.ascontiguousarray(grey[:, ::-1]),
                scaleFactor=1.2,
                minNeighbors=self._profile_neighbours,
                minSize=size,
            )
        # (x, y, w, h, eyes a box this large must show): two for a frontal face,
        # one for a profile.
        candidates = [(*(int(v) for v in box), 2) for box in np.asarray(frontal).reshape(-1, 4)]
        candidates += [(*(int(v) for v in box), 1) for box in np.asarray(profile).reshape(-1, 4)]
        candidates += [
            (grey.shape[1] - int(x) - int(w), int(y), int(w), int(h), 1)
            for x, y, w, h in np.asarray(flipped).reshape(-1, 4)
        ]
        colourful = _is_colourful(small)
        faces: list[FaceBox] = []
        for x, y, w, h, eyes in _drop_overlaps(candidates):
            if not self._looks_like_face(small, grey, (x, y, w, h), colourful=colourful):
                continue
            if w >= EYE_CHECK_SIDE and self._count_eyes(grey, (x, y, w, h)) < eyes:
                continue
            box = BoundingBox(int(x / scale), int(y / scale), int(w / scale), int(h / scale))
            faces.append(
                FaceBox(
                    box=box,
                    position=describe_position(box, width, height),
                    relative_size=round(float(box.width * box.height) / float(width * height), 4),
                )
            )
        faces.sort(key=lambda face: face.relative_size, reverse=True)
        return tuple(faces)

    def analyze(self, image: RGBImage) -> tuple[FaceBox, ...]:
        """Analyzer entry point: same as `detect`."""
        return self.detect(image)

    def _count_eyes(self, grey: np.ndarray, box: tuple[int, int, int, int]) -> int:
        """Eyes found in the upper 60 % of the box by the better of the bare-eye
        and eyeglasses cascades (not summed: both often find the same eye)."""
        x, y, w, h = box
        upper = np.ascontiguousarray(grey[y : y + h * 6 // 10, x : x + w])
        side = max(6, w // 8)
        with self._lock:
            return max(
                len(cascade.detectMultiScale(upper, 1.1, 3, minSize=(side, side)))
                for cascade in self._eyes
            )

    def _looks_like_face(
        self, rgb: RGBImage, grey: np.ndarray, box: tuple[int, int, int, int], *, colourful: bool
    ) -> bool:
        x, y, w, h = box
        # The central part of the box: forehead to chin, without background.
        inner = (slice(y + h // 6, y + h - h // 8), slice(x + w // 6, x + w - w // 6))
        if float(grey[inner].std()) < self._min_contrast:
            return False
        if not colourful:
            return True
        ycrcb = cv2.cvtColor(np.ascontiguousarray(rgb[inner]), cv2.COLOR_RGB2YCrCb)
        cr, cb = ycrcb[..., 1], ycrcb[..., 2]
        skin = (cr >= 133) & (cr <= 180) & (cb >= 77) & (cb <= 135)
        return float(skin.mean()) >= self._min_skin_share


def _load_cascade(filename: str) -> cv2.CascadeClassifier:
    path = cv2.data.haarcascades + filename  # type: ignore[attr-defined]
    cascade = cv2.CascadeClassifier(path)
    if cascade.empty():
        raise RuntimeError(f"OpenCV face cascade could not be loaded from {path}")
    return cascade


def _is_colourful(rgb: RGBImage) -> bool:
    """False for black-and-white or sepia-free grey images (mean saturation < 0.12)."""
    saturation = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[..., 1]
    return float(saturation.mean()) / 255 >= 0.12


def _drop_overlaps(boxes: list[tuple[int, ...]]) -> list[tuple[int, int, int, int, int]]:
    """Keep the larger of boxes that overlap by more than a third (frontal and
    profile cascades often fire on the same face)."""
    kept: list[tuple[int, int, int, int, int]] = []
    for box in sorted(boxes, key=lambda b: b[2] * b[3], reverse=True):
        x, y, w, h, eyes = box[0], box[1], box[2], box[3], box[4]
        if all(_overlap((x, y, w, h), other[:4]) <= 1 / 3 for other in kept):
            kept.append((x, y, w, h, eyes))
    return kept


def _overlap(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    smaller = min(a[2] * a[3], b[2] * b[3])
    return (ix * iy) / smaller if smaller else 0.0
