"""`sightline volunteer ...` and `sightline handoff ...` (issue 7)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer

volunteer_cli = typer.Typer(help="Volunteers (handoff).", no_args_is_help=True)
handoff_cli = typer.Typer(help="Volunteer handoff: protocol schemas.", no_args_is_help=True)


@volunteer_cli.command("reinstate")
def volunteer_reinstate(
    email: Annotated[str, typer.Argument(help="The suspended volunteer's email.")],
) -> None:
    """Lift a volunteer's suspension (after three reports): they can be rung again."""
    from sqlalchemy import update

    from app.cli import _settings
    from app.db import accounts_repo
    from app.db.engine import create_engine, create_session_factory, transaction
    from app.handoff.service import _rowcount
    from app.handoff.tables import VolunteerProfile

    settings = _settings()

    async def run() -> str | None:
        engine = create_engine(settings.resolved_database_url)
        try:
            async with transaction(create_session_factory(engine)) as session:
                account = await accounts_repo.get_account_by_email(session, email=email)
                if account is None:
                    return "No account with this email."
                result = await session.execute(
                    update(VolunteerProfile).where(VolunteerProfile.account_id == account.id)
                    .values(suspended_at=None))
                if not _rowcount(result):
                    return "This account has no volunteer profile."
            return None
        finally:
            await engine.dispose()

    problem = asyncio.run(run())
    if problem:
        typer.echo(problem, err=True)
        raise typer.Exit(1)
    typer.echo(f"{email} is reinstated: they can be rung again.")


@handoff_cli.command("schema")
def handoff_schema(
    output: Annotated[Path | None, typer.Option(help="Write to this file (default: stdout).")] = None,
) -> None:
    """Print the JSON Schema of every /v1/ws frame (client and server)."""
    from app.handoff.frames import frame_schemas

    text = json.dumps(frame_schemas(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text)
        typer.echo(f"Wrote {output}")


@handoff_cli.command("purge")
def handoff_purge() -> None:
    """Delete finished handoffs (transcripts) older than SIGHTLINE_HANDOFF_RETAIN_DAYS now
    (every server also does this hourly)."""
    from app.cli import _settings
    from app.db.engine import create_engine, create_session_factory
    from app.handoff.service import purge_finished_handoffs

    settings = _settings()

    async def run() -> int:
        engine = create_engine(settings.resolved_database_url)
        try:
            return await purge_finished_handoffs(
                create_session_factory(engine), retain_days=settings.handoff_retain_days)
        finally:
            await engine.dispose()

    typer.echo(f"Deleted {asyncio.run(run())} finished handoffs.")
