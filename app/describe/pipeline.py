"""One describe request, in DESIGN.md's order: ingest, analyze, question policy,
describe, post-process. Persistence is the service's job; HTTP is the route's."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from app.describe.result import build_result
from app.ingest import DecodedPhoto
from app.ingest_pool import PhotoDecoder
from app.metrics import PIPELINE_STAGE_SECONDS
from models.analysis import AnalysisSuite
from models.backends.base import VisionBackend
from models.types import ConversationTurn, DescribeRequest, Detail, GeneratedAnswer, ImageAnalysis
from safety.pipeline import SafetyPipeline
from safety.types import SafetyOutcome


@dataclass(frozen=True)
class PipelineOutcome:
    """The decoded photo, what the analyzers found, and the contract JSON."""

    photo: DecodedPhoto
    analysis: ImageAnalysis
    result: dict[str, Any]


@dataclass
class DescribePipeline:
    """Built once at start-up; shared by every request."""

    decoder: PhotoDecoder
    analysis: AnalysisSuite
    backend: VisionBackend
    safety: SafetyPipeline
    executor: Executor

    async def describe_photo(
        self, *, photo: bytes, question: str | None, detail: Detail, language: str
    ) -> PipelineOutcome:
        """Decode and analyze a photo, then answer the question about it."""
        with _timed("ingest"):
            decoded = await self.decoder.decode(photo)
        with _timed("analyze"):
            analysis = await self.analysis.analyze(decoded.image, executor=self.executor)
        result = await self.answer(
            image=decoded.image,
            analysis=analysis,
            question=question,
            detail=detail,
            language=language,
        )
        return PipelineOutcome(photo=decoded, analysis=analysis, result=result)

    async def answer(
        self,
        *,
        image: Any,
        analysis: ImageAnalysis,
        question: str | None,
        detail: Detail,
        language: str,
        history: tuple[ConversationTurn, ...] = (),
    ) -> dict[str, Any]:
        """Apply the question and image policies, run the backend, post-process.

        `image` is None for follow-ups on a photo that was not retained; the
        backend then answers from the stored analysis."""
        loop = asyncio.get_running_loop()
        with _timed("policy"):
            verdict = self.safety.check_question(question, language=language)
            refusal = self.safety.check_image(analysis, language=language) or verdict.refusal
        answer: GeneratedAnswer | None = None
        if refusal is not None:
            outcome = SafetyOutcome(text=refusal.message, refusal=refusal)
        else:
            request = DescribeRequest(
                image=image,
                question=question,
                detail=detail,
                language=language,
                analysis=analysis,
                history=history,
            )
            with _timed("describe"):
                answer = await self.backend.describe(request)
            generative = answer.backend != "local"
            with _timed("postprocess"):
                outcome = await loop.run_in_executor(
                    self.executor,
                    lambda: self.safety.postprocess(
                        answer.text if answer else "",
                        question=question,
                        analysis=analysis,
                        verdict=verdict,
                        language=language,
                        generative=generative,
                    ),
                )
        return build_result(
            analysis=analysis,
            outcome=outcome,
            answer=answer,
            backend_name=self.backend.name,
            backend_models=self.backend.model_names(),
            language=language,
            detail=detail,
        )


class _timed:
    """Observe a pipeline stage's duration in the Prometheus histogram."""

    def __init__(self, stage: str) -> None:
        self._stage = stage
        self._started = 0.0

    def __enter__(self) -> None:
        self._started = time.perf_counter()

    def __exit__(self, *_: object) -> None:
        PIPELINE_STAGE_SECONDS.labels(stage=self._stage).observe(
            time.perf_counter() - self._started
        )
