"""Scene classifier: torch-free conversion checked against a numpy reference,
plausible classes on real photos, and the safety of the checkpoint reader."""

from __future__ import annotations

import io
import math
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image, ImageOps

from models.analyzers.scene import SceneClassifier, load_labels, preprocess, weights_path
from models.convert import efficientnet_lite as eff
from models.convert.torch_state import UnsafeCheckpointError, load_state_dict

Array = npt.NDArray[np.float32]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scene-cache")


@pytest.fixture(scope="module")
def classifier(cache_dir: Path) -> SceneClassifier:
    return SceneClassifier.create(cache_dir)


@pytest.fixture(scope="module")
def state() -> dict[str, npt.NDArray[Any]]:
    return load_state_dict(weights_path())


def photo(photos_dir: Path, index: int) -> npt.NDArray[np.uint8]:
    image = ImageOps.exif_transpose(
        Image.open(photos_dir / f"VizWiz_test_{index:08d}.jpg")
    ).convert("RGB")
    return np.asarray(image)


# --- numpy reference forward pass (unfolded batch norm, explicit padding) ----------


def _conv(x: Array, w: Array, stride: int, depthwise: bool) -> Array:
    """Conv2d with TF SAME padding on a CHW array."""
    _, height, width = x.shape
    kernel = w.shape[2]
    top, bottom = eff.same_pads(height, kernel, stride)
    left, right = eff.same_pads(width, kernel, stride)
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right)))
    out_h, out_w = math.ceil(height / stride), math.ceil(width / stride)
    patches = [
        xp[:, i : i + stride * out_h : stride, j : j + stride * out_w : stride]
        for i in range(kernel)
        for j in range(kernel)
    ]
    if depthwise:
        weights = w[:, 0].reshape(w.shape[0], -1)  # C, k*k
        return np.einsum("ckhw,ck->chw", np.stack(patches, axis=1), weights)
    cols = np.stack(patches, axis=1).reshape(x.shape[0] * kernel * kernel, -1)
    return (w.reshape(w.shape[0], -1) @ cols).reshape(w.shape[0], out_h, out_w)


def _bn(x: Array, s: dict[str, Any], name: str) -> Array:
    scale = s[f"{name}.weight"] / np.sqrt(s[f"{name}.running_var"] + eff.BN_EPS)
    return (x - s[f"{name}.running_mean"][:, None, None]) * scale[:, None, None] + s[
        f"{name}.bias"
    ][:, None, None]


def reference_logits(s: dict[str, Any], pixels: Array) -> Array:
    """EfficientNet-Lite0 forward pass in float64 numpy, written from the paper's block
    description, independent of the ONNX builder's graph code."""
    x = (pixels[0].astype(np.float64) - 127.0) / 128.0
    relu6 = lambda t: np.clip(t, 0.0, 6.0)  # noqa: E731
    x = relu6(_bn(_conv(x, s["_conv_stem.weight"], 2, False), s, "_bn0"))
    for index, stride in enumerate(eff.block_strides()):
        p = f"_blocks.{index}."
        inputs = x
        if f"{p}_expand_conv.weight" in s:
            x = relu6(_bn(_conv(x, s[f"{p}_expand_conv.weight"], 1, False), s, f"{p}_bn0"))
        x = relu6(_bn(_conv(x, s[f"{p}_depthwise_conv.weight"], stride, True), s, f"{p}_bn1"))
        x = _bn(_conv(x, s[f"{p}_project_conv.weight"], 1, False), s, f"{p}_bn2")
        if stride == 1 and inputs.shape == x.shape:
            x = x + inputs
    x = relu6(_bn(_conv(x, s["_conv_head.weight"], 1, False), s, "_bn1"))
    features = x.mean(axis=(1, 2))
    return np.asarray(s["_fc.weight"] @ features + s["_fc.bias"], dtype=np.float64)


def test_onnx_matches_numpy_reference(
    state: dict[str, Any], classifier: SceneClassifier, photos_dir: Path
) -> None:
    pixels = preprocess(photo(photos_dir, 3))
    expected = reference_logits(state, pixels)
    (logits,) = classifier._session.run([eff.LOGITS_NAME], {eff.INPUT_NAME: pixels})
    np.testing.assert_allclose(logits[0], expected, rtol=1e-4, atol=1e-4)  # observed 3e-6
    assert int(np.argmax(logits[0])) == int(np.argmax(expected))


def test_folded_batch_norm_equals_conv_then_bn(state: dict[str, Any]) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 9, 9)).astype(np.float32)
    prefix = "_blocks.1."
    weight, bias = eff.fold_batch_norm(state, f"{prefix}_expand_conv", f"{prefix}_bn0")
    x = rng.normal(size=(16, 9, 9)).astype(np.float32)
    folded = _conv(x, weight, 1, False) + bias[:, None, None]
    unfolded = _bn(
        _conv(x, state[f"{prefix}_expand_conv.weight"], 1, False), state, f"{prefix}_bn0"
    )
    np.testing.assert_allclose(folded, unfolded, rtol=1e-4, atol=1e-4)


