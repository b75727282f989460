"""The `local` backend: VisionBackend contract, streaming, and answers on real photos."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from models.backends.base import VisionBackend
from models.backends.local import LocalBackend
from models.types import BoundingBox, DescribeRequest, ImageAnalysis, SceneLabel, TextLine

ANALYSIS = ImageAnalysis(
    width=640,
    height=480,
    text_lines=(
        TextLine("Cheerios", 0.97, BoundingBox(0, 0, 300, 80)),
        TextLine("Whole Grain Oat Cereal", 0.9, BoundingBox(0, 100, 200, 20)),
    ),
    scene=(SceneLabel("package", 0.55),),
)


def request(
    question: str | None, language: str = "en", detail: str = "standard"
) -> DescribeRequest:
    return DescribeRequest(
        image=None, question=question, detail=detail, language=language, analysis=ANALYSIS
    )  # type: ignore[arg-type]


def test_is_a_vision_backend() -> None:
    backend = LocalBackend(analyzer_models=("rapidocr", "efficientnet-lite0"))
    assert isinstance(backend, VisionBackend)
    assert backend.model_names() == ("rapidocr", "efficientnet-lite0")


async def test_describe_returns_grounded_answer() -> None:
    answer = await LocalBackend().describe(request("Which cereal is this?"))
    assert answer.backend == "local"
    assert answer.language == "en"
    assert '"Cheerios"' in answer.text


async def test_stream_pieces_join_to_the_full_answer() -> None:
    backend = LocalBackend()
    for language in ("en", "ja"):
        for detail in ("brief", "standard", "detailed"):
            full = await backend.describe(request(None, language, detail))
            pieces = [piece async for piece in backend.stream(request(None, language, detail))]
            assert len(pieces) >= 1
            assert "".join(pieces) == full.text
    detailed = [piece async for piece in backend.stream(request(None, "en", "detailed"))]
    assert len(detailed) > 1  # sentence by sentence, not one blob


async def test_concurrent_describes_do_not_interfere() -> None:
    backend = LocalBackend()
    questions = ["Which cereal is this?", "What does this say?", None] * 5
    answers = await asyncio.gather(*(backend.describe(request(q)) for q in questions))
    assert len({a.text for a in answers}) == 3
    await backend.aclose()


def test_answers_on_real_photos_with_real_analyzers(photos_dir: Path, tmp_path: Path) -> None:
    """End to end on three shared photos: the oven display, a laptop, a book."""
    from models.analysis import AnalysisSuite

    suite = AnalysisSuite.create(cache_dir=tmp_path)  # the scene model converts into tmp_path
    backend = LocalBackend(analyzer_models=suite.model_names())

    async def run(name: str, question: str) -> str:
        image = ImageOps.exif_transpose(Image.open(photos_dir / name)).convert("RGB")
        image.thumbnail((1280, 1280))
        analysis = await suite.analyze(np.asarray(image))
        req = DescribeRequest(
            image=None, question=question, detail="standard", language="en", analysis=analysis
        )
        return (await backend.describe(req)).text

    oven = asyncio.run(
        run(
            "VizWiz_test_00000002.jpg",
            "Has this oven gotten up to four hundred fifty degrees Fahrenheit yet?",
        )
    )
    assert "450" in oven, oven
    book = asyncio.run(run("VizWiz_test_00000032.jpg", "what book is this?"))
    assert "QUEEN" in book.upper(), book
