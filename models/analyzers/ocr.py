"""OCR with the PP-OCR ONNX models bundled in `rapidocr` (Apache-2.0)."""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np

from models.analyzers.base import RGBImage
from models.types import BoundingBox, TextLine


class OcrReader:
    """Reads text lines in reading order, with a confidence per line."""

    name = "ocr"

    def __init__(self, *, min_confidence: float = 0.5) -> None:
        from rapidocr import RapidOCR  # heavy import kept inside the analyzer

        # rapidocr logs model paths at INFO through its own logger; keep ours quiet.
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        self._engine: Any = RapidOCR()
        self._min_confidence = min_confidence
        self._lock = threading.Lock()

    def read(self, image: RGBImage) -> tuple[TextLine, ...]:
        """Return the text lines found in an RGB image, top-to-bottom, left-to-right."""
        with self._lock:
            output = self._engine(np.ascontiguousarray(image[:, :, ::-1]))
        if output.txts is None:
            return ()
        lines: list[TextLine] = []
        for points, text, score in zip(output.boxes, output.txts, output.scores, strict=True):
            if float(score) < self._min_confidence or not str(text).strip():
                continue
            xs = [float(p[0]) for p in points]
            ys = [float(p[1]) for p in points]
            box = BoundingBox(int(min(xs)), int(min(ys)), int(max(xs) - min(xs)), int(max(ys) - min(ys)))
            lines.append(TextLine(text=str(text).strip(), confidence=round(float(score), 3), box=box))
        return tuple(sort_reading_order(lines))

    def analyze(self, image: RGBImage) -> tuple[TextLine, ...]:
        """Analyzer entry point: same as `read`."""
        return self.read(image)


def sort_reading_order(lines: list[TextLine]) -> list[TextLine]:
    """Sort lines top-to-bottom, grouping lines whose vertical centres are close."""
    boxed = [line for line in lines if line.box is not None]
    if not boxed:
        return lines
    boxed.sort(key=lambda line: line.box.y if line.box else 0)
    rows: list[list[TextLine]] = []
    for line in boxed:
        assert line.box is not None
        centre = line.box.y + line.box.height / 2
        if rows:
            last = rows[-1][0].box
            assert last is not None
            if abs((last.y + last.height / 2) - centre) < max(last.height, line.box.height) * 0.5:
                rows[-1].append(line)
                continue
        rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda item: item.box.x if item.box else 0)]
