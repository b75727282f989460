"""The `sightline` command line (Typer)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Literal

import typer

from app.handoff.cli import handoff_cli, volunteer_cli
from app.qa.cli import qa_cli
from app.settings import Settings

cli = typer.Typer(
    help="Sightline: describe photos for blind and low-vision people.", no_args_is_help=True
)
db_cli = typer.Typer(help="Database migrations.", no_args_is_help=True)
accounts_cli = typer.Typer(help="Accounts.", no_args_is_help=True)
models_cli = typer.Typer(help="Models and their licences.", no_args_is_help=True)
safety_cli = typer.Typer(help="Safety policy evaluation.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(accounts_cli, name="accounts")
cli.add_typer(models_cli, name="models")
cli.add_typer(safety_cli, name="safety")
cli.add_typer(qa_cli, name="qa")
# issue 7 (handoff): `sightline volunteer reinstate EMAIL`, `sightline handoff schema`
cli.add_typer(volunteer_cli, name="volunteer")
cli.add_typer(handoff_cli, name="handoff")

DetailOption = Literal["brief", "standard", "detailed"]


def _settings() -> Settings:
    try:
        return Settings()
    except ValueError as error:
        typer.echo(f"Configuration error: {error}", err=True)
        raise typer.Exit(2) from error


async def _upgrade(settings: Settings) -> None:
    from app.db.engine import create_engine
    from app.db.migrate import upgrade_database

    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = create_engine(settings.resolved_database_url)
    try:
        await upgrade_database(engine)
    finally:
        await engine.dispose()


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    migrate: Annotated[bool, typer.Option(help="Apply database migrations first.")] = True,
) -> None:
    """Run the HTTP API (applies migrations first unless --no-migrate)."""
    import os

    from app.logging_setup import configure_logging
    from app.startup import StartupError, check_database, prepare_data_dir

    settings = _settings()
    configure_logging(settings.log_level)
    # Everything this process writes (database, secrets, retained photos, caches)
    # is readable by its own user only.
    os.umask(0o077)
    try:
        prepare_data_dir(settings.data_dir)
        asyncio.run(check_database(settings, migrate=migrate))
    except StartupError as error:
        typer.echo(f"Sightline cannot start: {error}.", err=True)
        raise typer.Exit(1) from None
    # Imported only now: loading the app (and its model libraries) takes seconds.
    import uvicorn

    from app.main import create_app
    from app.metrics import serve_metrics_port
    from app.startup import uvicorn_config

    if settings.metrics_port:
        serve_metrics_port(port=settings.metrics_port, host=host)
    server = uvicorn.Server(uvicorn_config(create_app(settings), settings, host=host, port=port))
    server.run()
    if not server.started:  # the lifespan failed (uvicorn.run exits 3 the same way)
        raise typer.Exit(3)


@cli.command()
def describe(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Photo to describe.")],
    question: Annotated[str | None, typer.Option(help="Question about the photo.")] = None,
    detail: Annotated[str, typer.Option(help="brief, standard or detailed.")] = "standard",
    language: Annotated[str, typer.Option(help="Answer language (en, ja).")] = "en",
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON contract.")] = False,
) -> None:
    """Describe a photo in-process (no server, no database)."""
    from app.errors import SightlineError
    from app.i18n import negotiate_language
    from app.schemas.answer import Answer
    from app.services import pipeline_services

    if detail not in ("brief", "standard", "detailed"):
        typer.echo("--detail must be brief, standard or detailed.", err=True)
        raise typer.Exit(2)
    settings = _settings()

    async def run() -> Answer:
        async with pipeline_services(settings) as services:
            outcome = await services.pipeline.describe_photo(
                photo=path.read_bytes(),
                question=question,
                detail=detail,  # type: ignore[arg-type]
                language=negotiate_language(language, None),
            )
            return outcome.result

    try:
        result = asyncio.run(run())
    except SightlineError as error:
        typer.echo(
            json.dumps({"error": error.code, "detail": error.detail}) if as_json else error.detail,
            err=True,
        )
        raise typer.Exit(1) from error
    typer.echo(
        json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2)
        if as_json
        else result.text
    )


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations to the configured database."""
    asyncio.run(_upgrade(_settings()))
    typer.echo("Database is up to date.")


