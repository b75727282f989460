"""Reproduce models/analyzers/weights/PP-OCRv6_det_small_int8.onnx.

    python -m models.convert.quantize_det ../shared/photos/vizwiz out.onnx

The text detector dominates OCR's cost (about 80 % of it at 960 px). This takes
the PP-OCRv6 small detection model that the `rapidocr` wheel ships
(Apache-2.0, PaddleOCR), converts it from opset 11 to 13 (per-channel
quantization needs DequantizeLinear's `axis`), and quantizes it statically to
int8 (QDQ, per-channel int8 weights, uint8 activations; the first convolution
and the detection head stay in float, see `float_nodes`) with ONNX Runtime's
quantization tool, calibrated on the detector inputs of every second shared
photo (the tuning set; never the held-out photos), prepared exactly as
`OcrReader` prepares them. On CPUs with VNNI (AVX-512 or AVX-VNNI) it runs in
about a third of the CPU time; accuracy is checked with `bench/ocr.py`
(docs/vision.md, "OCR"). Only ONNX Runtime and onnx (both dependencies) are
needed; the result is kept in the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

SOURCE_NAME = "PP-OCRv6_det_small.onnx"


def source_model() -> Path:
    """The fp32 detector inside the installed rapidocr package."""
    import rapidocr

    path = Path(rapidocr.__file__).resolve().parent / "models" / SOURCE_NAME
    if not path.is_file():
        raise SystemExit(f"{SOURCE_NAME} not found in the rapidocr package")
    return path


def calibration_inputs(photos: Path) -> list[dict[str, Any]]:
    """Detector inputs of every second shared photo, as OcrReader feeds them."""
    from PIL import Image, ImageOps

    from models.analyzers.ocr import OcrReader

    reader = OcrReader(threads=1, quantized_detector=False)
    session = reader._engine.text_det.session.session
    captured: list[dict[str, Any]] = []
    real_run = session.run

    class Recorder:
        def __getattr__(self, name: str) -> Any:
            return getattr(session, name)

        def run(self, outputs: Any, feed: dict[str, Any], *rest: Any) -> Any:
            captured.append({key: np.array(value) for key, value in feed.items()})
            return real_run(outputs, feed, *rest)

    reader._engine.text_det.session.session = Recorder()
    for path in sorted(photos.glob("VizWiz_test_*.jpg"))[::2]:
        with Image.open(path) as image:
            picture = ImageOps.exif_transpose(image).convert("RGB")
            picture.thumbnail((1600, 1600))
            reader.read(np.asarray(picture))
    return captured


def float_nodes(model: Any) -> list[str]:
    """Convolutions kept in float: the first one (it sees the raw image) and the
    detection head after the last feature concatenation (it draws the text
    probability map whose threshold finds the boxes). Quantizing every
    convolution cost 1.5 points of character accuracy on the shared photos
    (photo 42, a curved lid, lost most of its lines)."""
    nodes = list(model.graph.node)
    convs = [node.name for node in nodes if node.op_type == "Conv"]
    last_concat = max(i for i, node in enumerate(nodes) if node.op_type == "Concat")
    head = [node.name for node in nodes[last_concat:] if node.op_type == "Conv"]
    return [convs[0], *head]


def quantize(photos: Path, target: Path) -> None:
    """Write the int8 detector to `target`."""
    import onnx
    from onnx import version_converter
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    inputs = calibration_inputs(photos)

    class Reader(CalibrationDataReader):  # type: ignore[misc]
        def __init__(self) -> None:
            self._items = iter(inputs)

        def get_next(self) -> dict[str, Any] | None:
            return next(self._items, None)

    with tempfile.TemporaryDirectory() as tmp:
        opset13 = Path(tmp) / "det13.onnx"
        prepared = Path(tmp) / "det13_pre.onnx"
        onnx.save(version_converter.convert_version(onnx.load(source_model()), 13), opset13)
        quant_pre_process(str(opset13), str(prepared), skip_symbolic_shape=True)
        quantize_static(
            str(prepared),
            str(target),
            Reader(),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["Conv"],
            nodes_to_exclude=float_nodes(onnx.load(prepared)),
        )
    digest = hashlib.sha256(source_model().read_bytes()).hexdigest()
    print(f"source {SOURCE_NAME} sha256 {digest}; {len(inputs)} calibration inputs")


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("photos", type=Path)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    quantize(args.photos, args.target)


if __name__ == "__main__":
    main()
