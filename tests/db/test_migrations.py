"""Alembic on SQLite and PostgreSQL: one head, upgrade from empty, round trip, models match."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.migrate import downgrade_database, migration_heads, upgrade_database
from app.db.tables import Base

EXPECTED_TABLES = {"accounts", "auth_sessions", "descriptions", "description_turns", "feedback",
                   # issue 7 (handoff, migration 0002)
                   "handoffs", "handoff_events", "handoff_offers", "handoff_photos", "handoff_ratings",
                   "handoff_reports", "handoff_blocks", "volunteer_profiles", "volunteer_presence",
                   "idempotency_keys", "alembic_version"}


def test_single_head() -> None:
    assert len(migration_heads()) == 1


async def table_names(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgrade_from_empty_creates_every_table(empty_engine: AsyncEngine) -> None:
    assert await table_names(empty_engine) == set()
    await upgrade_database(empty_engine)
    assert await table_names(empty_engine) == EXPECTED_TABLES


async def test_downgrade_and_upgrade_round_trip(empty_engine: AsyncEngine) -> None:
    await upgrade_database(empty_engine)
    await downgrade_database(empty_engine, "base")
    assert await table_names(empty_engine) <= {"alembic_version"}
    await upgrade_database(empty_engine)
    assert await table_names(empty_engine) == EXPECTED_TABLES


async def test_models_match_migrations(empty_engine: AsyncEngine) -> None:
    await upgrade_database(empty_engine)

    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with empty_engine.connect() as connection:
        diff = await connection.run_sync(differences)
    assert diff == []
