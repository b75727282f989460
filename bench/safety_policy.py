"""Benchmark the per-question safety cost: p50/p95 of check_question and of postprocess.

Runs every line of the labelled evaluation set (questions through
`check_question` + `check_image`, generated texts through `postprocess`) on one
core, after one warm-up pass, for the rules alone and for the rules with the
learned second stage, in the same run (so the ratio holds on a loaded machine).
Wall time and this thread's CPU time are both reported: on a shared machine the
wall time includes waiting for the core. Budgets: 5 ms per question for the
rules, 10 ms with the learned stage (issue 10). Also prints the resident memory
that loading the learned stage added.

    taskset -c 0 python bench/safety_policy.py [--rounds 2] [--file safety/eval/tuning.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models.types import ImageAnalysis, TextLine
from safety.checks.names import SpacyPersonNer
from safety.evaluation import default_eval_path
from safety.pipeline import SafetyPipeline, default_checks
from safety.second_stage import SecondStage
from safety.types import QuestionVerdict

BUDGET_MS = {"rules": 5.0, "rules+learned": 10.0, "learned,seen": 10.0}


def _analysis(ocr: list[str], explicit_score: float | None = None) -> ImageAnalysis:
    lines = tuple(TextLine(text=line, confidence=1.0) for line in ocr)
    return ImageAnalysis(width=1, height=1, text_lines=lines, explicit_score=explicit_score)


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return p50, p95


def _resident_mb() -> float:
    """This process's resident set size now (Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _time(call: Callable[[], Any]) -> tuple[float, float]:
    """(wall ms, this thread's CPU ms) of one call."""
    started, cpu = time.perf_counter(), time.thread_time()
    call()
    return (time.perf_counter() - started) * 1000.0, (time.thread_time() - cpu) * 1000.0


def main() -> None:
    """Measure and print the percentiles."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=default_eval_path())
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    # One core: the thread pools are sized when numpy/spaCy load, in create() below.
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    lines = [json.loads(raw) for raw in args.file.read_text(encoding="utf-8").splitlines() if raw]
    checks = default_checks(ner=SpacyPersonNer.load())
    rules = SafetyPipeline(text_checks=checks)
    before = _resident_mb()
    stage = SecondStage.load()
    stage.find("warm up the model pages", language="en")
    print(f"resident memory added by the learned stage: {_resident_mb() - before:.0f} MB")
    learned = SafetyPipeline(text_checks=checks, second_stage=stage)
    _measure("rules", rules, lines, rounds=args.rounds, name=args.file.name)
    # New questions: the learned stage's cache is emptied before each one, so every question
    # that reaches the classifier pays for its embedding (the honest per-question cost).
    _measure(
        "rules+learned",
        learned,
        lines,
        rounds=args.rounds,
        name=args.file.name,
        reset=stage.clear_cache,
    )
    # Repeated questions (the same text asked again, e.g. "what does this say"): cache hits.
    _measure("learned,seen", learned, lines, rounds=args.rounds, name=args.file.name)
    _worst_case(learned)


def _measure(
    label: str,
    pipeline: SafetyPipeline,
    lines: list[dict[str, Any]],
    *,
    rounds: int,
    name: str,
    reset: Callable[[], None] | None = None,
) -> None:
    """Time every line `rounds` times (after a warm-up round) and print the percentiles;
    `reset` runs (untimed) before each question."""
    questions = [line for line in lines if "q" in line]
    generated = [line for line in lines if "generated" in line]
    samples: dict[str, list[tuple[float, float]]] = {"question": [], "postprocess": []}
    for round_number in range(rounds + 1):  # round 0 warms caches up and is discarded
        for line in questions:
            analysis = _analysis(line.get("ocr", []), line.get("explicit_score"))

            def policy(line: dict[str, Any] = line, analysis: ImageAnalysis = analysis) -> None:
                verdict = pipeline.check_question(line["q"], language=line["lang"])
                if verdict.refusal is None:
                    pipeline.check_image(analysis, language=line["lang"], question=line["q"])

            if reset is not None:
                reset()
            elapsed = _time(policy)
            if round_number:
                samples["question"].append(elapsed)
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
                samples["postprocess"].append(elapsed)
    for kind, pairs in samples.items():
        if not pairs:  # e.g. a sealed round with questions only
            print(f"{label:<14}{kind:<12} n=0 (no lines of this kind in {name})")
            continue
        wall50, wall95 = _percentiles([wall for wall, _ in pairs])
        cpu50, cpu95 = _percentiles([cpu for _, cpu in pairs])
        budget = BUDGET_MS[label] if kind == "question" else None
        verdict = "" if budget is None else ("ok" if cpu95 <= budget else f"over {budget:.0f} ms")
        print(
            f"{label:<14}{kind:<12} n={len(pairs):<5} wall p50={wall50:6.2f} p95={wall95:6.2f}"
            f"  cpu p50={cpu50:6.2f} p95={cpu95:6.2f} ms  {verdict}"
        )


def _worst_case(pipeline: SafetyPipeline) -> None:
    """Time adversarial questions at the API's 2000-character limit (regex backtracking)."""
    probes = {
        "en": " ".join(["is the man my in the which of how much would look like"] * 40)[:2000],
        "ja": ("この人" * 700)[:2000],
    }
    for language, question in probes.items():
        wall, _ = _time(lambda q=question, lang=language: pipeline.check_question(q, language=lang))
        print(f"worst case {language} (2000 chars)   {wall:6.2f} ms")


if __name__ == "__main__":
    main()
