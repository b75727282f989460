"""Apply Alembic migrations programmatically (used by `sightline db upgrade`, `serve` and tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

import migrations

MIGRATION_LOCK_KEY = 0x5167_6874  # arbitrary, constant: identifies Sightline's migration lock


def alembic_config(database_url: str | None = None) -> Config:
    """An Alembic Config pointing at the installed `migrations` package."""
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


async def upgrade_database(engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade the database behind `engine` to `revision`."""
    await _run(engine, lambda config: command.upgrade(config, revision))


async def downgrade_database(engine: AsyncEngine, revision: str) -> None:
    """Downgrade the database behind `engine` to `revision` ("base" for empty)."""
    await _run(engine, lambda config: command.downgrade(config, revision))


def migration_heads() -> tuple[str, ...]:
    """The heads of the migration graph (there must be exactly one)."""
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


async def _run(engine: AsyncEngine, action: object) -> None:
    def run(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            # Replicas and the migration Job may start together: one migrates, the others wait.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        config = alembic_config()
        config.attributes["connection"] = connection
        action(config)  # type: ignore[operator]

    async with engine.begin() as connection:
        await connection.run_sync(run)
