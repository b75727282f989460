"""Run a case file: describe every photo (a few at a time), check the expectations,
show progress, and write the outputs, also for the cases that finished before a
Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from app.qa.cases import Case
from app.qa.describers import DescribeFailed, Describer
from app.qa.expectations import evaluate
from app.qa.results import RESULTS_FILE, SUMMARY_FILE, CaseResult, RunInfo, summarize

EXIT_INTERRUPTED = 130
REPORT_FILE = "report.html"


@dataclass(frozen=True)
class RunOptions:
    """Everything `sightline qa run` was asked to do."""

    cases_file: Path
    out: Path | None = None
    junit: Path | None = None
    fail_under: float | None = None
    server: str | None = None
    token: str | None = None
    email: str | None = None
    password: str | None = None
    concurrency: int = 1


@dataclass
class RunState:
    """The cases and the results so far; survives an interrupted run."""

    cases: list[Case]
    results: dict[str, CaseResult] = field(default_factory=dict)
    interrupted: bool = False

    def ordered(self) -> list[CaseResult]:
        """Finished results in case-file order."""
        return [self.results[c.id] for c in self.cases if c.id in self.results]


@dataclass(frozen=True)
class RunOutcome:
    """The finished (or interrupted) run: its summary, results and exit status."""

    summary: dict[str, Any]
    results: list[CaseResult]
    exit_code: int


async def describe_case(describer: Describer, case: Case) -> CaseResult:
    """Describe one case and check its expectations; a failure becomes the case's error."""
    try:
        described = await describer.describe(case)
    except DescribeFailed as error:
        return CaseResult(case=case, verdicts=(), description=None, latency_ms=None,
                          error=str(error))
    except Exception as error:  # one broken case must not end a batch of hundreds
        return CaseResult(case=case, verdicts=(), description=None, latency_ms=None,
                          error=f"internal error: {type(error).__name__}: {error}")
    verdicts = evaluate(case.expect, described.description, question=case.question)
    return CaseResult(case=case, verdicts=tuple(verdicts), description=described.description,
                      latency_ms=described.latency_ms, boxes=described.boxes)


async def run_cases(cases: list[Case], describer: Describer, *, concurrency: int,
                    on_result: Callable[[CaseResult], None]) -> None:
    """Describe the cases, at most `concurrency` at a time, reporting each as it ends.
    On cancellation (Ctrl-C) the unfinished ones are cancelled."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(case: Case) -> CaseResult:
        async with gate:
            return await describe_case(describer, case)

    tasks = [asyncio.create_task(one(case)) for case in cases]
    try:
        for finished in asyncio.as_completed(tasks):
            on_result(await finished)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _describer_for(options: RunOptions, settings_factory: Callable[[], Any]
                   ) -> AbstractAsyncContextManager[Describer]:
    from app.qa.describers import http_describer, in_process_describer

    if options.server:
        return http_describer(options.server, token=options.token, email=options.email,
                              password=options.password)
    return in_process_describer(settings_factory())


def exit_status(summary: dict[str, Any], *, fail_under: float | None) -> int:
    """1 when a case failed (or, with --fail-under, when the pass rate is below it)."""
    if summary["interrupted"]:
        return EXIT_INTERRUPTED
    rate = summary["pass_rate"] or 0.0
    if fail_under is not None:
        return 1 if rate * 100 < fail_under else 0
    return 1 if summary["failed"] else 0


def execute_run(options: RunOptions, cases: list[Case], *,
                settings_factory: Callable[[], Any],
                after_each: Callable[[CaseResult, RunState], None] | None = None) -> RunOutcome:
    """Run the cases and write every requested output, including after Ctrl-C."""
    state = RunState(cases=cases)
    started = time.perf_counter()
    info = RunInfo(cases_file=str(options.cases_file),
                   mode="server" if options.server else "in-process", server=options.server,
                   concurrency=options.concurrency, cases_total=len(cases),
                   started_at=datetime.now(UTC).isoformat(timespec="seconds"))
    partial: TextIO | None = None
    if options.out:
        options.out.mkdir(parents=True, exist_ok=True)
        # Written as each case ends, so even a killed run leaves its finished cases.
        partial = (options.out / RESULTS_FILE).open("w", encoding="utf-8")

    def record(result: CaseResult) -> None:
        state.results[result.case.id] = result
        if partial:
            partial.write(json.dumps(result.to_record(), ensure_ascii=False) + "\n")
            partial.flush()
        if after_each:
            after_each(result, state)

    async def main() -> None:
        async with _describer_for(options, settings_factory) as describer:
            await run_cases(cases, describer, concurrency=options.concurrency,
                            on_result=record)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        state.interrupted = True
    finally:
        if partial:
            partial.close()
    info.duration_s = time.perf_counter() - started
    info.interrupted = state.interrupted
    results = state.ordered()
    summary = summarize(results, info)
    write_outputs(options, cases, results, summary)
    return RunOutcome(summary=summary, results=results,
                      exit_code=exit_status(summary, fail_under=options.fail_under))


def write_outputs(options: RunOptions, cases: list[Case], results: list[CaseResult],
                  summary: dict[str, Any]) -> None:
    """results.jsonl, summary.json and report.html under --out; the JUnit file."""
    from app.qa.junit import write_junit
    from app.qa.report_html import write_report
    from app.qa.results import write_results, write_summary

    if options.out:
        write_results(results, options.out / RESULTS_FILE)
        write_summary(summary, options.out / SUMMARY_FILE)
        write_report(results, summary, options.out / REPORT_FILE)
    if options.junit:
        options.junit.parent.mkdir(parents=True, exist_ok=True)
        write_junit(cases, results, summary, options.junit)
