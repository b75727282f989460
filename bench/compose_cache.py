"""Analyze the shared, held-out and face-tuning photos once and keep the analyses.

The composer reads only `ImageAnalysis`; caching it lets `bench/compose.py`
compare old and new composers on exactly the same findings in seconds, and
lets the composer's tests run on real photos' findings without loading models.

    python bench/compose_cache.py [--out bench/data/compose_analyses.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
SETS = {
    "shared": REPO_ROOT / "qa" / "photos" / "vizwiz",
    "heldout": REPO_ROOT / "bench" / "heldout" / "photos",
    "face_tuning": REPO_ROOT / "bench" / "data" / "face_tuning",
}
SUFFIXES = {".jpg", ".jpeg", ".png"}


def decode(path: Path) -> object:
    """Decode exactly as the service's ingest does (orientation, downscale)."""
    from app.ingest import decode_photo

    return decode_photo(path.read_bytes()).image


async def main() -> None:
    """Analyze every photo with every analyzer and write one JSON file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench/data/compose_analyses.json")
    parser.add_argument("--only", nargs="*", default=list(SETS))
    args = parser.parse_args()
    from models.analysis import AnalysisSuite

    suite = AnalysisSuite.create()
    executor = ThreadPoolExecutor(max_workers=2)
    cached: dict[str, dict[str, object]] = (
        json.loads(args.out.read_text()) if args.out.exists() else {}
    )
    for name in args.only:
        for path in sorted(SETS[name].iterdir()):
            key = f"{name}/{path.name}"
            if path.suffix.lower() not in SUFFIXES or key in cached:
                continue
            analysis = await suite.analyze(decode(path), executor=executor, all_analyzers=True)
            data = analysis.to_dict()
            data["timings_ms"] = {}
            cached[key] = data
            args.out.write_text(json.dumps(cached, sort_keys=True))
            print(key, flush=True)
    executor.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
