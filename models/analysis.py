"""Runs the grounded analyzers on one photo, concurrently and off the event loop."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from models.analyzers.base import RGBImage
from models.analyzers.faces import FaceDetector
from models.analyzers.ocr import OcrReader
from models.analyzers.quality import QualityAnalyzer
from models.types import ImageAnalysis, QualityReport

logger = logging.getLogger(__name__)


@dataclass
class AnalysisSuite:
    """The analyzers, built once at start-up and shared by all requests."""

    quality: QualityAnalyzer
    ocr: OcrReader
    faces: FaceDetector

    @classmethod
    def create(cls) -> AnalysisSuite:
        """Load every analyzer's model; raises if a bundled model is missing."""
        return cls(quality=QualityAnalyzer(), ocr=OcrReader(), faces=FaceDetector())

    def model_names(self) -> tuple[str, ...]:
        """Names of the analyzer models, for the `backend` field."""
        return ("opencv-quality", "rapidocr-pp-ocr", "opencv-haar-face")

    async def analyze(self, image: RGBImage, *, executor: Executor | None = None) -> ImageAnalysis:
        """Run all analyzers concurrently in `executor`; a failing analyzer is
        recorded in `failed_analyzers` and contributes an empty result."""
        loop = asyncio.get_running_loop()
        timings: dict[str, float] = {}

        def timed(name: str, func: Callable[[RGBImage], Any]) -> Callable[[], Any]:
            def run() -> Any:
                started = time.perf_counter()
                try:
                    return func(image)
                finally:
                    timings[name] = round((time.perf_counter() - started) * 1000, 1)

            return run

        jobs = {
            "quality": timed("quality", self.quality.analyze),
            "ocr": timed("ocr", self.ocr.analyze),
            "faces": timed("faces", self.faces.analyze),
        }
        results = await asyncio.gather(
            *(loop.run_in_executor(executor, job) for job in jobs.values()), return_exceptions=True
        )
        outcome: dict[str, Any] = {}
        failed: list[str] = []
        for name, result in zip(jobs, results, strict=True):
            if isinstance(result, BaseException):
                logger.warning("analyzer failed", extra={"analyzer": name, "error_type": type(result).__name__})
                failed.append(name)
                continue
            outcome[name] = result
        height, width = image.shape[:2]
        return ImageAnalysis(
            width=int(width),
            height=int(height),
            quality=outcome.get("quality", QualityReport()),
            text_lines=outcome.get("ocr", ()),
            faces=outcome.get("faces", ()),
            failed_analyzers=tuple(failed),
            timings_ms=timings,
        )
