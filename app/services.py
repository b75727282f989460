"""Everything built once at start-up and kept for the life of the process."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.auth.passwords import PasswordService
from app.auth.tokens import TokenService
from app.backends import create_backend
from app.db.engine import DatabaseTimeouts, create_engine, create_session_factory
from app.describe.pipeline import DescribePipeline
from app.describe.retention import PhotoStore
from app.ingest_pool import PhotoDecoder
from app.ratelimit import RateLimiter, create_rate_limiter
from app.settings import Settings
from models.analysis import AnalysisSuite
from safety.pipeline import SafetyPipeline

logger = logging.getLogger(__name__)


@dataclass
class PipelineServices:
    """The describe pipeline and what it owns (no database): used by `serve` and `describe`."""

    pipeline: DescribePipeline
    store: PhotoStore
    executor: ThreadPoolExecutor


@dataclass
class AppServices:
    """Typed application state kept on `app.state.services`."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    passwords: PasswordService
    tokens: TokenService
    limiter: RateLimiter
    describe: PipelineServices

    @property
    def refresh_ttl(self) -> timedelta:
        """How long refresh tokens live."""
        return timedelta(days=self.settings.refresh_token_days)

    @property
    def idempotency_ttl(self) -> timedelta:
        """How long an Idempotency-Key is remembered."""
        return timedelta(hours=self.settings.idempotency_ttl_hours)


@asynccontextmanager
async def pipeline_services(settings: Settings) -> AsyncIterator[PipelineServices]:
    """Load every model once and build the describe pipeline; release it all on exit."""
    executor = ThreadPoolExecutor(
        max_workers=settings.worker_threads, thread_name_prefix="sightline-cpu"
    )
    try:
        analysis = AnalysisSuite.create(
            cache_dir=settings.resolved_model_cache_dir,
            enable_scene=settings.enable_scene,
            enable_explicit=settings.enable_explicit,
        )
        backend = create_backend(settings, analyzer_models=analysis.model_names())
        pipeline = DescribePipeline(
            decoder=PhotoDecoder(
                executor=executor,
                max_workers=settings.worker_threads,
                max_waiting=settings.max_queued_photos,
                max_pixels=settings.max_pixels,
                analysis_max_side=settings.analysis_max_side,
            ),
            analysis=analysis,
            backend=backend,
            safety=SafetyPipeline.create(),
            executor=executor,
        )
        store = PhotoStore(
            directory=settings.photos_dir,
            retain_hours=settings.retain_photos_hours,
            detector=analysis.faces,
        )
        logger.info("describe pipeline ready", extra={"backend": backend.name})
        yield PipelineServices(pipeline=pipeline, store=store, executor=executor)
        await backend.aclose()
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


@asynccontextmanager
async def app_services(settings: Settings) -> AsyncIterator[AppServices]:
    """Database, auth, rate limits and the pipeline, built once."""
    engine = create_engine(settings.resolved_database_url, DatabaseTimeouts.from_settings(settings))
    limiter = create_rate_limiter(settings)
    try:
        async with pipeline_services(settings) as describe:
            yield AppServices(
                settings=settings,
                engine=engine,
                sessions=create_session_factory(engine),
                passwords=PasswordService(),
                tokens=TokenService(
                    secret=settings.signing_secret,
                    access_ttl=timedelta(minutes=settings.access_token_minutes),
                ),
                limiter=limiter,
                describe=describe,
            )
    finally:
        await engine.dispose()
