"""Benchmark the per-question safety cost: p50/p95 of check_question and of postprocess.

Runs every line of the labelled evaluation set (questions through
`check_question` + `check_image`, generated texts through `postprocess`) on one
core, after one warm-up pass. The budget is 5 ms per question.

    python bench/safety_policy.py [--rounds 5] [--file safety/eval/tuning.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models.types import ImageAnalysis, TextLine
from safety.evaluation import default_eval_path
from safety.pipeline import SafetyPipeline
from safety.types import QuestionVerdict

BUDGET_MS = 5.0


def _analysis(ocr: list[str], explicit_score: float | None = None) -> ImageAnalysis:
    lines = tuple(TextLine(text=line, confidence=1.0) for line in ocr)
    return ImageAnalysis(width=1, height=1, text_lines=lines, explicit_score=explicit_score)


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return p50, p95


def _time(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000.0


def main() -> None:
    """Measure and print the percentiles."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=default_eval_path())
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    # One core: the thread pools are sized when numpy/spaCy load, in create() below.
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    lines = [json.loads(raw) for raw in args.file.read_text(encoding="utf-8").splitlines() if raw]
    pipeline = SafetyPipeline.create()
    questions = [line for line in lines if "q" in line]
    generated = [line for line in lines if "generated" in line]
    question_ms: list[float] = []
    post_ms: list[float] = []
    for round_number in range(args.rounds + 1):  # round 0 warms caches up and is discarded
        for line in questions:
            analysis = _analysis(line.get("ocr", []), line.get("explicit_score"))

            def policy(line: dict[str, Any] = line, analysis: ImageAnalysis = analysis) -> None:
                verdict = pipeline.check_question(line["q"], language=line["lang"])
                if verdict.refusal is None:
                    pipeline.check_image(analysis, language=line["lang"], question=line["q"])

            elapsed = _time(policy)
            if round_number:
                question_ms.append(elapsed)
        for line in generated:
            analysis = _analysis(line.get("ocr", []))

            def post(line: dict[str, Any] = line, analysis: ImageAnalysis = analysis) -> None:
                pipeline.postprocess(
                    line["generated"],
                    question=None,
                    analysis=analysis,
                    verdict=QuestionVerdict(),
                    language=line.get("lang", "en"),
                )

            elapsed = _time(post)
            if round_number:
                post_ms.append(elapsed)
    for label, samples in (("check_question+check_image", question_ms), ("postprocess", post_ms)):
        if not samples:  # e.g. a held-out file with questions only
            print(f"{label:<28} n=0     (no lines of this kind in {args.file.name})")
            continue
        p50, p95 = _percentiles(samples)
        verdict = "ok" if p95 < BUDGET_MS else f"over the {BUDGET_MS:.0f} ms budget"
        print(f"{label:<28} n={len(samples):<5} p50={p50:6.2f} ms  p95={p95:6.2f} ms  {verdict}")
    _worst_case(pipeline)


def _worst_case(pipeline: SafetyPipeline) -> None:
    """Time adversarial questions at the API's 2000-character limit (regex backtracking)."""
    probes = {
        "en": " ".join(["is the man my in the which of how much would look like"] * 40)[:2000],
        "ja": ("この人" * 700)[:2000],
    }
    for language, question in probes.items():
        elapsed = _time(lambda q=question, lang=language: pipeline.check_question(q, language=lang))
        print(f"worst case {language} (2000 chars)   {elapsed:6.2f} ms")


if __name__ == "__main__":
    main()
