"""`sightline qa run` and `sightline qa compare` (a Typer sub-app; heavy imports
happen inside the commands)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from app.qa.results import CaseResult
    from app.qa.runner import RunOutcome, RunState
    from app.settings import Settings

qa_cli = typer.Typer(help="Accessibility QA: batch runs with expectations, reports, comparison.",
                     no_args_is_help=True)


def _settings() -> Settings:
    from app.settings import Settings

    try:
        return Settings()
    except ValueError as error:
        typer.echo(f"Configuration error: {error}", err=True)
        raise typer.Exit(2) from error


def _print_outcome(outcome: RunOutcome, options_out: Path | None, junit: Path | None) -> None:
    summary = outcome.summary
    for result in outcome.results:
        if result.passed:
            continue
        if result.error:
            typer.echo(f"ERROR {result.case.id}: {result.error}")
            continue
        reasons = "; ".join(f"{v.kind}: {v.message}" for v in result.verdicts if not v.passed)
        typer.echo(f"FAIL  {result.case.id}: {reasons}")
    rate = summary["pass_rate"]
    shown = "n/a" if rate is None else f"{rate * 100:.1f}%"
    typer.echo(f"{summary['passed']} of {summary['cases_run']} cases passed ({shown})"
               + (f"; interrupted after {summary['cases_run']} of {summary['cases_total']}"
                  if summary["interrupted"] else ""))
    kinds = ", ".join(f"{kind} {row['pass_rate'] * 100:.0f}%"
                      for kind, row in summary["by_kind"].items())
    if kinds:
        typer.echo(f"by expectation: {kinds}")
    latency = summary["latency_ms"]
    if latency["p50"] is not None:
        typer.echo(f"latency p50 {latency['p50']:.0f} ms, p95 {latency['p95']:.0f} ms; "
                   f"{summary['duration_s']:.0f} s in all")
    if summary["vqa"]:
        typer.echo(f"VQA accuracy {summary['vqa']['accuracy'] * 100:.1f}% "
                   f"over {summary['vqa']['cases']} cases")
    if options_out:
        typer.echo(f"wrote {options_out}/results.jsonl, summary.json, report.html")
    if junit:
        typer.echo(f"wrote {junit}")


@qa_cli.command("run")
def qa_run(
    cases: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                          help="Case file: JSONL, or CSV with an expect column.")],
    out: Annotated[Path | None, typer.Option(
        help="Write results.jsonl, summary.json and report.html here.")] = None,
    junit: Annotated[Path | None, typer.Option(help="Write JUnit XML here.")] = None,
    fail_under: Annotated[float | None, typer.Option(
        min=0, max=100, help="Exit 1 only when the pass rate (percent) is below this.")] = None,
    server: Annotated[str | None, typer.Option(
        help="Base URL of a running service (default: run the pipeline in-process).")] = None,
    token: Annotated[str | None, typer.Option(envvar="SIGHTLINE_QA_TOKEN",
                                              help="Access token for --server.")] = None,
    email: Annotated[str | None, typer.Option(help="Log in to --server with this account.")] = None,
    password: Annotated[str | None, typer.Option(envvar="SIGHTLINE_QA_PASSWORD",
                                                 help="Password for --email.")] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=64,
                                             help="Cases described at once.")] = 2,
    progress: Annotated[bool, typer.Option(help="Show a progress bar on stderr.")] = True,
) -> None:
    """Run a case file and report: exit 1 on a failed case (or below --fail-under), 130 on Ctrl-C.

    After Ctrl-C the outputs are still written for the cases that finished."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from app.qa.cases import CaseFileError, load_cases
    from app.qa.describers import DescribeFailed
    from app.qa.runner import RunOptions, execute_run

    if server and not token and not (email and password):
        typer.echo("--server needs --token, or --email and --password.", err=True)
        raise typer.Exit(2)
    if not server and (token or email):
        typer.echo("--token and --email only make sense with --server.", err=True)
        raise typer.Exit(2)
    try:
        loaded = load_cases(cases)
    except CaseFileError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from error
    options = RunOptions(cases_file=cases, out=out, junit=junit, fail_under=fail_under,
                         server=server, token=token, email=email, password=password,
                         concurrency=concurrency)
    bar = Progress(TextColumn("QA"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                   console=Console(stderr=True), disable=not progress, transient=False)
    task = bar.add_task("cases", total=len(loaded), rate="")

    def advance(result: CaseResult, state: RunState) -> None:
        passed = sum(r.passed for r in state.results.values())
        done = len(state.results)
        bar.update(task, advance=1, rate=f"passed {passed}/{done} ({passed / done:.0%})")

    try:
        with bar:
            outcome = execute_run(options, loaded, settings_factory=_settings,
                                  after_each=advance)
    except DescribeFailed as error:  # the server could not be reached or refused us
        typer.echo(f"Cannot run: {error}", err=True)
        raise typer.Exit(2) from error
    _print_outcome(outcome, out, junit)
    raise typer.Exit(outcome.exit_code)


@qa_cli.command("compare")
def qa_compare(
    run_a: Annotated[Path, typer.Argument(exists=True, file_okay=False,
                                          help="Baseline run (an --out directory).")],
    run_b: Annotated[Path, typer.Argument(exists=True, file_okay=False,
                                          help="New run (an --out directory).")],
    html: Annotated[Path | None, typer.Option(help="Write a comparison page here.")] = None,
    tolerance: Annotated[float, typer.Option(
        min=0, help="Percentage points a metric may fall before it counts as a regression.")
    ] = 0.0,
) -> None:
    """Flipped cases, metric and latency changes, answer diffs; exit 1 on a regression."""
    from app.qa.compare import compare_runs, format_comparison, write_comparison_html

    try:
        comparison = compare_runs(run_a, run_b, tolerance=tolerance)
    except (OSError, ValueError, KeyError) as error:
        typer.echo(f"Cannot compare: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(format_comparison(comparison))
    if html:
        write_comparison_html(comparison, html)
        typer.echo(f"wrote {html}")
    raise typer.Exit(1 if comparison.regressed else 0)
