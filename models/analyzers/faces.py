"""Face detection with OpenCV's bundled Haar cascade: boxes only, no recognition."""

from __future__ import annotations

import threading

import cv2
import numpy as np

from models.analyzers.base import RGBImage
from models.types import BoundingBox, FaceBox


def describe_position(box: BoundingBox, width: int, height: int) -> str:
    """Name where a box sits in the frame ("left", "centre", "top right", ...)."""
    cx = (box.x + box.width / 2) / width
    cy = (box.y + box.height / 2) / height
    horizontal = "left" if cx < 1 / 3 else "right" if cx > 2 / 3 else ""
    vertical = "top" if cy < 1 / 3 else "bottom" if cy > 2 / 3 else ""
    return " ".join(part for part in (vertical, horizontal) if part) or "centre"


class FaceDetector:
    """Frontal-face detector (OpenCV Haar cascade, BSD/Intel licence, ships with opencv)."""

    name = "faces"

    def __init__(self, *, min_relative_size: float = 0.04) -> None:
        path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]
        self._cascade = cv2.CascadeClassifier(path)
        if self._cascade.empty():
            raise RuntimeError(f"OpenCV face cascade could not be loaded from {path}")
        self._min_relative_size = min_relative_size
        # CascadeClassifier.detectMultiScale is not documented as thread-safe.
        self._lock = threading.Lock()

    def detect(self, image: RGBImage) -> tuple[FaceBox, ...]:
        """Return the faces found in an RGB image, largest first."""
        height, width = image.shape[:2]
        grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        grey = cv2.equalizeHist(grey)
        min_side = max(24, int(min(width, height) * self._min_relative_size))
        with self._lock:
            found = self._cascade.detectMultiScale(
                grey, scaleFactor=1.1, minNeighbors=5, minSize=(min_side, min_side)
            )
        faces = []
        for x, y, w, h in np.asarray(found).reshape(-1, 4):
            box = BoundingBox(int(x), int(y), int(w), int(h))
            faces.append(
                FaceBox(
                    box=box,
                    position=describe_position(box, width, height),
                    relative_size=float(w * h) / float(width * height),
                )
            )
        faces.sort(key=lambda face: face.relative_size, reverse=True)
        return tuple(faces)

    def analyze(self, image: RGBImage) -> tuple[FaceBox, ...]:
        """Analyzer entry point: same as `detect`."""
        return self.detect(image)
