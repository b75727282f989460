"""Image-quality analysis: blur, darkness, over-exposure."""

from __future__ import annotations

import cv2
import numpy as np

from models.analyzers.base import RGBImage
from models.types import QualityIssue, QualityReport

# Guidance is English here; `models.guidance` localizes by issue kind.
GUIDANCE = {
    "blurry": "The photo is blurry: hold the phone steady for a moment, or move it a little further away.",
    "too_dark": "It is very dark: turn on a light or the flash.",
    "too_bright": "The photo is washed out by bright light: move out of direct light or turn off the flash.",
}


class QualityAnalyzer:
    """Measures sharpness and exposure on a downscaled grey copy."""

    name = "quality"

    def __init__(
        self,
        *,
        blur_threshold: float = 60.0,
        dark_threshold: float = 45.0,
        bright_threshold: float = 225.0,
    ) -> None:
        self._blur_threshold = blur_threshold
        self._dark_threshold = dark_threshold
        self._bright_threshold = bright_threshold

    def analyze(self, image: RGBImage) -> QualityReport:
        """Return quality issues and the raw metrics."""
        grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        scale = 512 / max(grey.shape)
        if scale < 1:
            grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        sharpness = float(cv2.Laplacian(grey, cv2.CV_64F).var())
        brightness = float(np.mean(grey))
        issues: list[QualityIssue] = []
        if brightness < self._dark_threshold:
            issues.append(QualityIssue("too_dark", round(1 - brightness / self._dark_threshold, 3), GUIDANCE["too_dark"]))
        elif brightness > self._bright_threshold:
            issues.append(QualityIssue("too_bright", round((brightness - self._bright_threshold) / 30, 3), GUIDANCE["too_bright"]))
        if sharpness < self._blur_threshold:
            issues.append(QualityIssue("blurry", round(1 - sharpness / self._blur_threshold, 3), GUIDANCE["blurry"]))
        return QualityReport(
            issues=tuple(issues),
            metrics={"sharpness": round(sharpness, 2), "brightness": round(brightness, 2)},
        )
