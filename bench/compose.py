"""Compare composers (old git ref against this checkout) on cached analyses.

Reads the analyses written by `bench/compose_cache.py` (the shared photos =
tuning set, `bench/heldout` = held-out set, `bench/data/face_tuning`), so both
composers answer from exactly the same findings, in seconds:

1. QA proxy: every case of `qa/cases.jsonl` through question/image policy,
   the `local` backend, post-processing and `build_result`, checked with the QA
   expectations (the real QA run also decodes and analyzes; this does not).
2. Probes per issue-12 class (`PROBES` below), with an automatic verdict each.

    python bench/compose.py                       # this checkout only
    python bench/compose.py --compare-ref main    # old (ref) and new side by side
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE = REPO_ROOT / "bench" / "data" / "compose_analyses.json"
HELDOUT_LABELS = REPO_ROOT / "bench" / "heldout" / "labels.json"

PEOPLE_QUESTIONS = {
    "describe": "Describe the person.",
    "wearing": "What is she wearing?",
    "smiling": "Is he smiling?",
    "facing": "Is my friend looking at the camera?",
}
# The ten people answers reported before/after (photo, question key, language).
TEN_PEOPLE = (
    ("shared/VizWiz_test_00000045.jpg", "describe", "en"),
    ("shared/VizWiz_test_00000045.jpg", "wearing", "en"),
    ("shared/VizWiz_test_00000043.jpg", "facing", "en"),
    ("shared/VizWiz_test_00000026.jpg", "smiling", "en"),
    ("heldout/skimage_astronaut.png", "describe", "en"),
    ("heldout/skimage_astronaut.png", "smiling", "ja"),
    ("heldout/face_recognition_biden.jpg", "wearing", "en"),
    ("heldout/skimage_camera.png", "facing", "en"),
    ("heldout/insightface_t1.jpg", "smiling", "en"),
    ("heldout/opencv_basketball1.png", "describe", "ja"),
)


def load_roots(code_root: Path) -> dict[str, Any]:
    """Import the composer, safety and result builder of the checkout at `code_root`."""
    sys.path.insert(0, str(code_root))
    from app.describe.result import build_result
    from app.qa.cases import load_cases
    from app.qa.expectations import evaluate
    from models.backends.local import LocalBackend
    from models.types import DescribeRequest, ImageAnalysis
    from safety.pipeline import SafetyPipeline

    return {
        "build_result": build_result, "load_cases": load_cases, "evaluate": evaluate,
        "backend": LocalBackend(analyzer_models=()), "request": DescribeRequest,
        "analysis": ImageAnalysis, "safety": SafetyPipeline.create(),
    }  # fmt: skip


async def answer(
    env: dict[str, Any],
    analysis: Any,
    question: str | None,
    language: str,
    detail: str = "standard",
) -> dict[str, Any]:
    """The contract JSON the service would return for this analysis and question."""
    safety = env["safety"]
    verdict = safety.check_question(question, language=language)
    refusal = safety.check_image(analysis, language=language, question=question) or verdict.refusal
    from safety.types import SafetyOutcome

    if refusal is not None:
        outcome, generated = SafetyOutcome(text=refusal.message, refusal=refusal), None
    else:
        request = env["request"](
            image=None, question=question, detail=detail, language=language, analysis=analysis
        )
        generated = await env["backend"].describe(request)
        outcome = safety.postprocess(
            generated.text,
            question=question,
            analysis=analysis,
            verdict=verdict,
            language=language,
            generative=False,
        )
    result = env["build_result"](
        analysis=analysis,
        outcome=outcome,
        answer=generated,
        backend_name="local",
        analysis_models=(),
        language=language,
        detail=detail,
    )
    return dict(result.model_dump(mode="json"))


async def run_worker(code_root: Path) -> dict[str, Any]:
    """All answers of one checkout, as JSON."""
    env = load_roots(code_root)
    cache = json.loads(CACHE.read_text())
    analyses = {key: env["analysis"].from_dict(value) for key, value in cache.items()}
    out: dict[str, Any] = {"qa": {}, "probes": {}}
    for case in env["load_cases"](REPO_ROOT / "qa" / "cases.jsonl"):
        key = "shared/" + Path(case.photo).name
        if key not in analyses:
            continue
        described = await answer(
            env, analyses[key], case.question, case.language or "en", case.detail
        )
        verdicts = env["evaluate"](case.expect, described, question=case.question)
        out["qa"][case.id] = {
            "passed": all(v.passed for v in verdicts), "text": described["text"],
            "failed": [v.message for v in verdicts if not v.passed],
        }  # fmt: skip
    for key, question, language in probe_list(analyses):
        described = await answer(env, analyses[key], question, language)
        out["probes"][f"{key}|{question}|{language}"] = described["text"]
    return out


def probe_list(analyses: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    """(photo key, question, language) for every probe."""
    probes: list[tuple[str, str | None, str]] = []
    for key, analysis in sorted(analyses.items()):
        if analysis.faces:
            for question in PEOPLE_QUESTIONS.values():
                probes.append((key, question, "en"))
                probes.append((key, question, "ja"))
        probes.append((key, "What is this?", "en"))
        probes.append((key, "What does it say?", "en"))
        probes.append((key, "これは何ですか？", "ja"))
    probes.append(("heldout/r05_milk_upside_down.jpg", "Which milk is this?", "en"))
    probes.append(("shared/VizWiz_test_00000067.jpg", "Wondering what it is, whole milk?", "en"))
    probes.append(("shared/VizWiz_test_00000056.jpg", "What color are my shoes?", "en"))
    probes.append(("heldout/r08_laptop_sticker.jpg", "What colour is my laptop?", "en"))
    probes.append(("heldout/opencv_fruits.jpg", "What colour are my shoes?", "en"))
    return probes


def worker_json(code_root: Path) -> dict[str, Any]:
    """Run a worker for `code_root` in its own interpreter (modules of one checkout only)."""
    done = subprocess.run(
        [sys.executable, __file__, "--worker", str(code_root)],
        check=True, capture_output=True, text=True, cwd=code_root,
    )  # fmt: skip
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    """Run old and/or new and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--compare-ref", default=None)
    parser.add_argument("--worker", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(asyncio.run(run_worker(args.worker))))
        return
    results: dict[str, Any] = {}
    if args.compare_ref:
        tmp = Path(tempfile.mkdtemp(prefix="sightline-compose-")) / "old"
        subprocess.run(
            [
                "git",
                "-C",
                str(REPO_ROOT),
                "worktree",
                "add",
                "--detach",
                str(tmp),
                args.compare_ref,
            ],
            check=True,
            capture_output=True,
        )
        try:
            results["old"] = worker_json(tmp)
        finally:
            subprocess.run(
                ["git", "-C", str(REPO_ROOT), "worktree", "remove", "--force", str(tmp)],
                check=False,
                capture_output=True,
            )
    results["new"] = worker_json(REPO_ROOT)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    sys.path.insert(0, str(REPO_ROOT))
    from bench.compose_report import report

    report(results, json.loads(HELDOUT_LABELS.read_text())["photos"], TEN_PEOPLE, PEOPLE_QUESTIONS)


if __name__ == "__main__":
    main()
