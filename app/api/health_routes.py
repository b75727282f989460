"""`/healthz` and `/readyz` (`/metrics` is in metrics_routes, behind a token)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Literal

from fastapi import APIRouter, Response, status
from sqlalchemy import text

from app.api.deps import ServicesDep
from app.schemas.health import Dependency, Health, Readiness, ReadinessChecks
from app.services import AppServices

router = APIRouter(tags=["operations"])
logger = logging.getLogger(__name__)


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """Liveness: the process answers."""
    return Health(status="ok")


# Each check is bounded and they run together, so /readyz answers within this
# (plus scheduling) even when a dependency is blackholed: probes time out at 10 s.
READINESS_CHECK_S = 4.0


async def _bounded(check: Awaitable[bool], name: str) -> bool:
    try:
        async with asyncio.timeout(READINESS_CHECK_S):
            return await check
    except Exception:
        logger.warning("readiness: dependency unavailable", extra={"dependency": name})
        return False


async def _database_answers(services: AppServices) -> bool:
    async with services.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    return True


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "The database or the models are "
                     "unavailable: not ready."}},
)
async def readyz(services: ServicesDep, response: Response) -> Readiness:
    """Readiness: the database answers, the rate-limit store answers, models are loaded.

    A rate-limit store that is down is `degraded`, not `not_ready`: every process
    then counts its own limits (docs/security.md), so it should keep its traffic."""
    database, store = await asyncio.gather(
        _bounded(_database_answers(services), "database"),
        _bounded(services.limiter.check_storage(), "rate_limit_store"),
    )
    models = services.describe.pipeline is not None
    checks = ReadinessChecks(database=database, rate_limit_store=store, models=models)
    results: tuple[tuple[Dependency, bool], ...] = (
        ("database", database), ("rate_limit_store", store), ("models", models)
    )
    unavailable = [name for name, ok in results if not ok]
    if not checks.database or not checks.models:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        state: Literal["ready", "degraded", "not_ready"] = "not_ready"
    else:
        state = "degraded" if unavailable else "ready"
    return Readiness(status=state, checks=checks, unavailable=unavailable)
