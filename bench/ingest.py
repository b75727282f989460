"""Benchmark photo ingest (decode, orient, strip, downscale) on one core.

    python bench/ingest.py [--repeat 30] [--shared-repeat 5] [--json] [--no-pin] [--cpu N]

Reports p50/p95 of ``decode_photo`` for the shared VizWiz photos and for a
generated 12 MP JPEG (4000×3000, quality 90, EXIF orientation 6, content made
of gradients, soft blobs, shapes, printed text and sensor-like noise), with a
per-step breakdown. The process is pinned to one CPU with
``os.sched_setaffinity`` (Linux only; ``--no-pin`` to skip) so that the figures
are single-core figures; on a shared machine other processes still steal time
from that core, so compare runs made under the same load.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from app import ingest  # noqa: E402

SHARED = ROOT / "qa" / "photos" / "vizwiz"


def pin_to_one_core(cpu: int | None) -> str:
    """Pin this process to one allowed CPU; returns a note for the report."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity on this platform)"
    if cpu is None:
        cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu} of {os.cpu_count()}"


def make_12mp_jpeg(seed: int = 0) -> bytes:
    """A deterministic 4000×3000 quality-90 JPEG that compresses like a phone photo."""
    import cv2

    rng = np.random.default_rng(seed)
    height, width = 3000, 4000
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    pixels = np.stack(
        [x / width * 180 + 30, y / height * 160 + 40, (x + y) / (width + height) * 140 + 60], -1
    )
    blobs = rng.random((30, 40, 3)).astype(np.float32) * 80
    pixels += cv2.resize(blobs, (width, height), interpolation=cv2.INTER_CUBIC)
    for i in range(60):
        colour = tuple(float(v) for v in rng.integers(0, 255, 3))
        corner_a = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        corner_b = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.rectangle(pixels, corner_a, corner_b, colour, -1 if i % 2 else 8)
        origin = (int(rng.integers(0, width - 1000)), int(rng.integers(50, height)))
        cv2.putText(pixels, f"EXP 2026-12-{i % 28 + 1:02d} LOT {i}", origin, 0, 3, (20, 20, 20), 6)
    pixels += rng.normal(0, 6, pixels.shape).astype(np.float32)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    """p50, p95, min and max of a list of milliseconds."""
    ordered = sorted(samples_ms)
    p95_index = min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[p95_index], 1),
        "min_ms": round(ordered[0], 1),
        "max_ms": round(ordered[-1], 1),
    }


def time_ms(fn: Callable[[], Any]) -> float:
    """Wall time of one call, in milliseconds."""
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def step_breakdown(data: bytes, repeat: int) -> dict[str, float]:
    """Median time of each ingest step, replaying decode_photo's steps one by one."""
    steps: dict[str, list[float]] = {
        k: [] for k in ("open_header", "decode", "orient_read", "downscale", "srgb", "rotate_copy")
    }
    for _ in range(repeat):
        t0 = time.perf_counter()
        img = Image.open(io.BytesIO(data), formats=["JPEG", "PNG"])
        t1 = time.perf_counter()
        if img.format in ("JPEG", "MPO"):
            img.draft("RGB", ingest._draft_size(img.size, ingest.DEFAULT_ANALYSIS_MAX_SIDE))
        img.load()
        t2 = time.perf_counter()
        orientation = ingest._read_orientation(img)
        t3 = time.perf_counter()
        small = ingest._downscale(ingest._to_resizable_mode(img), ingest.DEFAULT_ANALYSIS_MAX_SIDE)
        t4 = time.perf_counter()
        rgb = ingest._to_srgb(small, img.info.get("icc_profile"))
        t5 = time.perf_counter()
        transpose = ingest._ORIENTATION_TRANSPOSE.get(orientation)
        upright = rgb.transpose(transpose) if transpose is not None else rgb
        np.array(upright, dtype=np.uint8, order="C")
        t6 = time.perf_counter()
        img.close()
        marks = (t0, t1, t2, t3, t4, t5, t6)
        for name, start, end in zip(steps, marks, marks[1:], strict=False):
            steps[name].append((end - start) * 1000)
    return {name: round(statistics.median(values), 2) for name, values in steps.items()}


def bench_12mp(repeat: int) -> dict[str, Any]:
    """p50/p95 of decode_photo on the generated 12 MP JPEG, with a step breakdown."""
    data = make_12mp_jpeg()
    for _ in range(3):
        ingest.decode_photo(data)  # warm-up
    samples = [time_ms(lambda: ingest.decode_photo(data)) for _ in range(repeat)]
    photo = ingest.decode_photo(data)
    return {
        "file_mb": round(len(data) / 1e6, 2),
        "output": f"{photo.width}x{photo.height}",
        **percentiles(samples),
        "steps_p50_ms": step_breakdown(data, max(5, repeat // 3)),
    }


def bench_shared(repeat: int) -> dict[str, Any]:
    """p50/p95 of decode_photo over every shared photo, each decoded ``repeat`` times."""
    paths = sorted(SHARED.glob("*.jpg"))
    if not paths:
        raise SystemExit(f"no shared photos in {SHARED}")
    samples: list[float] = []
    largest = max(paths, key=lambda p: p.stat().st_size)
    for path in paths:
        data = path.read_bytes()
        ingest.decode_photo(data)  # warm-up
        run = partial(ingest.decode_photo, data)
        samples.extend(time_ms(run) for _ in range(repeat))
    return {
        "photos": len(paths),
        **percentiles(samples),
        "largest_file": largest.name,
        "steps_p50_ms_largest": step_breakdown(largest.read_bytes(), max(5, repeat)),
    }


def main() -> None:
    """Run the benchmark and print a table (or JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="runs of the 12 MP JPEG")
    parser.add_argument("--shared-repeat", type=int, default=5, help="runs per shared photo")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--no-pin", action="store_true", help="do not pin to one core")
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin to (default: first)")
    args = parser.parse_args()

    pin_note = "not pinned (--no-pin)" if args.no_pin else pin_to_one_core(args.cpu)
    report: dict[str, Any] = {
        "pinning": pin_note,
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "shared_photos": bench_shared(args.shared_repeat),
        "jpeg_12mp": bench_12mp(args.repeat),
        "target": "p95 <= 80 ms for the 12 MP JPEG on one core",
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"ingest benchmark — {pin_note}; load average {report['load_average']}")
    print(f"{'set':<16}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'min ms':>10}{'max ms':>10}")
    for name in ("shared_photos", "jpeg_12mp"):
        row = report[name]
        print(
            f"{name:<16}{row['n']:>6}{row['p50_ms']:>10}{row['p95_ms']:>10}"
            f"{row['min_ms']:>10}{row['max_ms']:>10}"
        )
    twelve = report["jpeg_12mp"]
    print(f"12 MP JPEG: {twelve['file_mb']} MB → {twelve['output']}; steps (p50 ms):")
    for step, value in twelve["steps_p50_ms"].items():
        print(f"  {step:<14}{value:>8}")
    print(f"target: {report['target']}")


if __name__ == "__main__":
    main()
