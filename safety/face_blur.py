"""Blur faces in a photo before it is retained or shared with a volunteer.

Each detected face box is grown by a margin (hair, ears and chin identify too),
pixelated to a coarse grid and then Gaussian-blurred so that no facial
structure survives: the face detector must no longer find a face there, which
the tests check on a real photo. If the detector still finds a face after the
first pass (a face it missed at first, or one that survived), the pass is
repeated with a coarser grid, up to `max_passes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np
import numpy.typing as npt

from models.types import BoundingBox, FaceBox

RGBImage = npt.NDArray[np.uint8]


class FaceDetecting(Protocol):
    """What blurring needs from a detector (models.analyzers.faces.FaceDetector fits)."""

    def detect(self, image: RGBImage) -> tuple[FaceBox, ...]:
        """Face boxes in an RGB image."""
        ...


@dataclass(frozen=True)
class BlurResult:
    """The blurred copy (the input is never modified) and how many face regions were blurred."""

    image: RGBImage
    faces_blurred: int


def _expand(
    box: BoundingBox, *, margin: float, width: int, height: int
) -> tuple[int, int, int, int]:
    dx = int(box.width * margin)
    dy = int(box.height * margin)
    x0 = max(0, box.x - dx)
    y0 = max(0, box.y - dy)
    x1 = min(width, box.x + box.width + dx)
    y1 = min(height, box.y + box.height + dy)
    return x0, y0, x1, y1


def _obscure(region: RGBImage, *, blocks: int) -> RGBImage:
    h, w = region.shape[:2]
    small = cv2.resize(region, (max(1, blocks), max(1, blocks)), interpolation=cv2.INTER_AREA)
    pixelated = cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)
    kernel = max(3, (min(h, w) // 4) | 1)
    return np.asarray(cv2.GaussianBlur(pixelated, (kernel, kernel), 0), dtype=np.uint8)


def blur_boxes(
    image: RGBImage, boxes: tuple[FaceBox, ...], *, margin: float = 0.35, blocks: int = 6
) -> RGBImage:
    """Return a copy of `image` with every box (plus margin) pixelated and blurred."""
    out = image.copy()
    height, width = out.shape[:2]
    for face in boxes:
        x0, y0, x1, y1 = _expand(face.box, margin=margin, width=width, height=height)
        if x1 > x0 and y1 > y0:
            out[y0:y1, x0:x1] = _obscure(out[y0:y1, x0:x1], blocks=blocks)
    return out


def blur_faces(image: RGBImage, *, detector: FaceDetecting, max_passes: int = 3) -> BlurResult:
    """Detect faces and blur them until the detector finds none (or `max_passes` is reached)."""
    blurred = image
    total = 0
    blocks = 6
    for _ in range(max_passes):
        faces = detector.detect(blurred)
        if not faces:
            break
        blurred = blur_boxes(blurred, faces, blocks=blocks)
        total += len(faces)
        blocks = max(2, blocks // 2)
    if blurred is image:
        blurred = image.copy()
    return BlurResult(image=blurred, faces_blurred=total)
