"""Ctrl-C keeps what finished: the results, summary, report and JUnit file are
written for the cases that completed, and the run exits 130."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import xmlschema
from junitparser import JUnitXml, Skipped
from qa_support import CASES, write_case_file

from app.qa.cases import load_cases
from app.qa.results import CaseResult
from app.qa.runner import RunOptions, RunState, execute_run
from app.settings import Settings

SCHEMA = Path(__file__).with_name("junit.xsd")
WAIT_FOR_FIRST_CASE_S = 600


def test_an_interrupt_after_two_cases_writes_those_two(tmp_path: Path) -> None:
    cases = load_cases(write_case_file(tmp_path / "cases", CASES[:5]))
    options = RunOptions(cases_file=tmp_path / "cases" / "cases.jsonl", out=tmp_path / "out",
                         junit=tmp_path / "junit.xml", concurrency=1)
    settings = Settings(env="test", data_dir=tmp_path / "data",
                        jwt_secret=secrets.token_urlsafe(40))

    def interrupt_after_two(result: CaseResult, state: RunState) -> None:
        if len(state.results) == 2:
            raise KeyboardInterrupt  # what Ctrl-C raises in the loop

    outcome = execute_run(options, cases, settings_factory=lambda: settings,
                          after_each=interrupt_after_two)
    assert outcome.exit_code == 130
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["interrupted"] is True
    assert (summary["cases_total"], summary["cases_run"]) == (5, 2)
    records = [json.loads(line) for line in
               (tmp_path / "out" / "results.jsonl").read_text().splitlines()]
    assert len(records) == 2 and all(r["description"] for r in records)
    finished = {r["id"] for r in records}
    assert finished <= {case.id for case in cases}
    xmlschema.XMLSchema(SCHEMA).validate(tmp_path / "junit.xml")
    suite = next(iter(JUnitXml.fromfile(str(tmp_path / "junit.xml"))))
    skipped = {case.name for case in suite if any(isinstance(r, Skipped) for r in case.result)}
    assert skipped == {case.id for case in cases} - finished
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "The run was interrupted: 2 of 5 cases finished." in html
    assert html.count('<section class="case"') == 2


def _default_sigint() -> None:
    # A shell starts background jobs with SIGINT ignored, and the child would inherit
    # that (Python then never raises KeyboardInterrupt): give it the terminal's default.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_a_real_sigint_stops_the_cli_and_keeps_the_finished_cases(tmp_path: Path) -> None:
    eight = [{**case, "id": f"{case['id']}-{n}"} for n in range(2) for case in CASES[:4]]
    cases_file = write_case_file(tmp_path / "cases", eight)
    executable = shutil.which("sightline") or str(Path(sys.executable).parent / "sightline")
    out = tmp_path / "out"
    environment = {**os.environ, "SIGHTLINE_DATA_DIR": str(tmp_path / "data")}
    process = subprocess.Popen(
        [executable, "qa", "run", str(cases_file), "--out", str(out), "--concurrency", "1",
         "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=environment, preexec_fn=_default_sigint)
    try:
        results = out / "results.jsonl"
        deadline = time.monotonic() + WAIT_FOR_FIRST_CASE_S
        # Wait for the first finished case (a count, not a guess at how long it takes).
        while not (results.exists() and results.read_text().strip()):
            assert process.poll() is None, process.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "no case finished"
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["interrupted"] is True
    assert 1 <= summary["cases_run"] < summary["cases_total"] == 8
    assert len(results.read_text().splitlines()) == summary["cases_run"]
    assert "interrupted after" in stdout
    assert "Traceback" not in stderr
