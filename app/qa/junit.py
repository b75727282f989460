"""JUnit XML for CI systems: one testcase per case (named by its id), a failure that
lists the failed expectations, an error when the photo could not be described,
and a skipped testcase for each case an interrupted run did not reach."""

from __future__ import annotations

import socket
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from app.qa.cases import Case
from app.qa.results import CaseResult

SUITE_NAME = "sightline-qa"


def _seconds(milliseconds: float | None) -> str:
    return f"{(milliseconds or 0.0) / 1000:.3f}"


def build_junit(cases: list[Case], results: list[CaseResult], summary: dict[str, Any]
                ) -> ET.Element:
    """The <testsuites> element for a run."""
    by_id = {r.case.id: r for r in results}
    failures = sum(1 for r in results if r.error is None and not r.passed)
    errors = sum(1 for r in results if r.error is not None)
    skipped = len(cases) - len(results)
    duration = f"{summary.get('duration_s') or 0.0:.3f}"
    root = ET.Element("testsuites", name=SUITE_NAME, tests=str(len(cases)),
                      failures=str(failures), errors=str(errors), time=duration)
    suite = ET.SubElement(
        root, "testsuite", name=f"{SUITE_NAME}: {Path(summary['cases_file']).name}",
        tests=str(len(cases)), failures=str(failures), errors=str(errors),
        skipped=str(skipped), time=duration, timestamp=summary["started_at"][:19],
        hostname=socket.gethostname(),
    )
    properties = ET.SubElement(suite, "properties")
    for name in ("mode", "pass_rate", "cases_file", "interrupted"):
        ET.SubElement(properties, "property", name=name, value=str(summary.get(name)))
    classname = f"qa.{Path(summary['cases_file']).stem}"
    for case in cases:
        result = by_id.get(case.id)
        element = ET.SubElement(suite, "testcase", name=case.id, classname=classname,
                                time=_seconds(result.latency_ms if result else None))
        if result is None:
            ET.SubElement(element, "skipped", message="not run: the run was interrupted")
        elif result.error is not None:
            error = ET.SubElement(element, "error", message=result.error, type="describe_failed")
            error.text = result.error
        elif not result.passed:
            failed = [v for v in result.verdicts if not v.passed]
            failure = ET.SubElement(element, "failure", type="expectations",
                                    message="failed: " + ", ".join(v.kind for v in failed))
            failure.text = "\n".join(f"{v.kind}: {v.message}" for v in failed)
    return root


def write_junit(cases: list[Case], results: list[CaseResult], summary: dict[str, Any],
                path: Path) -> None:
    """Write the JUnit XML file (UTF-8, with an XML declaration)."""
    tree = ET.ElementTree(build_junit(cases, results, summary))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
