"""The analysis suite: concurrent analyzers, the OCR+pixels quality step, integration."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from models.analysis import AnalysisSuite
from models.types import ImageAnalysis, SceneLabel


@pytest.fixture(scope="module")
def suite() -> Iterator[AnalysisSuite]:
    # Scene and explicit models are another analyzer's tests; fakes stand in below.
    yield AnalysisSuite.create(enable_scene=False, enable_explicit=False)


def load_photo(photos_dir: Path, number: int) -> np.ndarray:
    with Image.open(photos_dir / f"VizWiz_test_{number:08d}.jpg") as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))


async def test_upside_down_bill(suite: AnalysisSuite, photos_dir: Path) -> None:
    analysis = await suite.analyze(load_photo(photos_dir, 21))
    issues = {issue.kind: issue for issue in analysis.quality.issues}
    assert issues["rotated"].rotation_degrees == 180
    assert set(issues["cut_off"].edges) >= {"left", "right"}
    assert "Amount Due" in analysis.full_text
    assert set(analysis.timings_ms) == {"ocr", "quality", "faces", "colours"}
    assert analysis.failed_analyzers == ()
    assert ImageAnalysis.from_dict(analysis.to_dict()) == analysis


async def test_sideways_box_in_japanese(suite: AnalysisSuite, photos_dir: Path) -> None:
    analysis = await suite.analyze(load_photo(photos_dir, 29), language="ja")
    rotated = next(issue for issue in analysis.quality.issues if issue.kind == "rotated")
    assert rotated.rotation_degrees == 270
    assert rotated.guidance == "文字が横向きです。品物を時計回りに90度回してください。"


async def test_dark_empty_photo(suite: AnalysisSuite, photos_dir: Path) -> None:
    analysis = await suite.analyze(load_photo(photos_dir, 27))
    kinds = [issue.kind for issue in analysis.quality.issues]
    assert kinds[:2] == ["too_dark", "no_subject"]
    assert analysis.quality.issues[0].guidance == "It is very dark: turn on a light or the flash."
    assert analysis.text_lines == () and analysis.faces == ()


async def test_good_label_photo(suite: AnalysisSuite, photos_dir: Path) -> None:
    analysis = await suite.analyze(load_photo(photos_dir, 46))  # soft but readable peaches can
    assert "SLICED" in analysis.full_text and "PEACHES" in analysis.full_text
    assert analysis.colours and abs(sum(c.fraction for c in analysis.colours) - 1) < 0.2


class FakeScene:
    model_name = "fake-scene"

    def analyze(self, image: np.ndarray) -> tuple[SceneLabel, ...]:
        return (SceneLabel("carton", 0.7),)


class FakeExplicit:
    model_name = "fake-nsfw"

    def analyze(self, image: np.ndarray) -> float:
        return 0.01


class BrokenColours:
    def analyze(self, image: np.ndarray) -> tuple[()]:
        raise ValueError("boom")


async def test_scene_explicit_and_a_failing_analyzer(suite: AnalysisSuite) -> None:
    patched = AnalysisSuite(
        quality=suite.quality,
        ocr=suite.ocr,
        faces=suite.faces,
        colours=BrokenColours(),  # type: ignore[arg-type]
        scene=FakeScene(),
        explicit=FakeExplicit(),
    )
    analysis = await patched.analyze(np.full((240, 320, 3), 128, np.uint8))
    assert analysis.scene == (SceneLabel("carton", 0.7),)
    assert analysis.explicit_score == 0.01
    assert analysis.failed_analyzers == ("colours",)
    assert analysis.colours == ()
    assert "fake-scene" in patched.model_names() and "fake-nsfw" in patched.model_names()


def test_missing_optional_analyzer_fails_at_create(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = importlib.import_module

    def no_scene(name: str, package: str | None = None) -> object:
        if name == "models.analyzers.scene":
            raise ModuleNotFoundError("No module named 'models.analyzers.scene'")
        return real_import(name, package)

    monkeypatch.setattr(importlib, "import_module", no_scene)
    with pytest.raises(RuntimeError, match="enable_scene=False"):
        AnalysisSuite.create(enable_explicit=False)


async def test_question_decides_the_optional_analyzers(photos_dir: Path) -> None:
    suite = AnalysisSuite.create(enable_scene=False, enable_explicit=False)
    image = load_photo(photos_dir, 45)  # a portrait
    full = await suite.analyze(image)
    assert full.skipped_analyzers == ()
    assert full.faces and full.faces[0].attributes is not None
    assert full.colours
    reading = await suite.analyze(image, question="What does the label say?")
    assert set(reading.skipped_analyzers) == {"colours", "face_attributes"}
    assert reading.colours == () and reading.faces and reading.faces[0].attributes is None
    # Faces (safety, blurring) and OCR always run.
    assert "faces" in reading.timings_ms and "ocr" in reading.timings_ms
    kept = await suite.analyze(image, question="What does the label say?", all_analyzers=True)
    assert kept.skipped_analyzers == () and kept.faces[0].attributes is not None
    people = await suite.analyze(image, question="Describe the person")
    assert people.skipped_analyzers == () and people.faces[0].attributes is not None


def test_optional_analyzers_by_intent() -> None:
    from models.analysis import optional_analyzers

    assert optional_analyzers(None, "standard") == {"scene", "colours", "face_attributes"}
    assert optional_analyzers("what does this say?", "standard") == set()
    assert optional_analyzers("what does this say?", "detailed") == {
        "scene",
        "colours",
        "face_attributes",
    }
    assert optional_analyzers("what is the expiration date?", "brief") == set()
    assert optional_analyzers("what colour is this shirt?", "standard") != set()
    assert optional_analyzers("what is this?", "standard") != set()


def test_new_fields_round_trip_and_old_analyses_still_load() -> None:
    from models.types import (
        BoundingBox,
        FaceAttributes,
        FaceBox,
        MainObject,
        QualityIssue,
        QualityReport,
        TextLine,
    )

    analysis = ImageAnalysis(
        width=10,
        height=10,
        quality=QualityReport(issues=(QualityIssue("blurry", 0.5, "Hold still.", cause="motion"),)),
        text_lines=(TextLine("CrWindowe", 0.6, BoundingBox(0, 0, 5, 2), plausible=False),),
        faces=(
            FaceBox(
                box=BoundingBox(1, 1, 4, 4),
                position="centre",
                relative_size=0.16,
                attributes=FaceAttributes(smiling=True, smile_score=0.8, hair_colour="black"),
            ),
        ),
        scene=(SceneLabel("laptop", 0.7, centre_probability=0.5),),
        main_object=MainObject("laptop", 0.7, "frame"),
        text_area_fraction=0.1,
        skipped_analyzers=("colours",),
    )
    assert ImageAnalysis.from_dict(analysis.to_dict()) == analysis
    old = {
        "width": 10,
        "height": 10,
        "quality": {"issues": [{"kind": "blurry", "score": 0.5, "guidance": "x"}], "metrics": {}},
        "text_lines": [{"text": "MILK", "confidence": 0.9, "box": None}],
        "faces": [
            {"box": {"x": 1, "y": 1, "width": 4, "height": 4}, "position": "centre",
             "relative_size": 0.16}
        ],
        "scene": [{"label": "carton", "probability": 0.7}],
    }  # fmt: skip
    loaded = ImageAnalysis.from_dict(old)
    assert loaded.text_lines[0].plausible is True
    assert loaded.faces[0].attributes is None and loaded.main_object is None
    assert loaded.quality.issues[0].cause == "" and loaded.scene[0].centre_probability is None
