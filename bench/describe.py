"""Benchmark the describe pipeline on the shared photos and their questions.

In-process (default): decodes each photo, runs the grounded analyzers (the
`AnalysisSuite`, plus the scene and explicit analyzers when the suite does not
already include them), the safety pipeline when present, and the `local`
backend; reports p50/p95 per analyzer and end to end.

Against a running server (`--server URL --token TOKEN`): posts every photo with
its question to `POST /v1/descriptions` (multipart `photo`, `question`) at 1, 4
and 16 concurrent clients and reports throughput and latency.

Timings on a shared 2-core machine are noisy; run twice and compare.

Old against new in one run (`--compare-ref REF`): the checkout at git REF (a
temporary worktree) and this checkout each run in a worker process of their
own, with the same photos, questions and interpreter; rounds alternate between
them so that load from other jobs falls on both alike. Each round sends every
photo with its question through analyze -> question policy -> describe ->
post-process, `--concurrency` requests at a time on a pool of `--workers`
threads (the service's defaults: 2 and 2). Reported per configuration:
throughput (photos per wall-clock second), CPU seconds per photo (the process's
CPU time, which load from other jobs barely changes: on a dedicated machine
throughput is cores / CPU-seconds-per-photo), and latency p50/p95; then the
new/old ratios. The new checkout passes the question to the analyzers (so that
they skip what it does not need); the old one had no such parameter.

    python bench/describe.py [--repeat 2] [--json out.json]
    python bench/describe.py --compare-ref 8658dd3 --limit 24 --rounds 2
    python bench/describe.py --server http://127.0.0.1:8000 --token $TOKEN
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
DEFAULT_PHOTOS = REPO_ROOT / "qa" / "photos" / "vizwiz"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def load_items(photos: Path, limit: int | None) -> list[tuple[str, str, bytes]]:
    """(file name, question, JPEG bytes) for each photo in questions.json."""
    questions = photos / "questions.json"
    if not questions.exists():
        raise SystemExit(f"photos not found: {questions} (qa/photos/vizwiz in the repository)")
    items = json.loads(questions.read_text())[:limit]
    return [
        (item["image"], item["question"], (photos / item["image"]).read_bytes()) for item in items
    ]


def decode(data: bytes, max_side: int) -> Any:
    """Decode like the app's ingest: EXIF orientation, RGB, downscale for analysis."""
    import io

    import numpy as np
    from PIL import Image, ImageOps

    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    image.thumbnail((max_side, max_side))
    return np.asarray(image)


