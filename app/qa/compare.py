"""Compare two QA runs (`--out` directories): flipped cases both ways, the change of
every metric and of latency, word diffs of the answers of flipped cases.

A regression is any case that went from pass to fail, or a metric (pass rate
overall, per expectation kind, per tag; VQA accuracy) that fell by more than the
tolerance, in percentage points. Latency is reported, never judged: on a shared
machine it moves with the load."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.qa.results import read_records, read_summary


@dataclass(frozen=True)
class Flip:
    """A case whose verdict changed between the runs."""

    id: str
    failed_before: list[str]
    failed_after: list[str]
    answer_before: str
    answer_after: str

    def diff(self) -> list[tuple[str, str]]:
        """Word diff of the answers: ("same"|"removed"|"added", words)."""
        before, after = self.answer_before.split(), self.answer_after.split()
        pieces: list[tuple[str, str]] = []
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                pieces.append(("same", " ".join(before[a1:a2])))
                continue
            if a2 > a1:
                pieces.append(("removed", " ".join(before[a1:a2])))
            if b2 > b1:
                pieces.append(("added", " ".join(after[b1:b2])))
        return pieces


@dataclass(frozen=True)
class MetricChange:
    """One metric in both runs (fractions 0..1) and whether it fell past the tolerance."""

    name: str
    before: float | None
    after: float | None
    regressed: bool

    @property
    def delta_points(self) -> float | None:
        """The change in percentage points."""
        if self.before is None or self.after is None:
            return None
        return (self.after - self.before) * 100


@dataclass(frozen=True)
class Comparison:
    """Everything `qa compare` reports."""

    run_a: str
    run_b: str
    regressions: list[Flip]
    fixes: list[Flip]
    only_a: list[str]
    only_b: list[str]
    metrics: list[MetricChange]
    latency: list[tuple[str, float | None, float | None]]
    tolerance: float

    @property
    def regressed(self) -> bool:
        """Any pass→fail, or a metric down by more than the tolerance."""
        return bool(self.regressions) or any(m.regressed for m in self.metrics)


def _metrics(summary: dict[str, Any]) -> dict[str, float | None]:
    values: dict[str, float | None] = {"pass rate": summary.get("pass_rate")}
    for kind, row in summary.get("by_kind", {}).items():
        values[f"pass rate: {kind}"] = row.get("pass_rate")
    for tag, row in summary.get("by_tag", {}).items():
        values[f"pass rate, tag {tag}"] = row.get("pass_rate")
    vqa = summary.get("vqa")
    values["VQA accuracy"] = vqa.get("accuracy") if vqa else None
    return values


def _flip(record_a: dict[str, Any], record_b: dict[str, Any]) -> Flip:
    def answer(record: dict[str, Any]) -> str:
        if record.get("error"):
            return f"(not described: {record['error']})"
        return str((record.get("description") or {}).get("text") or "")

    return Flip(id=record_a["id"], failed_before=list(record_a.get("failed") or []),
                failed_after=list(record_b.get("failed") or []),
                answer_before=answer(record_a), answer_after=answer(record_b))


def compare_runs(run_a: Path, run_b: Path, *, tolerance: float = 0.0) -> Comparison:
    """Compare run B (the new one) against run A (the baseline)."""
    records_a = {r["id"]: r for r in read_records(run_a)}
    records_b = {r["id"]: r for r in read_records(run_b)}
    common = [case_id for case_id in records_a if case_id in records_b]
    regressions = [_flip(records_a[i], records_b[i]) for i in common
                   if records_a[i]["passed"] and not records_b[i]["passed"]]
    fixes = [_flip(records_a[i], records_b[i]) for i in common
             if not records_a[i]["passed"] and records_b[i]["passed"]]
    summary_a, summary_b = read_summary(run_a), read_summary(run_b)
    metrics_a, metrics_b = _metrics(summary_a), _metrics(summary_b)
    metrics = []
    for name in dict.fromkeys([*metrics_a, *metrics_b]):
        before, after = metrics_a.get(name), metrics_b.get(name)
        fell = before is not None and after is not None and (before - after) * 100 > tolerance
        metrics.append(MetricChange(name=name, before=before, after=after, regressed=fell))
    latency = [(name, (summary_a.get("latency_ms") or {}).get(name),
                (summary_b.get("latency_ms") or {}).get(name)) for name in ("p50", "p95")]
    return Comparison(run_a=str(run_a), run_b=str(run_b), regressions=regressions, fixes=fixes,
                      only_a=[i for i in records_a if i not in records_b],
                      only_b=[i for i in records_b if i not in records_a],
                      metrics=metrics, latency=latency, tolerance=tolerance)


def _points(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def format_comparison(comparison: Comparison) -> str:
    """The plain-text report printed by `qa compare`."""
    lines = [f"Comparing {comparison.run_b} (new) against {comparison.run_a} (baseline)"]
    for title, flips in (("pass → fail", comparison.regressions),
                         ("fail → pass", comparison.fixes)):
        lines.append(f"{title}: {len(flips)}")
        for flip in flips:
            lines.append(f"  {flip.id}: failed before [{', '.join(flip.failed_before)}], "
                         f"now [{', '.join(flip.failed_after)}]")
            lines.append(f"    - {flip.answer_before}")
            lines.append(f"    + {flip.answer_after}")
    if comparison.only_a or comparison.only_b:
        lines.append(f"only in the baseline: {', '.join(comparison.only_a) or 'none'}; "
                     f"only in the new run: {', '.join(comparison.only_b) or 'none'}")
    lines.append(f"metrics (tolerance {comparison.tolerance:g} points):")
    for metric in comparison.metrics:
        delta = metric.delta_points
        change = "n/a" if delta is None else f"{delta:+.1f} points"
        flag = "  REGRESSION" if metric.regressed else ""
        lines.append(f"  {metric.name}: {_points(metric.before)} → {_points(metric.after)} "
                     f"({change}){flag}")
    for name, before, after in comparison.latency:
        if before is not None and after is not None:
            lines.append(f"  latency {name}: {before:.0f} ms → {after:.0f} ms "
                         f"({after - before:+.0f} ms; reported, not judged)")
    lines.append("REGRESSED" if comparison.regressed else "no regression")
    return "\n".join(lines)


def write_comparison_html(comparison: Comparison, path: Path) -> None:
    """The comparison page: self-contained and accessible like report.html."""
    from app.qa.report_html import template_environment

    html = template_environment().get_template("compare.html").render(c=comparison)
    path.write_text(html, encoding="utf-8")