def test_normalisation_matches_the_weights_batch_norm_statistics(
    state: dict[str, Any], photos_dir: Path
) -> None:
    """The stem's BN running_var was measured on inputs normalised as in training;
    the normalisation the graph uses must reproduce it on real photos."""

    def log_var_ratio(mean: float | Array, std: float | Array) -> float:
        outputs = []
        for index in range(0, 70, 7):
            x = preprocess(photo(photos_dir, index))[0]
            outputs.append(
                _conv((x - mean) / std, state["_conv_stem.weight"], 2, False).reshape(32, -1)
            )
        variance = np.concatenate(outputs, axis=1).var(axis=1)
        running = state["_bn0.running_var"]
        live = running > 1e-6  # a few stem channels are dead (variance 0)
        return float(np.median(np.log(variance[live] / running[live])))

    ours = log_var_ratio(
        np.array(eff.MEAN_RGB)[:, None, None], np.array(eff.STD_RGB)[:, None, None]
    )
    torchvision = log_var_ratio(
        np.array([123.675, 116.28, 103.53])[:, None, None],
        np.array([58.395, 57.12, 57.375])[:, None, None],
    )
    assert abs(ours) < 0.5, ours
    assert abs(torchvision) > 1.0, torchvision


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (3, {"laptop"}),
        (48, {"computer keyboard", "typewriter keyboard"}),
        (57, {"coffee mug", "cup"}),
        (60, {"washing machine"}),
        (61, {"red wine", "wine bottle"}),
        (32, {"book cover", "comic book"}),
    ],
)
def test_plausible_classes_on_real_photos(
    classifier: SceneClassifier, photos_dir: Path, index: int, expected: set[str]
) -> None:
    labels = classifier.analyze(photo(photos_dir, index))
    top3 = [label.label for label in labels[:3]]
    assert expected & set(top3), (
        f"photo {index}: expected one of {expected} in top-3, got {labels[:3]}"
    )


def test_results_are_sorted_probabilities(classifier: SceneClassifier) -> None:
    rng = np.random.default_rng(1)
    for shape in ((10, 10, 3), (100, 4000, 3), (480, 640, 3)):
        image = rng.integers(0, 256, size=shape, dtype=np.uint8)
        labels = classifier.analyze(image, centre=False)
        assert len(labels) == 5
        probabilities = [label.probability for label in labels]
        assert probabilities == sorted(probabilities, reverse=True)
        assert all(0.0 <= p <= 1.0 for p in probabilities)
        assert len({label.label for label in labels}) == 5
    probs = classifier.probabilities(rng.integers(0, 256, size=(64, 64, 3), dtype=np.uint8))
    assert probs.shape == (1000,)
    assert abs(float(probs.sum()) - 1.0) < 1e-4


def test_centre_crop_probabilities_and_main_object(
    classifier: SceneClassifier, photos_dir: Path
) -> None:
    labels = classifier.analyze(photo(photos_dir, 61))  # a wine bottle in the middle
    frame = labels[:5]
    assert [x.probability for x in frame] == sorted((x.probability for x in frame), reverse=True)
    assert all(x.centre_probability is not None for x in labels)
    main = classifier.main_object(labels)
    assert main is not None and main.label in {"red wine", "wine bottle"}
    assert main.extent in {"frame", "centre"}


def test_main_object_rules() -> None:
    from models.analyzers.scene import main_object
    from models.types import SceneLabel

    assert main_object(()) is None
    assert main_object((SceneLabel("laptop", 0.2, 0.25),)) is None  # unsure in both views
    big = main_object((SceneLabel("laptop", 0.7, 0.6), SceneLabel("mouse", 0.1, 0.3)))
    assert big is not None and (big.label, big.extent) == ("laptop", "frame")
    small = main_object((SceneLabel("carpet", 0.4, 0.05), SceneLabel("loafer", 0.1, 0.8)))
    assert small is not None and (small.label, small.extent) == ("loafer", "centre")


def test_deterministic(classifier: SceneClassifier, photos_dir: Path) -> None:
    image = photo(photos_dir, 60)
    assert classifier.analyze(image) == classifier.analyze(image)


def test_conversion_is_cached(cache_dir: Path, classifier: SceneClassifier) -> None:
    files = list(cache_dir.glob("efficientnet-lite0-*.onnx"))
    assert len(files) == 1
    before = files[0].stat().st_mtime_ns
    SceneClassifier.create(cache_dir)
    assert files[0].stat().st_mtime_ns == before
    assert not list(cache_dir.glob("*.part"))


def test_labels_are_human_readable() -> None:
    labels = load_labels()
    assert len(labels) == 1000
    assert labels[504] == "coffee mug"
    assert labels[898] == "water bottle"
    assert "packet" not in labels and "package" in labels


def test_checkpoint_reader_refuses_code(tmp_path: Path) -> None:
    class Evil:
        def __reduce__(self) -> tuple[Any, ...]:
            return (print, ("pwned",))

    path = tmp_path / "evil.pth"
    buffer = io.BytesIO()
    for item in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}):
        pickle.dump(item, buffer, protocol=2)
    pickle.dump({"w": Evil()}, buffer, protocol=2)
    path.write_bytes(buffer.getvalue())
    with pytest.raises(UnsafeCheckpointError):
        load_state_dict(path)


def test_checkpoint_reader_reads_legacy_tensors(state: dict[str, Any]) -> None:
    assert state["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state["_fc.weight"].shape == (1000, 1280)
    assert state["_conv_stem.weight"].dtype == np.float32
    assert np.isfinite(state["_fc.weight"]).all()
