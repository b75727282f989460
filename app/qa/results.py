"""One case's result, results.jsonl and summary.json."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from app.qa.cases import EXPECTATION_KINDS, Case
from app.qa.describers import Boxes
from app.qa.expectations import Verdict

RESULTS_FILE = "results.jsonl"
SUMMARY_FILE = "summary.json"


@dataclass(frozen=True)
class CaseResult:
    """What one case got: verdicts, the description, latency (or the error)."""

    case: Case
    verdicts: tuple[Verdict, ...]
    description: dict[str, Any] | None
    latency_ms: float | None
    boxes: Boxes | None = None
    error: str | None = None

    @property
    def passed(self) -> bool:
        """A case passes when it was described and every expectation held."""
        return self.error is None and all(v.passed for v in self.verdicts)

    @property
    def failed_kinds(self) -> list[str]:
        """The kinds of the expectations that did not hold."""
        return [v.kind for v in self.verdicts if not v.passed]

    @property
    def vqa(self) -> float | None:
        """The VQA accuracy, when the case has human answers."""
        return next((v.score for v in self.verdicts if v.kind == "answers"), None)

    def to_record(self) -> dict[str, Any]:
        """The results.jsonl object."""
        return {
            **self.case.summary(),
            "passed": self.passed,
            "verdicts": [v.to_dict() for v in self.verdicts],
            "failed": self.failed_kinds,
            "vqa": self.vqa,
            "latency_ms": None if self.latency_ms is None else round(self.latency_ms, 1),
            "error": self.error,
            "description": self.description,
            "boxes": self.boxes.to_dict() if self.boxes else None,
        }


@dataclass
class RunInfo:
    """What was run, where and when (copied into summary.json)."""

    cases_file: str
    mode: str
    server: str | None
    concurrency: int
    cases_total: int
    started_at: str
    duration_s: float = 0.0
    interrupted: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _rate(passed: int, total: int) -> float | None:
    return round(passed / total, 4) if total else None


def _percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "mean": None, "max": None}
    array = np.asarray(values, dtype=float)
    return {"p50": round(float(np.percentile(array, 50)), 1),
            "p95": round(float(np.percentile(array, 95)), 1),
            "mean": round(float(array.mean()), 1), "max": round(float(array.max()), 1)}


def summarize(results: list[CaseResult], info: RunInfo) -> dict[str, Any]:
    """Pass rate overall, per expectation kind and per tag; VQA accuracy; latency."""
    passed = sum(r.passed for r in results)
    by_kind: dict[str, dict[str, Any]] = {}
    for kind in EXPECTATION_KINDS:
        verdicts = [v for r in results for v in r.verdicts if v.kind == kind]
        if verdicts:
            held = sum(v.passed for v in verdicts)
            by_kind[kind] = {"cases": len(verdicts), "passed": held,
                             "pass_rate": _rate(held, len(verdicts))}
    by_tag: dict[str, dict[str, Any]] = {}
    for tag in sorted({tag for r in results for tag in r.case.tags}):
        tagged = [r for r in results if tag in r.case.tags]
        held = sum(r.passed for r in tagged)
        by_tag[tag] = {"cases": len(tagged), "passed": held, "pass_rate": _rate(held, len(tagged))}
    scores = [r.vqa for r in results if r.vqa is not None]
    backends = sorted({str((r.description or {}).get("backend", {}).get("name"))
                       for r in results if r.description})
    return {
        "cases_file": info.cases_file, "mode": info.mode, "server": info.server,
        "concurrency": info.concurrency, "started_at": info.started_at,
        "duration_s": round(info.duration_s, 1), "interrupted": info.interrupted,
        "backends": backends,
        "cases_total": info.cases_total, "cases_run": len(results),
        "passed": passed, "failed": len(results) - passed,
        "errors": sum(r.error is not None for r in results),
        "pass_rate": _rate(passed, len(results)),
        "by_kind": by_kind, "by_tag": by_tag,
        "vqa": {"cases": len(scores), "accuracy": round(sum(scores) / len(scores), 4)}
        if scores else None,
        "latency_ms": _percentiles([r.latency_ms for r in results if r.latency_ms is not None]),
        **info.extra,
    }


def write_results(results: Iterable[CaseResult], path: Path) -> None:
    """Write results.jsonl (one object per case, in the order given)."""
    with path.open("w", encoding="utf-8") as handle:
        for result in results:
            handle.write(json.dumps(result.to_record(), ensure_ascii=False) + "\n")


def write_summary(summary: dict[str, Any], path: Path) -> None:
    """Write summary.json."""
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def read_records(directory: Path) -> list[dict[str, Any]]:
    """The results.jsonl objects of a run directory."""
    path = directory / RESULTS_FILE
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def read_summary(directory: Path) -> dict[str, Any]:
    """The summary.json of a run directory."""
    data: dict[str, Any] = json.loads((directory / SUMMARY_FILE).read_text(encoding="utf-8"))
    return data
