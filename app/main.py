"""The FastAPI application: routers, middleware, error handlers and the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.formparsers import MultiPartParser

from app.api import (  # issue 7: volunteer handoff
    auth_routes,
    description_routes,
    handoff_routes,
    health_routes,
    metrics_routes,
    ws_routes,
)
from app.api.errors import install_error_handlers
from app.api.fault_errors import install_fault_handlers
from app.api.openapi import OPENAPI_URL, install_offline_docs, install_openapi, operation_id
from app.describe.retention import purge_expired
from app.edge import install_edge_middleware
from app.services import AppServices, app_services
from app.settings import Settings
from app.web import install_web_clients

logger = logging.getLogger("sightline.http")


async def _purge_periodically(services: AppServices) -> None:
    """Delete expired retained photos every `purge_interval_s` seconds."""
    while True:
        try:
            await purge_expired(sessions=services.sessions, files=services.describe.files)
        except Exception:
            logger.exception("photo purge failed")
        await asyncio.sleep(services.settings.purge_interval_s)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; models and connections are created in the lifespan, not here."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with app_services(settings) as services:
            app.state.services = services
            purge_task = asyncio.create_task(_purge_periodically(services))
            try:
                yield
            finally:
                purge_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await purge_task

    app = FastAPI(
        title="Sightline",
        version="1.0.0",
        summary="Describes photos for blind and low-vision people: grounded, private, honest about risk.",
        lifespan=lifespan,
        openapi_url=OPENAPI_URL,
        docs_url=None,  # served by install_offline_docs, without a CDN
        redoc_url=None,
        generate_unique_id_function=operation_id,
    )
    # Keep uploaded photos in memory up to the body limit: Starlette would otherwise
    # spool parts over 1 MB to a temporary file, and original bytes must never be stored.
    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, settings.max_upload_bytes)
    install_error_handlers(app)
    install_fault_handlers(app)  # issue 13 (harden): dependency faults → 503 + Retry-After
    app.include_router(health_routes.router)
    app.include_router(metrics_routes.router)  # issue 13 (harden): /metrics behind a token
    app.include_router(auth_routes.router)
    app.include_router(description_routes.router)
    app.include_router(handoff_routes.router)  # issue 7
    app.include_router(ws_routes.router)  # issue 7: /v1/ws
    install_openapi(app)
    install_offline_docs(app)
    install_web_clients(app)  # issue 8 (web): /app/ and /volunteer/, static files

    # issue 13 (harden). Outermost, so it must stay the last add_middleware: security
    # headers, the request observer (metrics, logs, the 500 body), then body size/time
    # limits and the token check before an upload is read.
    install_edge_middleware(app, settings)
    return app