@accounts_cli.command("create")
def accounts_create(
    email: Annotated[str, typer.Option(prompt=True, help="Email address.")],
    role: Annotated[str, typer.Option(help="user, volunteer or admin.")] = "user",
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="SIGHTLINE_NEW_ACCOUNT_PASSWORD",
        ),
    ] = "",
    languages: Annotated[
        str, typer.Option(help="Comma-separated languages spoken (volunteers).")
    ] = "en",
) -> None:
    """Create an account with a role (the way to make the first admin)."""
    from app.auth.passwords import PasswordService
    from app.auth.service import create_account
    from app.db.engine import create_engine, create_session_factory, transaction
    from app.errors import SightlineError

    if role not in ("user", "volunteer", "admin"):
        typer.echo("--role must be user, volunteer or admin.", err=True)
        raise typer.Exit(2)
    settings = _settings()

    async def run() -> str:
        await _upgrade(settings)
        engine = create_engine(settings.resolved_database_url)
        try:
            async with transaction(create_session_factory(engine)) as session:
                account = await create_account(
                    session=session,
                    passwords=PasswordService(),
                    email=email,
                    password=password,
                    role=role,  # type: ignore[arg-type]
                    languages=[tag.strip() for tag in languages.split(",")],
                )
                return account.id
        finally:
            await engine.dispose()

    try:
        account_id = asyncio.run(run())
    except SightlineError as error:
        typer.echo(error.detail, err=True)
        raise typer.Exit(1) from error
    typer.echo(f"Created {role} account {account_id}.")


@models_cli.command("list")
def models_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show every model: name, version, licence and where its weights come from.

    `--json` prints a list of objects; each `name` is what a description's
    `backend.models` reports. A configured `onnx` or `openai` model is listed too."""
    from dataclasses import asdict

    from models.catalog import list_models

    entries = [asdict(entry) for entry in list_models()]
    entries += _configured_backend_models(_settings())
    if as_json:
        typer.echo(json.dumps(entries, indent=2))
        return
    for entry in entries:
        typer.echo(
            f"{entry['name']:<34} {entry['version']:<12} {entry['licence']:<22} {entry['source']}"
        )


def _configured_backend_models(settings: Settings) -> list[dict[str, str]]:
    """The generative model the deployment configured (none for `local`): its licence
    is the deployment's to record, so it is said to be unrecorded here."""
    if settings.backend == "openai" and settings.openai_model:
        return [
            {
                "name": settings.openai_model,
                "version": "served remotely",
                "licence": "not recorded (chosen by the deployment)",
                "source": "OpenAI-compatible endpoint at SIGHTLINE_OPENAI_BASE_URL",
                "purpose": "writes answers (the openai backend)",
            }
        ]
    if settings.backend == "onnx" and settings.onnx_model_dir:
        return [
            {
                "name": settings.onnx_model_dir.name,
                "version": "local directory",
                "licence": "not recorded (see the model's own licence file)",
                "source": str(settings.onnx_model_dir),
                "purpose": "writes answers (the onnx backend)",
            }
        ]
    return []


@models_cli.command("pull")
def models_pull(
    repo: Annotated[
        str, typer.Argument(help="Hub repository, e.g. HuggingFaceTB/SmolVLM-256M-Instruct")
    ],
    revision: Annotated[str | None, typer.Option(help="Branch, tag or commit.")] = None,
    target: Annotated[
        Path | None, typer.Option(help="Directory (default: model cache dir/REPO).")
    ] = None,
) -> None:
    """Download a VLM for the `onnx` backend (honours HF_ENDPOINT)."""
    from models.hub import pull_model

    settings = _settings()
    target_dir = target or settings.resolved_model_cache_dir / repo.replace("/", "--")
    path = pull_model(repo, revision=revision, target_dir=target_dir)
    typer.echo(
        f"Downloaded {repo} to {path}. Set SIGHTLINE_BACKEND=onnx SIGHTLINE_ONNX_MODEL_DIR={path}"
    )


