"""Per-class figures on the shared (tuning) and held-out photos: motion blur,
objects (the scene classifier, frame and centre crop) and text area.

    python bench/heldout/evaluate.py [--photos ../shared/photos/vizwiz]

Faces and their attributes: `bench/faces.py --attributes`; OCR: `bench/ocr.py`.
Motion labels: bench/data/motion_labels.json (shared) and bench/heldout/labels.json.
Photos are decoded as the service does (app.ingest.decode_photo: EXIF rotation,
at most 1600 px).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
HELDOUT = ROOT / "bench" / "heldout"
SHARED = ROOT.parent / "shared" / "photos" / "vizwiz"


def load(path: Path) -> Any:
    from app.ingest import decode_photo

    return decode_photo(path.read_bytes()).image


def motion_report(name: str, items: list[tuple[str, Path, bool | None]]) -> None:
    """Motion-blur rule (blurry issue with cause "motion") against the labels."""
    from models.analyzers.quality import QualityAnalyzer

    analyzer = QualityAnalyzer()
    tp = fp = fn = tn = 0
    blurry_any = 0
    misses: list[str] = []
    for photo, path, truth in items:
        report = analyzer.analyze(load(path))
        moved = any(i.kind == "blurry" and i.cause == "motion" for i in report.issues)
        blurry_any += any(i.kind == "blurry" for i in report.issues) and bool(truth)
        if truth is None:
            continue
        if truth and moved:
            tp += 1
        elif truth:
            fn += 1
            misses.append(f"missed {photo}")
        elif moved:
            fp += 1
            misses.append(f"false {photo}")
        else:
            tn += 1
    print(
        f"{name}: motion blur found {tp}/{tp + fn} (any 'blurry' on {blurry_any}), "
        f"false on {fp}/{fp + tn} photos without motion blur"
    )
    for line in misses:
        print("   ", line)


def object_report(name: str, items: list[tuple[str, Path, list[str], bool]]) -> None:
    """Top-1 of the frame, and the main object (frame or centre crop)."""
    from models.analyzers.scene import SceneClassifier

    classifier = SceneClassifier.create()
    top1 = main_right = said = 0
    rows = []
    for photo, path, accepted, _large in items:
        labels = classifier.analyze(load(path))
        main = classifier.main_object(labels) if hasattr(classifier, "main_object") else None
        top = labels[0].label if labels else ""
        top1 += top in accepted
        if main is not None:
            said += 1
            main_right += main.label in accepted
        rows.append(
            f"   {photo[:30]:30} top={top!r} p={labels[0].probability if labels else 0:.2f} "
            f"main={None if main is None else (main.label, main.probability, main.extent)}"
        )
    print(
        f"{name}: frame top-1 right on {top1}/{len(items)}; main object said on {said}, "
        f"right on {main_right}"
    )
    print("\n".join(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, default=SHARED)
    parser.add_argument("--only", choices=("motion", "objects"), default=None)
    args = parser.parse_args()
    heldout = json.loads((HELDOUT / "labels.json").read_text())["photos"]
    shared_motion = json.loads((ROOT / "bench" / "data" / "motion_labels.json").read_text())
    if args.only in (None, "motion"):
        motion_report(
            "shared (tuning)",
            [(n, args.photos / n, t) for n, t in sorted(shared_motion["photos"].items())],
        )
        motion_report(
            "held-out",
            [(n, HELDOUT / "photos" / n, e.get("motion_blur")) for n, e in sorted(heldout.items())],
        )
    if args.only in (None, "objects"):
        object_report(
            "held-out",
            [
                (n, HELDOUT / "photos" / n, e["objects"], bool(e.get("object_large")))
                for n, e in sorted(heldout.items())
                if e.get("objects")
            ],
        )


if __name__ == "__main__":
    main()
