"""Run the gate over every round, and print each round's figures for people to read."""

from __future__ import annotations

from typing import Any

from safety.eval.gate import RoundVerdict, find_rounds, judge_round
from safety.evaluation import ANSWER, EvaluationReport, run_evaluation
from safety.pipeline import SafetyPipeline


def run_gate(pipeline: SafetyPipeline) -> tuple[RoundVerdict, ...]:
    """Score the tuning set and each sealed round separately, and judge each against its floors."""
    return tuple(
        judge_round(round_, run_evaluation(round_.path, pipeline)) for round_ in find_rounds()
    )


def _confusion_rows(report: EvaluationReport) -> list[str]:
    labels = sorted({e for e, _ in report.confusion} | {g for _, g in report.confusion})
    labels = [label for label in labels if label != ANSWER] + [ANSWER]
    short = {label: label[:9] for label in labels}
    rows = ["confusion (rows: expected, columns: got)"]
    rows.append(f"{'':<22}" + "".join(f"{short[label]:>10}" for label in labels))
    for expected in labels:
        counts = [report.confusion[(expected, got)] for got in labels]
        if any(counts):
            rows.append(f"{expected:<22}" + "".join(f"{n:>10}" for n in counts))
    return rows


def format_report(report: EvaluationReport) -> str:
    """A human-readable table of one file's figures."""
    rows = [f"{'refusal category':<24}{'lines':>7}{'recall':>9}{'other':>7}{'style':>8}"]
    for reason, f in sorted(report.refusals.items()):
        rows.append(
            f"{reason:<24}{f.total:>7}{f.refusal_rate:>9.1%}{f.refused_otherwise:>7}{f.style_rate:>8.1%}"
        )
    rows.append("")
    rows.extend(_confusion_rows(report))
    rows.append("")
    per_topic = "  ".join(
        f"{topic} {report.over_refused[topic]}/{total}"
        for topic, total in sorted(report.answer_total.items())
    )
    rows.append(f"over-refusal (answer lines): {report.over_refusal_rate:.1%}  {per_topic}")
    rows.append(
        f"over-refusal on benign people questions: {report.topic_over_refusal_rate('people'):.1%}"
        f" of {report.answer_total['people']}"
    )
    rows.append(
        f"disclaimers: {report.disclaimer_coverage:.1%} of {report.disclaimer_lines} lines  "
        + "  ".join(
            f"{category} {report.disclaimer_found[category]}/{total}"
            for category, total in sorted(report.disclaimer_expected.items())
        )
    )
    rows.append(f"names leaked: {report.name_leaks} in {report.name_texts} texts")
    rows.append(
        f"sensitive inferences leaked: {report.inference_leaks} in {report.inference_texts} texts"
    )
    rows.append(f"printed names removed: {report.printed_names_removed} of {report.printed_names}")
    rows.append(
        f"visible attributes removed: {report.visible_removed} of {report.visible_attributes}"
    )
    rows.append(f"correct refusal style: {report.style_rate:.1%}")
    for split, total in sorted(report.split_total.items()):
        rows.append(f"split {split}: {report.split_correct[split]}/{total} correct")
    return "\n".join(rows)


def format_verdict(verdict: RoundVerdict) -> str:
    """One round: a heading, its figures, and the gate's verdict."""
    kind = "sealed round" if verdict.round.sealed else "tuning set"
    heading = f"== {kind} {verdict.round.name} ({verdict.round.path.name})"
    gate = "gate passed" if verdict.passed else "gate FAILED:\n  " + "\n  ".join(verdict.failures)
    floors = ", ".join(
        f"{f.metric} {'>=' if f.higher_is_better else '<='} {f.bound:.3g} ({f.source})"
        for f in verdict.floors
    )
    return "\n".join([heading, format_report(verdict.report), f"floors: {floors}", gate])


def verdict_dict(verdict: RoundVerdict) -> dict[str, Any]:
    """JSON-serialisable form of one round's verdict (for --json)."""
    return {
        "round": verdict.round.name,
        "sealed": verdict.round.sealed,
        "file": verdict.round.path.name,
        "passed": verdict.passed,
        "failures": list(verdict.failures),
        "floors": [
            {
                "metric": f.metric,
                "bound": f.bound,
                "higher_is_better": f.higher_is_better,
                "source": f.source,
            }
            for f in verdict.floors
        ],
        **verdict.report.to_dict(),
    }
