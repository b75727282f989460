"""`/healthz`, `/readyz` and `/metrics`."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Response, status
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from app.api.deps import ServicesDep
from app.schemas.health import Health, Readiness, ReadinessChecks

router = APIRouter(tags=["operations"])
logger = logging.getLogger(__name__)


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """Liveness: the process answers."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "A check failed: not ready."}},
)
async def readyz(services: ServicesDep, response: Response) -> Readiness:
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
    return Readiness(
        status="ready" if ready else "not_ready", checks=ReadinessChecks(**checks)
    )


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    """Prometheus metrics."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
