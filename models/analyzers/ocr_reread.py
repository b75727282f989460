"""Second reads of large text that the first OCR pass read poorly.

Big stylized or turned brand text (a logo on a sweetener packet held sideways,
a maker's name on an appliance) is often found by the detector as a large box
that the recogniser reads with low confidence, or split in pieces. For each
such line (at most `MAX_REGIONS`, largest first) the region around it is read
again on its own: enlarged, and turned by 90°, 180° and 270°. Only lines
without a dictionary word are tried (models.analyzers.plausibility), and a
trial replaces the first reading only when it holds a dictionary word, reads
at least as many characters, and its mean confidence is higher by `MIN_GAIN`
and above `MIN_TRIAL_CONFIDENCE`. (A first version without the dictionary
tests replaced motion-blurred words on shared photos 67 and 69 with other
wrong words: -1.0 point of character accuracy.)

Which photos set the thresholds: tests/models/test_ocr_reread.py (a table).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

import cv2
import numpy as np
import numpy.typing as npt

# A line is "large" when its text height is at least this share of the photo's shorter side.
LARGE_LINE = 0.06
# ... and "read poorly" below this recogniser confidence.
REREAD_BELOW = 0.85
MAX_REGIONS = 2
MIN_GAIN = 0.08
MIN_TRIAL_CONFIDENCE = 0.8
MARGIN = 0.25  # of the line's height, added around the region
REGION_SIDE = 640  # the region is scaled so that its longer side is this many px
TURNS = (0, 90, 180, 270)


class RawLine(Protocol):
    """What a first-pass line offers (models.analyzers.ocr._RawLine fits)."""

    @property
    def text(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def points(self) -> npt.NDArray[np.float32]: ...


LineT = TypeVar("LineT", bound=RawLine)


@dataclass(frozen=True)
class Region:
    """An axis-aligned region of the working image, in its pixels."""

    x0: int
    y0: int
    x1: int
    y1: int


def line_height(points: npt.NDArray[np.float32]) -> float:
    """The text height of a quadrilateral line box (its shorter side)."""
    sides = [float(np.linalg.norm(points[i] - points[(i + 1) % 4])) for i in range(4)]
    return min(max(sides[0], sides[2]), max(sides[1], sides[3]))


def candidates(lines: Sequence[LineT], width: int, height: int) -> list[LineT]:
    """Large lines read poorly, largest first."""
    shorter = min(width, height)
    poor = [
        line
        for line in lines
        if line.confidence < REREAD_BELOW and line_height(line.points) >= LARGE_LINE * shorter
    ]
    return sorted(poor, key=lambda line: line_height(line.points), reverse=True)[:MAX_REGIONS]


def region_around(line: RawLine, width: int, height: int) -> Region:
    """The line's bounding box plus a margin, clipped to the image."""
    margin = MARGIN * line_height(line.points)
    xs, ys = line.points[:, 0], line.points[:, 1]
    return Region(
        max(0, int(xs.min() - margin)),
        max(0, int(ys.min() - margin)),
        min(width, int(xs.max() + margin) + 1),
        min(height, int(ys.max() + margin) + 1),
    )


def reread(
    bgr: npt.NDArray[np.uint8],
    lines: list[LineT],
    read_raw: Callable[[npt.NDArray[np.uint8]], list[LineT]],
    has_word: Callable[[str], bool],
) -> list[LineT]:
    """Return `lines` with poorly read large lines replaced by better second reads
    (points in the working image's coordinates)."""
    height, width = bgr.shape[:2]
    out = list(lines)
    for line in candidates(lines, width, height):
        if has_word(line.text):
            continue
        region = region_around(line, width, height)
        crop = bgr[region.y0 : region.y1, region.x0 : region.x1]
        if min(crop.shape[:2]) < 8:
            continue
        scale = REGION_SIDE / max(crop.shape[:2])
        crop = np.asarray(
            cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC), np.uint8
        )
        best: list[LineT] | None = None
        best_score = _score([line])
        for turn in TURNS:
            turned = np.ascontiguousarray(np.rot90(crop, k=turn // 90))
            found = read_raw(turned)
            if not found:
                continue
            score = _score(found)
            if _better(score, best_score) and has_word(" ".join(item.text for item in found)):
                best, best_score = [_back(item, turn, crop.shape, scale, region) for item in found], score
        if best is not None and line in out:
            at = out.index(line)
            out[at : at + 1] = best
    return out


def _score(lines: Sequence[RawLine]) -> tuple[int, float]:
    """(characters read, mean confidence weighted by characters)."""
    chars = sum(len(line.text) for line in lines)
    if chars == 0:
        return 0, 0.0
    return chars, sum(len(line.text) * line.confidence for line in lines) / chars


def _better(trial: tuple[int, float], first: tuple[int, float]) -> bool:
    chars, confidence = trial
    return (
        chars >= first[0]
        and confidence >= MIN_TRIAL_CONFIDENCE
        and confidence >= first[1] + MIN_GAIN
    )


def _back(
    line: LineT, turn: int, shape: tuple[int, ...], scale: float, region: Region
) -> LineT:
    """Map a line read in the turned, scaled region back to the working image."""
    h, w = shape[:2]
    x, y = line.points[:, 0], line.points[:, 1]
    if turn == 90:  # rot90 k=1 maps (x, y) -> (y, w - x)
        x, y = w - y, x
    elif turn == 180:
        x, y = w - x, h - y
    elif turn == 270:  # rot90 k=3 maps (x, y) -> (h - y, x)
        x, y = y, h - x
    points = np.stack([x / scale + region.x0, y / scale + region.y0], axis=1).astype(np.float32)
    angle = (getattr(line, "angle", 0.0) + turn) % 360.0
    return replace(line, points=points, angle=angle)  # type: ignore[type-var]
