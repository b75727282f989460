"""Directional (motion) blur: the phone moved while the photo was taken.

Method (after Yitzhaky and Kopeika's blur identification): a straight camera
shake of L pixels turns every edge into a ramp L pixels long *along the motion
only*. The derivative of the photo along the motion is then the difference of
two copies L pixels apart, so its autocorrelation dips below zero at lag L; in
the perpendicular direction it does not. For four directions (0°, 45°, 90°,
135°) the centre of a 384 px copy is turned so that the direction is
horizontal, differentiated along the rows, and the rows' autocorrelation
(normalised to 1 at lag 0) is searched for its lowest value between lags 2
and 40. The deepest dip, its lag and the dip of the perpendicular direction
are reported; `QualityThresholds` decides (calibrated on the shared photos).

Defocus dips in every direction alike, texture (a screen's pixel grid, a
patterned surface) at lags of 2-3 px: hence the anisotropy and lag tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from models.analyzers.base import RGBImage

WORK_SIDE = 384
MAX_LAG = 40
CENTRE = 0.5  # share of the shorter side analysed, around the centre
ANGLES = (0, 45, 90, 135)


@dataclass(frozen=True)
class MotionMeasure:
    """The autocorrelation dip along the most blurred direction and across it."""

    dip: float  # lowest normalised autocorrelation of the derivative (negative = ramp)
    perpendicular_dip: float
    lag_px: int  # where the dip is, in px of the 384 px copy: the blur length
    direction_degrees: int  # 0 = horizontal, 90 = vertical (image y down)

    @property
    def anisotropy(self) -> float:
        """How much deeper the dip is along the motion than across it (negative)."""
        return self.dip - self.perpendicular_dip


def measure_motion(image: RGBImage) -> MotionMeasure:
    """Measure directional blur in the centre of an RGB photo."""
    scale = WORK_SIDE / max(image.shape[:2])
    small = np.asarray(
        cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if scale < 1
        else image,
        dtype=np.uint8,
    )
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32)
    height, width = grey.shape
    side = max(8, int(min(height, width) * CENTRE))
    dips: list[tuple[float, int]] = []
    for angle in ANGLES:
        rotation = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
        turned = cv2.warpAffine(grey, rotation, (width, height), flags=cv2.INTER_LINEAR)
        top, left = (height - side) // 2, (width - side) // 2
        patch = turned[top : top + side, left : left + side]
        derivative = np.diff(patch, axis=1)
        derivative = derivative - derivative.mean(axis=1, keepdims=True)
        count = derivative.shape[1]
        spectrum = np.fft.rfft(derivative, n=2 * count, axis=1)
        lags = min(MAX_LAG, count)
        correlation = np.fft.irfft(np.abs(spectrum) ** 2, axis=1)[:, :lags].sum(axis=0)
        correlation = correlation / (correlation[0] + 1e-6)
        if lags <= 2:
            dips.append((0.0, 0))
            continue
        lag = int(np.argmin(correlation[2:])) + 2
        dips.append((float(correlation[lag]), lag))
    deepest = int(np.argmin([dip for dip, _ in dips]))
    across = (deepest + len(ANGLES) // 2) % len(ANGLES)
    return MotionMeasure(
        dip=round(dips[deepest][0], 3),
        perpendicular_dip=round(dips[across][0], 3),
        lag_px=dips[deepest][1],
        direction_degrees=ANGLES[deepest],
    )
