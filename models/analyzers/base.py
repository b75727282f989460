"""The `Analyzer` protocol shared by all grounded analyzers."""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

ResultT_co = TypeVar("ResultT_co", covariant=True)
RGBImage = npt.NDArray[np.uint8]


class Analyzer(Protocol, Generic[ResultT_co]):
    """A CPU-bound, thread-safe analysis of an RGB uint8 image (H, W, 3)."""

    name: str

    def analyze(self, image: RGBImage) -> ResultT_co:
        """Analyze the image and return a typed, frozen result."""
        ...