@cli.command()
def purge() -> None:
    """Delete retained photos whose time is up, and expired idempotency keys."""
    from app.db.engine import create_engine, create_session_factory
    from app.describe.retention import purge_expired

    settings = _settings()

    async def run() -> int:
        engine = create_engine(settings.resolved_database_url)
        try:
            return await purge_expired(sessions=create_session_factory(engine))
        finally:
            await engine.dispose()

    typer.echo(f"Purged {asyncio.run(run())} expired photo(s).")


def _code_commit() -> str:
    """The commit the code was scored at (recorded with first scores), '+dirty' if edited."""
    import shutil
    import subprocess

    root = Path(__file__).resolve().parent.parent
    git = shutil.which("git")
    if git is None:
        return "unknown"
    # Fixed arguments, no user input: S603 does not apply.
    try:
        commit = subprocess.run(  # noqa: S603
            [git, "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(  # noqa: S603
            [git, "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


@safety_cli.command("eval")
def safety_eval(
    file: Annotated[
        Path | None,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="One labelled JSONL file, held to the tuning targets; "
            "default: the tuning set and every sealed round, each with its own gate.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    first_score: Annotated[
        str | None,
        typer.Option(
            "--first-score",
            help="Score this sealed round and record its first score; refused if it has one.",
        ),
    ] = None,
    rules_only: Annotated[
        bool,
        typer.Option(
            "--rules-only",
            help="Score with the rules alone (the pipeline before the learned stage), e.g. to "
            "record the first score of a round written before it.",
        ),
    ] = False,
    record_met: Annotated[
        bool,
        typer.Option(
            "--record-met", help="Append targets that sealed rounds now meet to their logs."
        ),
    ] = False,
) -> None:
    """Score the tuning set and each sealed round separately; exit 1 when a gate fails."""
    from safety.eval.gate import (
        TUNING,
        FirstScoreExistsError,
        Round,
        find_rounds,
        judge_round,
        record_first_score,
    )
    from safety.eval.gate import record_met as append_met
    from safety.eval.report import format_verdict, verdict_dict
    from safety.evaluation import run_evaluation
    from safety.pipeline import SafetyPipeline

    rounds = find_rounds()
    if first_score is not None:
        chosen = [r for r in rounds if r.sealed and r.name == first_score]
        if not chosen:
            typer.echo(f"No sealed round named {first_score}.", err=True)
            raise typer.Exit(1)
        if chosen[0].first_score_path.exists():
            typer.echo(f"{first_score} already has a first score; it is never rewritten.", err=True)
            raise typer.Exit(1)
        rounds = tuple(chosen)
    elif file is not None:
        rounds = (Round(name=TUNING, path=file, sealed=False),)
    pipeline = SafetyPipeline.create(learned=not rules_only)
    verdicts = []
    for round_ in rounds:
        report = run_evaluation(round_.path, pipeline)
        if first_score is not None:
            try:
                path = record_first_score(
                    round_,
                    report,
                    code_commit=_code_commit(),
                    pipeline="rules only" if rules_only else "full",
                )
            except FirstScoreExistsError:
                typer.echo(f"{first_score} already has a first score.", err=True)
                raise typer.Exit(1) from None
            typer.echo(f"Recorded the first score of {round_.name} in {path}.")
        verdicts.append(judge_round(round_, report))
    if record_met:
        for verdict in verdicts:
            if verdict.round.sealed:
                for metric in append_met(verdict, code_commit=_code_commit()):
                    typer.echo(f"{verdict.round.name}: {metric} reached its target.")
    if as_json:
        typer.echo(json.dumps([verdict_dict(v) for v in verdicts], indent=2, ensure_ascii=False))
    else:
        typer.echo("\n\n".join(format_verdict(v) for v in verdicts))
    failed = [line for verdict in verdicts for line in verdict.failures]
    if failed:
        typer.echo("Gate failed: " + "; ".join(failed), err=True)
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sightline")


if __name__ == "__main__":
    main()
