"""report.html: one self-contained, accessible page for a QA run.

Nothing is loaded from outside (photos are `data:` thumbnails, styles and the
small filter script are inline, and a Content-Security-Policy forbids anything
else). One h1, a heading per case, a real table with a caption and header
cells, a skip link, alt text on every photo, verdicts in words. The failure
filter is progressive: without scripts every case shows and the list of failing
cases links to each one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from app.qa.cases import EXPECTATION_KINDS
from app.qa.results import CaseResult
from app.qa.thumbnails import make_thumbnail

KIND_LABELS = {
    "read": "Text read", "say_any": "Says one of", "say_none": "Says none of",
    "quality": "Photo problems (all)", "quality_any": "Photo problems (any)",
    "disclaimer": "Disclaimers", "refusal": "Refusal", "people": "People count",
    "answers": "Human answers (VQA)",
}


def _percent(value: float | None) -> str:
    return "not measured" if value is None else f"{value * 100:.1f}%"


def _milliseconds(value: float | None) -> str:
    return "not measured" if value is None else f"{value:,.0f} ms"


def template_environment() -> Environment:
    """The Jinja2 environment of the QA pages (autoescaped, with number filters)."""
    environment = Environment(loader=PackageLoader("app.qa", "templates"),
                              autoescape=select_autoescape(["html"]), trim_blocks=True,
                              lstrip_blocks=True)
    environment.filters["percent"] = _percent
    environment.filters["ms"] = _milliseconds
    return environment


def _anchor(index: int, case_id: str) -> str:
    return f"case-{index}-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", case_id).strip("-") or "x")


def _status(result: CaseResult) -> str:
    if result.error is not None:
        return "Error"
    return "Passed" if result.passed else "Failed"


def _alt_text(case_id: str, thumbnail: Any) -> str:
    drawn = []
    if thumbnail.faces:
        drawn.append(f"{thumbnail.faces} face box{'es' if thumbnail.faces != 1 else ''}")
    if thumbnail.text_boxes:
        drawn.append(f"{thumbnail.text_boxes} text box"
                     f"{'es' if thumbnail.text_boxes != 1 else ''}")
    boxes = f", with {' and '.join(drawn)} drawn" if drawn else ""
    return (f"The photo of case {case_id}, downscaled{boxes}. What the service found in it "
            "is written out below.")


def _case_view(index: int, result: CaseResult) -> dict[str, Any]:
    description = result.description or {}
    safety = description.get("safety") or {}
    quality = description.get("quality") or {}
    thumbnail = make_thumbnail(result.case.photo, result.boxes)
    refusal = safety.get("refusal")
    return {
        "anchor": _anchor(index, result.case.id), "id": result.case.id, "passed": result.passed,
        "status": _status(result), "question": result.case.question,
        "tags": result.case.tags, "photo_name": result.case.photo.name,
        "answer": description.get("text"), "error": result.error,
        "text_read": [line.get("text", "") for line in description.get("text_read") or []],
        "people": (description.get("people") or {}).get("count"),
        "issues": quality.get("issues") or [], "guidance": quality.get("guidance") or [],
        "disclaimers": [d.get("category") for d in safety.get("disclaimers") or []],
        "refusal": refusal.get("reason") if isinstance(refusal, dict) else None,
        "latency_ms": result.latency_ms, "vqa": result.vqa,
        "verdicts": [{"label": KIND_LABELS.get(v.kind, v.kind), "kind": v.kind,
                      "passed": v.passed, "message": v.message} for v in result.verdicts],
        "failed": [KIND_LABELS.get(k, k) for k in result.failed_kinds],
        "thumbnail": thumbnail,
        "alt": _alt_text(result.case.id, thumbnail) if thumbnail else "",
        "boxes_recorded": result.boxes is not None,
    }


def render_report(results: list[CaseResult], summary: dict[str, Any]) -> str:
    """The HTML page for a run."""
    cases = [_case_view(index, result) for index, result in enumerate(results, start=1)]
    kinds = [{"label": KIND_LABELS[k], **summary["by_kind"][k]}
             for k in EXPECTATION_KINDS if k in summary["by_kind"]]
    tags = [{"tag": tag, **row} for tag, row in summary["by_tag"].items()]
    return template_environment().get_template("report.html").render(
        summary=summary, cases=cases, kinds=kinds, tags=tags,
        failing=[c for c in cases if not c["passed"]],
    )


def write_report(results: list[CaseResult], summary: dict[str, Any], path: Path) -> None:
    """Write report.html."""
    path.write_text(render_report(results, summary), encoding="utf-8")
