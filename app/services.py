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
from app.handoff.service import HandoffService, handoff_service
from app.ingest_pool import MSG_BUSY, PhotoDecoder
from app.ratelimit import RateLimiter, create_rate_limiter
from app.settings import Settings
from app.work_bounds import AdmissionGate, OffloadPool, WorkBounds
from models.analysis import AnalysisSuite
from models.catalog import analysis_model_names
from safety.pipeline import SafetyPipeline

logger = logging.getLogger(__name__)


@dataclass
class PipelineServices:
    """The describe pipeline and what it owns (no database): used by `serve` and `describe`.

    `admission` bounds whole describe requests; `executor` is the CPU pool they
    share; `files` does retained-photo file I/O (docs/concurrency.md)."""

    pipeline: DescribePipeline
    store: PhotoStore
    executor: ThreadPoolExecutor
    admission: AdmissionGate
    files: OffloadPool


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
    bounds: WorkBounds
    handoff: HandoffService  # issue 7: volunteer handoff (sockets, matching, broker)

    @property
    def refresh_ttl(self) -> timedelta:
        """How long refresh tokens live."""
        return timedelta(days=self.settings.refresh_token_days)

    @property
    def idempotency_ttl(self) -> timedelta:
        """How long an Idempotency-Key is remembered."""
        return timedelta(hours=self.settings.idempotency_ttl_hours)


@asynccontextmanager
async def pipeline_services(
    settings: Settings, bounds: WorkBounds | None = None
) -> AsyncIterator[PipelineServices]:
    """Load every model once and build the describe pipeline; release it all on exit."""
    bounds = bounds or WorkBounds.from_settings(settings)
    executor = ThreadPoolExecutor(max_workers=bounds.cpu_threads, thread_name_prefix="sightline-cpu")
    files = OffloadPool(
        name="files",
        threads=bounds.file_threads,
        queue=bounds.file_queue,
        retry_after_s=bounds.retry_after_s,
    )
    try:
        analysis = AnalysisSuite.create(
            cache_dir=settings.resolved_model_cache_dir,
            enable_scene=settings.enable_scene,
            enable_explicit=settings.enable_explicit,
        )
        analysis_models = analysis_model_names(
            scene=analysis.scene is not None, explicit=analysis.explicit is not None
        )
        backend = create_backend(settings, analyzer_models=analysis_models)
        pipeline = DescribePipeline(
            # Admission below bounds decodes to `describe_limit` at once, so the
            # decoder's own bound never refuses; it stays as a second guard.
            decoder=PhotoDecoder(
                executor=executor,
                max_workers=bounds.describe_limit,
                max_waiting=bounds.describe_queue,
                max_pixels=settings.max_pixels,
                analysis_max_side=settings.analysis_max_side,
            ),
            analysis=analysis,
            backend=backend,
            safety=SafetyPipeline.create(
                capabilities=person_capabilities(settings.backend, analysis)
            ),
            executor=executor,
            analysis_models=analysis_models,
        )
        store = PhotoStore(
            directory=settings.photos_dir,
            retain_hours=settings.retain_photos_hours,
            detector=analysis.faces,
        )
        logger.info("describe pipeline ready", extra={"backend": backend.name})
        admission = AdmissionGate(
            name="describe",
            limit=bounds.describe_limit,
            queue=bounds.describe_queue,
            retry_after_s=bounds.retry_after_s,
            busy_detail=MSG_BUSY,
        )
        yield PipelineServices(
            pipeline=pipeline, store=store, executor=executor, admission=admission, files=files
        )
        await backend.aclose()
    finally:
        files.close()
        executor.shutdown(wait=False, cancel_futures=True)


@asynccontextmanager
async def app_services(settings: Settings) -> AsyncIterator[AppServices]:
    """Database, auth, rate limits and the pipeline, built once."""
    bounds = WorkBounds.from_settings(settings)
    # issue 13 (harden): bounded database waits; the limiter with hashed keys and a fallback.
    engine = create_engine(settings.resolved_database_url, DatabaseTimeouts.from_settings(settings))
    password_pool = OffloadPool(
        name="passwords",
        threads=bounds.password_threads,
        queue=bounds.password_queue,
        retry_after_s=bounds.retry_after_s,
    )
    limiter = create_rate_limiter(settings)
    try:
        sessions = create_session_factory(engine)
        async with (
            pipeline_services(settings, bounds) as describe,
            handoff_service(settings, sessions, sqlite=engine.dialect.name == "sqlite") as handoff,
        ):
            yield AppServices(
                settings=settings,
                engine=engine,
                sessions=sessions,
                passwords=PasswordService(pool=password_pool),
                tokens=TokenService(
                    secret=settings.signing_secret,
                    access_ttl=timedelta(minutes=settings.access_token_minutes),
                ),
                limiter=limiter,
                describe=describe,
                bounds=bounds,
                handoff=handoff,
            )
    finally:
        password_pool.close()
        await engine.dispose()


# safety2 (issue 10 part 3): a person refusal offers only what this backend can describe.
def person_capabilities(backend: str, analysis: AnalysisSuite) -> tuple[str, ...]:
    """What the configured backend can say about a person (safety.capabilities): a generative
    backend describes what it sees; the local describer only what its analyzers measure."""
    from safety.capabilities import GENERATIVE, LOCAL_FACE_ATTRIBUTES, LOCAL_FACES_ONLY

    if backend != "local":
        return GENERATIVE
    return LOCAL_FACE_ATTRIBUTES if analysis.face_attributes is not None else LOCAL_FACES_ONLY
