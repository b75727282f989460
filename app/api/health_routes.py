"""`/healthz` and `/readyz` (`/metrics` is in metrics_routes, behind a token)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Response, status
from sqlalchemy import text

from app.api.deps import ServicesDep

router = APIRouter(tags=["operations"])
logger = logging.getLogger(__name__)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(services: ServicesDep, response: Response) -> dict[str, object]:
    """Readiness: the database answers, the rate-limit store answers, models are loaded."""
    checks: dict[str, bool] = {}
    try:
        async with services.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        checks["database"] = True
    except Exception:
        logger.warning("readiness: database unreachable")
        checks["database"] = False
    try:
        checks["rate_limit_store"] = await services.limiter.check_storage()
    except Exception:
        checks["rate_limit_store"] = False
    checks["models"] = services.describe.pipeline is not None
    ready = all(checks.values())
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return {"status": "ready" if ready else "not_ready", "checks": checks}
