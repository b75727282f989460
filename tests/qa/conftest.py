"""Fixtures for the QA tests: one real in-process run of the pass/fail case file
through the CLI, shared by the report, JUnit and compare tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from qa_support import CASES, QaRun, sightline, write_case_file

# The live-server helper lives beside the API tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "api"))


@pytest.fixture(scope="session")
def qa_run(tmp_path_factory: pytest.TempPathFactory) -> QaRun:
    """One in-process run of the pass/fail case file, with every output."""
    folder = tmp_path_factory.mktemp("qa-run")
    cases_file = write_case_file(folder / "cases", CASES)
    out, junit = folder / "out", folder / "junit" / "qa.xml"
    process = sightline("qa", "run", str(cases_file), "--out", str(out), "--junit", str(junit),
                        "--concurrency", "2", "--no-progress", data_dir=folder / "data")
    assert (out / "summary.json").exists(), process.stderr[-3000:]
    return QaRun(out=out, junit=junit, cases_file=cases_file, process=process)
