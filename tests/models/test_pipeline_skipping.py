"""The describe pipeline skips analyzers the question does not need, keeps what
safety needs, and analyzes again when a follow-up needs a skipped analyzer.
Real analyzers (scene/explicit off to keep it light), real decoder, real safety."""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.describe.pipeline import DescribePipeline
from app.ingest_pool import PhotoDecoder
from models.analysis import AnalysisSuite
from models.backends.local import LocalBackend
from safety.pipeline import SafetyPipeline


@pytest.fixture(scope="module")
async def pipeline() -> AsyncIterator[DescribePipeline]:
    executor = ThreadPoolExecutor(max_workers=2)
    decoder = PhotoDecoder(executor=executor, max_workers=2)
    yield DescribePipeline(
        decoder=decoder,
        analysis=AnalysisSuite.create(enable_scene=False, enable_explicit=False),
        backend=LocalBackend(),
        safety=SafetyPipeline.create(),
        executor=executor,
    )
    decoder.close()
    executor.shutdown()


def portrait(photos_dir: Path) -> bytes:
    return (photos_dir / "VizWiz_test_00000045.jpg").read_bytes()  # one face, centre


async def test_reading_question_skips_what_it_cannot_use(
    pipeline: DescribePipeline, photos_dir: Path
) -> None:
    outcome = await pipeline.describe_photo(
        photo=portrait(photos_dir), question="What does the label say?", detail="standard",
        language="en",
    )  # fmt: skip
    analysis = outcome.analysis
    assert set(analysis.skipped_analyzers) == {"colours", "face_attributes"}
    # What safety needs still ran: faces (counted, blurred on retention) and OCR.
    assert outcome.result.people.count == 1 and "ocr" in analysis.timings_ms
    assert outcome.result.people.faces[0].smiling is None


async def test_people_question_runs_the_face_attributes(
    pipeline: DescribePipeline, photos_dir: Path
) -> None:
    outcome = await pipeline.describe_photo(
        photo=portrait(photos_dir), question="Is he smiling?", detail="standard", language="en"
    )
    assert outcome.analysis.skipped_analyzers == ()
    assert "smiling" in outcome.result.text


async def test_follow_up_needing_a_skipped_analyzer(
    pipeline: DescribePipeline, photos_dir: Path
) -> None:
    first = await pipeline.describe_photo(
        photo=portrait(photos_dir), question="What does it say?", detail="standard", language="en"
    )
    retained = await pipeline.answer(
        image=first.photo.image, analysis=first.analysis, question="Describe the person",
        detail="standard", language="en",
    )  # fmt: skip
    assert "What I can see of the person" in retained.text
    assert retained.people.faces[0].facing_camera is not None
    # Photo not retained: answered from the stored analysis, saying what was not looked at.
    stored = await pipeline.answer(
        image=None, analysis=first.analysis, question="Describe the person",
        detail="standard", language="en",
    )  # fmt: skip
    assert stored.text.startswith("I can see one person's face in the centre.")
    assert "did not look closely at faces" in stored.text
    colour = await pipeline.answer(
        image=None, analysis=first.analysis, question="What colour is it?",
        detail="standard", language="ja",
    )  # fmt: skip
    assert "色を調べておらず" in colour.text