def summarize(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """p50/p95/mean in ms per stage."""
    return {
        stage: {
            "n": len(values),
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "mean_ms": round(statistics.fmean(values), 1),
        }
        for stage, values in samples.items()
        if values
    }


def print_table(title: str, rows: dict[str, dict[str, float]]) -> None:
    """Print one result table."""
    print(f"\n{title}")
    print(f"{'stage':<22}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    for stage, row in rows.items():
        print(f"{stage:<22}{row['n']:>5}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['mean_ms']:>10}")


async def run_in_process(args: argparse.Namespace) -> dict[str, Any]:
    """Run the pipeline in this process and return the timing summary."""
    from models.analysis import AnalysisSuite
    from models.backends.local import LocalBackend
    from models.types import DescribeRequest

    items = load_items(args.photos, args.limit)
    started = time.perf_counter()
    try:
        suite = AnalysisSuite.create(cache_dir=args.cache_dir)
    except TypeError:  # an older suite without scene/explicit wiring
        suite = AnalysisSuite.create()
    extra: dict[str, Any] = {}
    if getattr(suite, "scene", None) is None:
        from models.analyzers.scene import SceneClassifier

        extra["scene"] = SceneClassifier.create(args.cache_dir)
    if getattr(suite, "explicit", None) is None:
        from models.analyzers.explicit import ExplicitContentScorer

        extra["explicit"] = ExplicitContentScorer()
    safety: Any = None
    try:
        from safety.pipeline import SafetyPipeline

        safety = SafetyPipeline.create() if hasattr(SafetyPipeline, "create") else SafetyPipeline()
    except ImportError:
        pass
    backend = LocalBackend(analyzer_models=suite.model_names())
    startup_s = time.perf_counter() - started
    executor = ThreadPoolExecutor(max_workers=args.workers)
    loop = asyncio.get_running_loop()
    samples: dict[str, list[float]] = defaultdict(list)

    def timed(func: Any, image: Any) -> tuple[Any, float]:
        begin = time.perf_counter()
        result = func(image)
        return result, (time.perf_counter() - begin) * 1000

    for repeat in range(args.repeat + 1):  # the first pass warms up and is not counted
        for _name, question, data in items:
            t0 = time.perf_counter()
            image = await loop.run_in_executor(executor, decode, data, args.max_side)
            t1 = time.perf_counter()
            extra_jobs = {
                name: loop.run_in_executor(executor, timed, analyzer.analyze, image)
                for name, analyzer in extra.items()
            }
            analysis = await suite.analyze(image, executor=executor)
            updates: dict[str, Any] = {}
            timings = dict(analysis.timings_ms)
            for name, job in extra_jobs.items():
                result, ms = await job
                timings[name] = ms
                updates["scene" if name == "scene" else "explicit_score"] = result
            analysis = dataclasses.replace(analysis, timings_ms=timings, **updates)
            t2 = time.perf_counter()
            verdict = safety.check_question(question, language="en") if safety else None
            if safety:
                safety.check_image(analysis, language="en")
            request = DescribeRequest(
                image=image, question=question, detail="standard", language="en", analysis=analysis
            )
            answer = await backend.describe(request)
            if safety:
                safety.postprocess(
                    answer.text,
                    question=question,
                    analysis=analysis,
                    verdict=verdict,
                    language="en",
                )
            t3 = time.perf_counter()
            if repeat == 0:
                continue
            samples["decode"].append((t1 - t0) * 1000)
            for stage, ms in timings.items():
                samples[f"analyzer:{stage}"].append(ms)
            samples["analyze (concurrent)"].append((t2 - t1) * 1000)
            samples["safety+describe"].append((t3 - t2) * 1000)
            samples["end_to_end"].append((t3 - t0) * 1000)
    executor.shutdown()
    summary = summarize(samples)
    print_table(
        f"In-process, {len(items)} photos x {args.repeat}, {args.workers} workers, "
        f"{os.cpu_count()} CPUs (start-up {startup_s:.1f} s)",
        summary,
    )
    return {"mode": "in_process", "startup_s": round(startup_s, 2), "stages": summary}


async def run_against_server(args: argparse.Namespace) -> dict[str, Any]:
    """Post the photos to a running server at each concurrency level."""
    import httpx

    items = load_items(args.photos, args.limit)
    url = args.server.rstrip("/") + "/v1/descriptions"
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    results: dict[str, Any] = {}
    async with httpx.AsyncClient(timeout=args.timeout) as client:
        for concurrency in args.concurrency:
            queue: asyncio.Queue[tuple[str, str, bytes]] = asyncio.Queue()
            for item in items * args.repeat:
                queue.put_nowait(item)
            latencies: list[float] = []
            statuses: dict[str, int] = defaultdict(int)

            async def client_loop(
                queue: asyncio.Queue[tuple[str, str, bytes]] = queue,
                latencies: list[float] = latencies,
                statuses: dict[str, int] = statuses,
            ) -> None:
                while not queue.empty():
                    name, question, data = queue.get_nowait()
                    begin = time.perf_counter()
                    try:
                        response = await client.post(
                            url,
                            headers=headers,
                            files={"photo": (name, data, "image/jpeg")},
                            data={"question": question},
                        )
                        statuses[str(response.status_code)] += 1
                        if response.status_code < 400:
                            latencies.append((time.perf_counter() - begin) * 1000)
                    except httpx.HTTPError as error:
                        statuses[type(error).__name__] += 1

            began = time.perf_counter()
            await asyncio.gather(*(client_loop() for _ in range(concurrency)))
            wall = time.perf_counter() - began
            row = {
                "requests": sum(statuses.values()),
                "ok": len(latencies),
                "statuses": dict(statuses),
                "throughput_rps": round(len(latencies) / wall, 2) if wall else 0.0,
                "p50_ms": round(percentile(latencies, 50), 1),
                "p95_ms": round(percentile(latencies, 95), 1),
            }
            results[str(concurrency)] = row
            print(
                f"clients={concurrency:<3} ok={row['ok']}/{row['requests']} "
                f"throughput={row['throughput_rps']} req/s p50={row['p50_ms']} ms "
                f"p95={row['p95_ms']} ms statuses={row['statuses']}"
            )
    return {"mode": "server", "url": url, "levels": results}


async def serve_worker(args: argparse.Namespace) -> None:
    """Worker for --compare-ref: load the pipeline of the checkout at
    --code-root once, then run every photo once per "run" line on stdin and
    print one JSON line of results."""
    import inspect
    import resource

    sys.path.insert(0, str(args.code_root))
    for name in [m for m in sys.modules if m.split(".")[0] in ("models", "safety", "app")]:
        del sys.modules[name]
    from models.analysis import AnalysisSuite
    from models.backends.local import LocalBackend
    from models.types import DescribeRequest
    from safety.pipeline import SafetyPipeline

    items = load_items(args.photos, args.limit)
    suite = AnalysisSuite.create(cache_dir=args.cache_dir)
    safety = SafetyPipeline.create()
    backend = LocalBackend(analyzer_models=suite.model_names())
    takes_question = "question" in inspect.signature(suite.analyze).parameters
    executor = ThreadPoolExecutor(max_workers=args.workers)
    loop = asyncio.get_running_loop()

    pipeline: Any = None
    if args.pipeline:
        # The service's own path: app ingest, DescribePipeline.describe_photo (which
        # decides per question which analyzers run, where the checkout supports it).
        from app.describe.pipeline import DescribePipeline
        from app.ingest_pool import PhotoDecoder

        pipeline = DescribePipeline(
            decoder=PhotoDecoder(executor=executor, max_workers=args.workers),
            analysis=suite,
            backend=backend,
            safety=safety,
            executor=executor,
        )

    async def one(question: str, data: bytes) -> float:
        begin = time.perf_counter()
        if pipeline is not None:
            await pipeline.describe_photo(
                photo=data, question=question, detail="standard", language="en"
            )
            return (time.perf_counter() - begin) * 1000
        image = await loop.run_in_executor(executor, decode, data, args.max_side)
        extra = {"question": question} if takes_question else {}
        analysis = await suite.analyze(image, executor=executor, language="en", **extra)
        verdict = safety.check_question(question, language="en")
        safety.check_image(analysis, language="en")
        request = DescribeRequest(
            image=image, question=question, detail="standard", language="en", analysis=analysis
        )
        answer = await backend.describe(request)
        await loop.run_in_executor(
            executor,
            lambda: safety.postprocess(
                answer.text, question=question, analysis=analysis, verdict=verdict, language="en"
            ),
        )
        return (time.perf_counter() - begin) * 1000

    print(json.dumps({"ready": True}), flush=True)
    while sys.stdin.readline().strip() == "run":
        gate = asyncio.Semaphore(args.concurrency[0])

        async def gated(question: str, data: bytes, gate: asyncio.Semaphore = gate) -> float:
            async with gate:
                return await one(question, data)

        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        wall0 = time.perf_counter()
        latencies = await asyncio.gather(*(gated(q, d) for _n, q, d in items))
        wall = time.perf_counter() - wall0
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        print(
            json.dumps(
                {"n": len(items), "wall_s": wall, "cpu_s": cpu, "latencies_ms": list(latencies)}
            ),
            flush=True,
        )
    executor.shutdown()


def run_comparison(args: argparse.Namespace) -> dict[str, Any]:
    """Old (git ref) against new (this checkout), interleaved rounds, one run."""
    import subprocess
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="sightline-ref-"))
    roots: dict[str, Path] = {}
    added: list[Path] = []
    for name, ref in (("old", args.compare_ref), ("new", args.against_ref)):
        if ref is None:
            roots[name] = REPO_ROOT
            continue
        roots[name] = tmp / name
        added.append(roots[name])
        subprocess.run(
            ["git", "-C", str(REPO_ROOT), "worktree", "add", "--detach", str(roots[name]), ref],
            check=True,
            capture_output=True,
        )
    workers: dict[str, subprocess.Popen[str]] = {}
    try:
        for name, root in roots.items():
            command = [
                sys.executable, str(Path(__file__).resolve()), "--worker",
                "--code-root", str(root), "--photos", str(args.photos),
                "--workers", str(args.compare_workers), "--max-side", str(args.max_side),
                "--concurrency", str(args.compare_concurrency),
            ]  # fmt: skip
            if args.limit:
                command += ["--limit", str(args.limit)]
            if args.cache_dir:
                command += ["--cache-dir", str(args.cache_dir)]
            if args.pipeline:
                command.append("--pipeline")
            extra_env = dict(item.split("=", 1) for item in getattr(args, f"{name}_env"))
            workers[name] = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=root,
                env={**os.environ, **extra_env},
            )
        for process in workers.values():
            _read_json(process)  # {"ready": true} once its models are loaded
        results: dict[str, list[dict[str, Any]]] = {name: [] for name in roots}
        order = list(roots)
        for round_number in range(args.rounds + 1):  # round 0 warms up and is not counted
            for name in order if round_number % 2 else reversed(order):
                process = workers[name]
                assert process.stdin is not None
                process.stdin.write("run\n")
                process.stdin.flush()
                outcome = _read_json(process)
                if round_number:
                    results[name].append(outcome)
                print(
                    f"round {round_number} {name}: {outcome['n'] / outcome['wall_s']:.2f} photos/s, "
                    f"{outcome['cpu_s'] / outcome['n']:.2f} CPU s/photo, "
                    f"load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
    finally:
        for process in workers.values():
            if process.stdin:
                process.stdin.close()
            process.wait(timeout=120)
        for root in added:
            subprocess.run(
                ["git", "-C", str(REPO_ROOT), "worktree", "remove", "--force", str(root)],
                check=False,
                capture_output=True,
            )
    summary = {name: _summarise(rounds) for name, rounds in results.items()}
    ratio = {
        "throughput_new_over_old": round(
            summary["new"]["throughput"] / summary["old"]["throughput"], 2
        ),
        "cpu_per_photo_old_over_new": round(
            summary["old"]["cpu_s_per_photo"] / summary["new"]["cpu_s_per_photo"], 2
        ),
        "p50_new_over_old": round(summary["new"]["p50_ms"] / summary["old"]["p50_ms"], 2),
    }
    print(
        f"\nold = {args.compare_ref} {args.old_env}, "
        f"new = {args.against_ref or 'this checkout'} {args.new_env}; "
        f"{'DescribePipeline' if args.pipeline else 'suite.analyze'}; "
        f"load average {os.getloadavg()}"
    )
    for name, row in summary.items():
        print(f"{name}: {row}")
    print(f"ratios: {ratio}")
    return {"mode": "compare", "ref": args.compare_ref, "summary": summary, "ratios": ratio}


def _read_json(process: Any) -> dict[str, Any]:
    """The next JSON line a worker prints (other lines are its logs)."""
    assert process.stdout is not None
    while True:
        line = process.stdout.readline()
        if not line:
            raise SystemExit("a benchmark worker exited early; run it alone to see why")
        if line.startswith("{"):
            return dict(json.loads(line))


def _summarise(rounds: list[dict[str, Any]]) -> dict[str, float]:
    photos = sum(r["n"] for r in rounds)
    latencies = [ms for r in rounds for ms in r["latencies_ms"]]
    return {
        "throughput": round(photos / sum(r["wall_s"] for r in rounds), 3),
        "cpu_s_per_photo": round(sum(r["cpu_s"] for r in rounds) / photos, 3),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--photos", type=Path, default=DEFAULT_PHOTOS, help="folder with questions.json"
    )
    parser.add_argument("--limit", type=int, default=None, help="use only the first N photos")
    parser.add_argument("--repeat", type=int, default=1, help="measured passes over the photos")
    parser.add_argument(
        "--max-side", type=int, default=1280, help="analysis downscale (in-process)"
    )
    parser.add_argument(
        "--workers", type=int, default=4, help="analyzer thread pool size (in-process)"
    )
    parser.add_argument("--cache-dir", type=Path, default=None, help="converted-model cache")
    parser.add_argument("--server", default=None, help="base URL of a running Sightline server")
    parser.add_argument("--token", default=os.environ.get("SIGHTLINE_TOKEN"), help="bearer token")
    parser.add_argument(
        "--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 4, 16]
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="per request, seconds")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--compare-ref", default=None, help="git ref to compare against")
    parser.add_argument(
        "--against-ref", default=None, help="git ref for 'new' (default: this checkout)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="measured rounds per configuration")
    parser.add_argument(
        "--compare-workers", type=int, default=2, help="thread pool per configuration (service: 2)"
    )
    parser.add_argument(
        "--compare-concurrency", type=int, default=2, help="requests in flight per configuration"
    )
    parser.add_argument(
        "--old-env", nargs="*", default=[], help="KEY=VALUE for the old worker (isolate a factor)"
    )
    parser.add_argument("--new-env", nargs="*", default=[], help="KEY=VALUE for the new worker")
    parser.add_argument(
        "--pipeline",
        action="store_true",
        help="--compare-ref: run each photo through DescribePipeline.describe_photo (the "
        "service's path: app ingest, per-question analyzer skipping) instead of the suite",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code-root", type=Path, default=REPO_ROOT, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark selected by the options."""
    args = parse_args(argv)
    if args.worker:
        asyncio.run(serve_worker(args))
        return
    if args.compare_ref:
        result = run_comparison(args)
    else:
        runner = run_against_server if args.server else run_in_process
        result = asyncio.run(runner(args))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
