"""`/metrics` on the API port, only with `Authorization: Bearer $SIGHTLINE_METRICS_TOKEN`.

Without a token it is not served here at all (404): set SIGHTLINE_METRICS_PORT
to serve it on a separate port that is not published (see docs/security.md)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Header, Response

from app.api.deps import ServicesDep
from app.errors import NotAuthenticatedError, NotFoundError
from app.metrics import metrics_payload

router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
async def metrics(
    services: ServicesDep, authorization: Annotated[str | None, Header()] = None
) -> Response:
    """Prometheus metrics for a scraper that holds the metrics token."""
    token = services.settings.metrics_token
    if not token:
        raise NotFoundError()
    presented = (authorization or "").encode()
    if not hmac.compare_digest(presented, f"Bearer {token}".encode()):
        raise NotAuthenticatedError()
    body, content_type = metrics_payload()
    return Response(body, media_type=content_type)
