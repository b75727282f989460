"""One describe request, in the order of docs/pipeline.md: ingest, analyze,
question policy, describe, post-process. Persistence is the service's job;
HTTP is the route's; admission (how many run at once) is the service's too."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from app.describe.result import build_result
from app.ingest import DecodedPhoto
from app.ingest_pool import PhotoDecoder
from app.metrics import PIPELINE_STAGE_SECONDS
from app.schemas.answer import Answer
from app.schemas.descriptions import StreamDelta
from models.analysis import AnalysisSuite, optional_analyzers
from models.backends.base import VisionBackend
from models.types import ConversationTurn, DescribeRequest, Detail, GeneratedAnswer, ImageAnalysis
from safety.pipeline import SafetyPipeline
from safety.types import QuestionVerdict, Refusal, SafetyOutcome

# A sentence ends at . ! ? or the Japanese 。！？ followed by space or end of text.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")


@dataclass(frozen=True)
class AnalyzedPhoto:
    """A decoded photo and what the analyzers found in it."""

    photo: DecodedPhoto
    analysis: ImageAnalysis


@dataclass(frozen=True)
class PipelineOutcome:
    """The decoded photo, what the analyzers found, and the answer."""

    photo: DecodedPhoto
    analysis: ImageAnalysis
    result: Answer


@dataclass(frozen=True)
class StreamEvent:
    """A piece of a streamed answer (`delta`: `StreamDelta`) or the final answer
    (`done`: `Answer`, or the stored `Description` once the service has kept it)."""

    kind: str
    data: BaseModel


@dataclass
class DescribePipeline:
    """Built once at start-up; shared by every request."""

    decoder: PhotoDecoder
    analysis: AnalysisSuite
    backend: VisionBackend
    safety: SafetyPipeline
    executor: Executor
    # Catalog names of the analyzers' models (models.catalog), reported in `backend.models`.
    analysis_models: tuple[str, ...] = ()

    async def analyze_photo(
        self,
        *,
        photo: bytes,
        language: str,
        question: str | None = None,
        detail: Detail = "standard",
    ) -> AnalyzedPhoto:
        """Ingest (decode, orient, strip, downscale) and run the analyzers
        (photo guidance is written in `language`).

        Analyzers the question cannot use are skipped (scene, colours and face
        attributes for "what does this say?" below `detailed`; see
        `models.analysis.optional_analyzers`); what safety needs always runs:
        the explicit score, faces and OCR (CAPTCHAs, disclaimers). No question
        runs everything."""
        with _timed("ingest"):
            decoded = await self.decoder.decode(photo)
        with _timed("analyze"):
            analysis = await self.analysis.analyze(
                decoded.image,
                executor=self.executor,
                language=language,
                question=question,
                detail=detail,
            )
        return AnalyzedPhoto(photo=decoded, analysis=analysis)

    async def describe_photo(
        self, *, photo: bytes, question: str | None, detail: Detail, language: str
    ) -> PipelineOutcome:
        """Decode and analyze a photo, then answer the question about it."""
        analyzed = await self.analyze_photo(
            photo=photo, language=language, question=question, detail=detail
        )
        result = await self.answer(
            image=analyzed.photo.image,
            analysis=analyzed.analysis,
            question=question,
            detail=detail,
            language=language,
        )
        return PipelineOutcome(photo=analyzed.photo, analysis=analyzed.analysis, result=result)

    async def answer(
        self,
        *,
        image: Any,
        analysis: ImageAnalysis,
        question: str | None,
        detail: Detail,
        language: str,
        history: tuple[ConversationTurn, ...] = (),
    ) -> Answer:
        """Apply the question and image policies, run the backend, post-process.

        `image` is None for follow-ups on a photo that was not retained; the
        backend then answers from the stored analysis."""
        analysis = await self._complete_analysis(
            image=image, analysis=analysis, question=question, detail=detail, language=language
        )
        verdict, refusal = await self._check_policies(
            question=question, analysis=analysis, language=language
        )
        if refusal is not None:
            return self._result(
                analysis,
                SafetyOutcome(text=refusal.message, refusal=refusal),
                None,
                language,
                detail,
            )
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
        outcome = await self._postprocess(
            answer, question=question, analysis=analysis, verdict=verdict
        )
        return self._result(analysis, outcome, answer, language, detail)

    async def stream_answer(
        self,
        *,
        image: Any,
        analysis: ImageAnalysis,
        question: str | None,
        detail: Detail,
        language: str,
    ) -> AsyncIterator[StreamEvent]:
        """Like `answer`, but yields each sentence as soon as the backend has written
        it and post-processing has cleared it, then the final JSON as `done`.

        Every sentence passes the same post-processing as the whole answer (names
        removed, claims checked) before it leaves; the `done` text is authoritative."""
        verdict, refusal = await self._check_policies(
            question=question, analysis=analysis, language=language
        )
        if refusal is not None:
            outcome = SafetyOutcome(text=refusal.message, refusal=refusal)
            yield StreamEvent("delta", StreamDelta(text=refusal.message))
            yield StreamEvent("done", self._result(analysis, outcome, None, language, detail))
            return
        request = DescribeRequest(
            image=image, question=question, detail=detail, language=language, analysis=analysis
        )
        pieces: list[str] = []
        pending = ""
        async for piece in self.backend.stream(request):
            pieces.append(piece)
            pending += piece
            *complete, pending = SENTENCE_END.split(pending)
            for sentence in complete:
                cleared = await self._clear_sentence(
                    sentence, question, analysis, verdict, language
                )
                if cleared:
                    yield StreamEvent("delta", StreamDelta(text=cleared))
        if pending.strip():
            cleared = await self._clear_sentence(pending, question, analysis, verdict, language)
            if cleared:
                yield StreamEvent("delta", StreamDelta(text=cleared))
        answer = GeneratedAnswer(
            text="".join(pieces),
            language=language,
            backend=self.backend.name,
            models=self.backend.model_names(),
        )
        outcome = await self._postprocess(
            answer, question=question, analysis=analysis, verdict=verdict
        )
        yield StreamEvent("done", self._result(analysis, outcome, answer, language, detail))

    async def _complete_analysis(
        self,
        *,
        image: Any,
        analysis: ImageAnalysis,
        question: str | None,
        detail: Detail,
        language: str,
    ) -> ImageAnalysis:
        """A follow-up may need an analyzer the first question skipped ("what does
        it say?" then "what colour is it?"): with the retained photo, analyze again;
        without it, answer from what was found (the composer says what it cannot tell)."""
        needed = optional_analyzers(question, detail) & set(analysis.skipped_analyzers)
        if not needed or image is None:
            return analysis
        with _timed("analyze"):
            return await self.analysis.analyze(
                image, executor=self.executor, language=language, all_analyzers=True
            )

    async def _check_policies(
        self, *, question: str | None, analysis: ImageAnalysis, language: str
    ) -> tuple[QuestionVerdict, Refusal | None]:
        # Off the loop: the learned second stage embeds the question (tens of ms of CPU).
        def check() -> tuple[QuestionVerdict, Refusal | None]:
            verdict = self.safety.check_question(question, language=language)
            refusal = self.safety.check_image(analysis, language=language, question=question)
            return verdict, refusal or verdict.refusal

        with _timed("policy"):
            return await asyncio.get_running_loop().run_in_executor(self.executor, check)

    async def _postprocess(
        self,
        answer: GeneratedAnswer,
        *,
        question: str | None,
        analysis: ImageAnalysis,
        verdict: QuestionVerdict,
    ) -> SafetyOutcome:
        loop = asyncio.get_running_loop()
        with _timed("postprocess"):
            return await loop.run_in_executor(
                self.executor,
                lambda: self.safety.postprocess(
                    answer.text,
                    question=question,
                    analysis=analysis,
                    verdict=verdict,
                    language=answer.language,
                    generative=answer.backend != "local",
                ),
            )

    async def _clear_sentence(
        self,
        sentence: str,
        question: str | None,
        analysis: ImageAnalysis,
        verdict: QuestionVerdict,
        language: str,
    ) -> str:
        """Post-process one streamed sentence; disclaimers are left for the final text."""
        answer = GeneratedAnswer(
            text=sentence.strip(), language=language, backend=self.backend.name
        )
        outcome = await self._postprocess(
            answer, question=question, analysis=analysis, verdict=verdict
        )
        text = outcome.text
        for disclaimer in outcome.disclaimers:
            text = text.replace(disclaimer.text, "")
        return text.strip()

    def _result(
        self,
        analysis: ImageAnalysis,
        outcome: SafetyOutcome,
        answer: GeneratedAnswer | None,
        language: str,
        detail: Detail,
    ) -> Answer:
        return build_result(
            analysis=analysis,
            outcome=outcome,
            answer=answer,
            backend_name=self.backend.name,
            analysis_models=self.analysis_models,
            language=language,
            detail=detail,
        )


def _timed(stage: str) -> Any:
    """Observe a pipeline stage's duration in the Prometheus histogram."""
    return PIPELINE_STAGE_SECONDS.labels(stage=stage).time()
