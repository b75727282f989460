"""Runs the grounded analyzers on one photo, concurrently and off the event loop.

Step 1 runs the independent analyzers (quality pixels, OCR, faces with their
visible attributes, colours, scene, explicit score) concurrently in the
executor. Step 2 combines OCR and faces with the pixel report (text turned or
cut off, an empty frame that holds text after all) and phrases the guidance in
the requested language.

Given the question, analyzers whose result it cannot use are not run (scene,
colours and face attributes for a question that only asks to read text or a
number, at less than detailed detail); what safety needs always runs: the
explicit score, faces and OCR. Skipped analyzers are listed in
`ImageAnalysis.skipped_analyzers`.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

from models.analyzers.base import RGBImage
from models.analyzers.colours import ColourAnalyzer
from models.analyzers.face_attributes import FaceAttributeAnalyzer
from models.analyzers.faces import FaceDetector
from models.analyzers.ocr import OcrReader, OcrReading
from models.analyzers.plausibility import Plausibility
from models.analyzers.quality import QualityAnalyzer, finalize_quality
from models.analyzers.regions import find_region
from models.analyzers.scene import main_object
from models.compose.intent import route_question
from models.compose.intents import family_of
from models.compose.objects import NAMED_OBJECTS, asked_noun
from models.types import (
    Detail,
    FaceBox,
    ImageAnalysis,
    ObjectRegion,
    QualityReport,
    SceneLabel,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")
# Intent families answered from text alone: scene, colours and face attributes add nothing.
_TEXT_ONLY = frozenset({"text", "number"})


def optional_analyzers(question: str | None, detail: Detail) -> frozenset[str]:
    """The optional analyzers a question needs ("scene", "colours",
    "face_attributes"); all of them for no question or a detailed answer."""
    everything = frozenset({"scene", "colours", "face_attributes"})
    if detail == "detailed" or question is None:
        return everything
    families = {family_of(intent) for intent in route_question(question).intents}
    if families and families <= _TEXT_ONLY:
        return frozenset()
    return everything


class SceneLabeler(Protocol):
    """What the suite needs from `models.analyzers.scene.SceneClassifier`."""

    def analyze(self, image: RGBImage) -> tuple[SceneLabel, ...]:
        """Return the most probable scene/object labels (frame and centre crop)."""
        ...


class ExplicitScorer(Protocol):
    """What the suite needs from `models.analyzers.explicit.ExplicitContentScorer`."""

    def analyze(self, image: RGBImage) -> float:
        """Return the probability that the photo is sexually explicit."""
        ...


@dataclass
class AnalysisSuite:
    """The analyzers, built once at start-up and shared by all requests."""

    quality: QualityAnalyzer
    ocr: OcrReader
    faces: FaceDetector
    colours: ColourAnalyzer
    scene: SceneLabeler | None = None
    explicit: ExplicitScorer | None = None
    face_attributes: FaceAttributeAnalyzer | None = None

    @classmethod
    def create(
        cls,
        *,
        cache_dir: Path | None = None,
        enable_scene: bool = True,
        enable_explicit: bool = True,
        enable_face_attributes: bool = True,
        ocr_threads: int = 1,
        ocr_int8_detector: bool = False,
    ) -> AnalysisSuite:
        """Load every analyzer's model; raises RuntimeError if an enabled one
        cannot be loaded (a bundled model or an analyzer module is missing).

        `ocr_threads` is ONNX Runtime's intra-op thread count for OCR: 1 by
        default, because requests already run concurrently in the worker pool
        (2 threads per OCR call on 2 cores beside the other analyzers cost
        throughput; docs/vision.md, "Throughput")."""
        scene: SceneLabeler | None = None
        explicit: ExplicitScorer | None = None
        if enable_scene:
            factory = _load_class("models.analyzers.scene", "SceneClassifier", "enable_scene")
            scene = cast(
                SceneLabeler,
                _build("scene classifier", lambda: factory.create(cache_dir=cache_dir)),
            )
        if enable_explicit:
            scorer = _load_class(
                "models.analyzers.explicit", "ExplicitContentScorer", "enable_explicit"
            )
            explicit = cast(ExplicitScorer, _build("explicit-content scorer", scorer))
        attributes = (
            _build("face-attribute analyzer", FaceAttributeAnalyzer)
            if enable_face_attributes
            else None
        )
        return cls(
            quality=QualityAnalyzer(),
            ocr=OcrReader(
                threads=ocr_threads,
                plausibility=Plausibility(),
                quantized_detector=ocr_int8_detector,
            ),
            faces=FaceDetector(),
            colours=ColourAnalyzer(),
            scene=scene,
            explicit=explicit,
            face_attributes=attributes,
        )

    def model_names(self) -> tuple[str, ...]:
        """Names of the analyzer models, for the `backend` field."""
        names = [
            "opencv-quality",
            "rapidocr-pp-ocrv6-small",
            "libfacedetection+mtcnn-onet",
            "colour-kmeans-lab",
        ]
        if self.face_attributes is not None:
            names.append(self.face_attributes.model_name)
        if self.scene is not None:
            names.append(str(getattr(self.scene, "model_name", "scene-classifier")))
        if self.explicit is not None:
            names.append(str(getattr(self.explicit, "model_name", "explicit-content-scorer")))
        return tuple(names)

    async def analyze(
        self,
        image: RGBImage,
        *,
        executor: Executor | None = None,
        language: str = "en",
        question: str | None = None,
        detail: Detail = "standard",
        all_analyzers: bool = False,
    ) -> ImageAnalysis:
        """Run the analyzers concurrently in `executor`, then combine OCR and faces
        with the pixel quality report. A failing analyzer is recorded in
        `failed_analyzers` and contributes an empty result.

        Without `all_analyzers`, analyzers the question cannot use are skipped
        (see `optional_analyzers`); pass it when the analysis is stored for
        follow-up questions that may need everything."""
        loop = asyncio.get_running_loop()
        timings: dict[str, float] = {}
        wanted = (
            frozenset({"scene", "colours", "face_attributes"})
            if all_analyzers
            else optional_analyzers(question, detail)
        )
        skipped: list[str] = []

        def timed(name: str, func: Callable[[RGBImage], Any]) -> Callable[[], Any]:
            def run() -> Any:
                started = time.perf_counter()
                try:
                    return func(image)
                finally:
                    timings[name] = round((time.perf_counter() - started) * 1000, 1)

            return run

        attributes = self.face_attributes if "face_attributes" in wanted else None

        def faces_with_attributes(picture: RGBImage) -> tuple[FaceBox, ...]:
            faces = self.faces.analyze(picture)
            if attributes is None or not faces:
                return faces
            started = time.perf_counter()
            try:
                return attributes.describe(picture, faces)
            except Exception as exc:  # attributes are optional: keep the boxes
                logger.warning(
                    "analyzer failed",
                    extra={"analyzer": "face_attributes", "error_type": type(exc).__name__},
                )
                return faces
            finally:
                timings["face_attributes"] = round((time.perf_counter() - started) * 1000, 1)

        jobs: dict[str, Callable[[], Any]] = {
            "ocr": timed("ocr", self.ocr.read),
            "quality": timed("quality", self.quality.analyze),
            "faces": timed("faces", faces_with_attributes),
        }
        if "colours" in wanted:
            jobs["colours"] = timed("colours", self.colours.analyze)
        else:
            skipped.append("colours")
        if self.scene is not None:
            if "scene" in wanted:
                jobs["scene"] = timed("scene", self.scene.analyze)
            else:
                skipped.append("scene")
        if self.face_attributes is not None and attributes is None:
            skipped.append("face_attributes")
        if self.explicit is not None:
            jobs["explicit"] = timed("explicit", self.explicit.analyze)
        region_job = self._region_job(question) if "scene" in wanted else None
        if region_job is not None:
            jobs["region"] = timed("region", region_job)
        results = await asyncio.gather(
            *(loop.run_in_executor(executor, job) for job in jobs.values()), return_exceptions=True
        )
        outcome: dict[str, Any] = {}
        failed: list[str] = []
        for name, result in zip(jobs, results, strict=True):
            if isinstance(result, BaseException):
                # Only the analyzer and the exception type: never image content or text read.
                logger.warning(
                    "analyzer failed", extra={"analyzer": name, "error_type": type(result).__name__}
                )
                failed.append(name)
                continue
            outcome[name] = result
        height, width = (int(side) for side in image.shape[:2])
        reading: OcrReading = outcome.get("ocr", OcrReading(lines=()))
        faces = outcome.get("faces", ())
        quality: QualityReport = outcome.get("quality", QualityReport())
        if "quality" in outcome:
            quality = finalize_quality(
                quality,
                lines=reading.lines,
                rotation_degrees=reading.rotation_degrees,
                rotation_agreement=reading.rotation_confidence,
                faces=faces,
                width=width,
                height=height,
                language=language,
                thresholds=self.quality.thresholds,
                text_area_fraction=reading.area_fraction,
            )
        explicit = outcome.get("explicit")
        scene: tuple[SceneLabel, ...] = outcome.get("scene", ())
        return ImageAnalysis(
            width=width,
            height=height,
            quality=quality,
            text_lines=reading.lines,
            faces=faces,
            colours=outcome.get("colours", ()),
            scene=scene,
            explicit_score=None if explicit is None else float(explicit),
            failed_analyzers=tuple(failed),
            timings_ms=timings,
            main_object=main_object(scene),
            text_area_fraction=reading.area_fraction,
            skipped_analyzers=tuple(skipped),
            named_region=outcome.get("region"),
        )

    def _region_job(self, question: str | None) -> Callable[[RGBImage], Any] | None:
        """Where the object the question names is, when it names one ("my shoes")."""
        noun = asked_noun(question)
        classify = getattr(self.scene, "label_probabilities", None)
        if noun is None or classify is None:
            return None
        labels = NAMED_OBJECTS[noun]
        colours = self.colours.analyze

        def run(image: RGBImage) -> ObjectRegion | None:
            return find_region(
                image, noun=noun, labels=labels, classify=classify, colours=colours
            )

        return run


def _load_class(module_name: str, class_name: str, flag: str) -> Any:
    """Import an optional analyzer class lazily, with a message saying how to opt out."""
    try:
        module = importlib.import_module(module_name)
        return getattr(module, class_name)
    except (ImportError, AttributeError) as exc:
        raise RuntimeError(
            f"{module_name}.{class_name} could not be loaded ({type(exc).__name__}: {exc}); "
            f"install its dependencies or create the suite with {flag}=False"
        ) from exc


def _build(what: str, factory: Callable[[], T]) -> T:
    try:
        return factory()
    except Exception as exc:
        raise RuntimeError(
            f"The {what} failed to load its model: {type(exc).__name__}: {exc}"
        ) from exc
