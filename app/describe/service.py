"""Description rules: create (idempotent), follow-ups, history, delete, feedback,
account erasure. Knows nothing of HTTP."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import accounts_repo, descriptions_repo
from app.db.engine import transaction
from app.db.tables import Description, IdempotencyRecord, new_id
from app.describe.pipeline import DescribePipeline, StreamEvent
from app.describe.retention import PhotoStore
from app.errors import (
    IdempotencyConflictError,
    NotFoundError,
    ServiceUnavailableError,
    ValidationFailedError,
)
from app.metrics import DESCRIPTIONS_TOTAL
from models.types import ConversationTurn, Detail, ImageAnalysis

Rating = Literal["helpful", "wrong", "report"]
IDEMPOTENCY_WAIT_S = 120.0
IDEMPOTENCY_POLL_S = 0.1
# A claim still without a description after this long belongs to a process that died.
ABANDONED_CLAIM_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class DescriptionPage:
    """One page of history and the cursor for the next."""

    items: list[dict[str, Any]]
    next_cursor: str | None


def description_body(description: Description) -> dict[str, Any]:
    """The stored contract JSON with the description's id, time and question."""
    return {
        "id": description.id,
        "created_at": description.created_at.isoformat(),
        "question": description.question,
        **description.result,
    }


def request_fingerprint(*, photo: bytes, question: str | None, detail: str, language: str) -> str:
    """Hash of everything that makes two describe requests 'the same request'."""
    digest = hashlib.sha256()
    for part in (photo, (question or "").encode(), detail.encode(), language.encode()):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


async def create_description(
    *,
    sessions: async_sessionmaker[AsyncSession],
    pipeline: DescribePipeline,
    store: PhotoStore,
    owner_id: str,
    photo: bytes,
    question: str | None,
    detail: Detail,
    language: str,
    idempotency_key: str | None,
    idempotency_ttl: timedelta,
) -> tuple[dict[str, Any], bool]:
    """Describe a photo and store the result. Returns (body, replayed).

    With an idempotency key the first request claims the key in the database,
    runs the pipeline and records the description; a retry with the same key
    and body gets the stored description; a concurrent duplicate waits for it."""
    claim_id: str | None = None
    if idempotency_key:
        fingerprint = request_fingerprint(
            photo=photo, question=question, detail=detail, language=language
        )
        claimed = await _claim_or_replay(
            sessions=sessions,
            owner_id=owner_id,
            key=idempotency_key,
            fingerprint=fingerprint,
            ttl=idempotency_ttl,
        )
        if isinstance(claimed, dict):
            return claimed, True
        claim_id = claimed
    try:
        outcome = await pipeline.describe_photo(
            photo=photo, question=question, detail=detail, language=language
        )
        description = await _store_description(
            sessions=sessions,
            pipeline=pipeline,
            store=store,
            owner_id=owner_id,
            image=outcome.photo.image,
            analysis=outcome.analysis,
            result=outcome.result,
            question=question,
            detail=detail,
            language=language,
            claim_id=claim_id,
        )
    except BaseException:
        if claim_id:
            async with transaction(sessions) as session:
                await descriptions_repo.delete_idempotency_record(session, record_id=claim_id)
        DESCRIPTIONS_TOTAL.labels(outcome="error").inc()
        raise
    return description_body(description), False


async def start_streamed_description(
    *,
    sessions: async_sessionmaker[AsyncSession],
    pipeline: DescribePipeline,
    store: PhotoStore,
    owner_id: str,
    photo: bytes,
    question: str | None,
    detail: Detail,
    language: str,
) -> AsyncIterator[StreamEvent]:
    """Ingest and analyze now (so a bad photo still gets its 4xx status), then
    return the events of the answer: sentences as they are written, and a
    final `done` carrying the stored description."""
    analyzed = await pipeline.analyze_photo(photo=photo, language=language)

    async def events() -> AsyncIterator[StreamEvent]:
        async for event in pipeline.stream_answer(
            image=analyzed.photo.image,
            analysis=analyzed.analysis,
            question=question,
            detail=detail,
            language=language,
        ):
            if event.kind != "done":
                yield event
                continue
            description = await _store_description(
                sessions=sessions,
                pipeline=pipeline,
                store=store,
                owner_id=owner_id,
                image=analyzed.photo.image,
                analysis=analyzed.analysis,
                result=event.data,
                question=question,
                detail=detail,
                language=language,
                claim_id=None,
            )
            yield StreamEvent("done", description_body(description))

    return events()


async def _store_description(
    *,
    sessions: async_sessionmaker[AsyncSession],
    pipeline: DescribePipeline,
    store: PhotoStore,
    owner_id: str,
    image: Any,
    analysis: ImageAnalysis,
    result: dict[str, Any],
    question: str | None,
    detail: str,
    language: str,
    claim_id: str | None,
) -> Description:
    """Write the retained copy (if enabled) and the description; complete the idempotency claim."""
    description_id = new_id()
    now = datetime.now(UTC)
    stored = await asyncio.get_running_loop().run_in_executor(
        pipeline.executor, lambda: store.save(description_id=description_id, image=image, now=now)
    )
    result = {**result, "photo_retained_until": stored.expires_at.isoformat() if stored else None}
    async with transaction(sessions) as session:
        description = await descriptions_repo.add_description(
            session,
            owner_id=owner_id,
            question=question,
            detail=detail,
            language=language,
            result=result,
            analysis=analysis.to_dict(),
            description_id=description_id,
        )
        if stored:
            description.photo_path = str(stored.path)
            description.photo_expires_at = stored.expires_at
        if claim_id:
            record = await session.get(IdempotencyRecord, claim_id)
            if record is not None:
                record.description_id = description.id
    DESCRIPTIONS_TOTAL.labels(
        outcome="refused" if result["safety"]["refusal"] else "answered"
    ).inc()
    return description


async def _claim_or_replay(
    *,
    sessions: async_sessionmaker[AsyncSession],
    owner_id: str,
    key: str,
    fingerprint: str,
    ttl: timedelta,
) -> str | dict[str, Any]:
    """Return the new claim's id, or the stored body of the request that already ran."""
    deadline = asyncio.get_running_loop().time() + IDEMPOTENCY_WAIT_S
    while True:
        now = datetime.now(UTC)
        try:
            async with transaction(sessions) as session:
                record = await descriptions_repo.get_idempotency_record(
                    session, owner_id=owner_id, key=key
                )
                if record is not None and _is_expired_or_abandoned(record, now):
                    await descriptions_repo.delete_idempotency_record(session, record_id=record.id)
                    record = None
                if record is None:
                    claim = await descriptions_repo.add_idempotency_record(
                        session,
                        owner_id=owner_id,
                        key=key,
                        request_hash=fingerprint,
                        expires_at=now + ttl,
                    )
                    return claim.id
                if record.request_hash != fingerprint:
                    raise IdempotencyConflictError()
                if record.description_id is not None:
                    description = await descriptions_repo.get_owned_description(
                        session, owner_id=owner_id, description_id=record.description_id
                    )
                    if description is not None:
                        return description_body(description)
        except IntegrityError:
            pass  # a concurrent duplicate claimed the key between our read and insert
        if asyncio.get_running_loop().time() > deadline:
            raise ServiceUnavailableError(
                "The same request is still being processed. Please try again shortly."
            )
        await asyncio.sleep(IDEMPOTENCY_POLL_S)


def _is_expired_or_abandoned(record: IdempotencyRecord, now: datetime) -> bool:
    """An expired key, or a claim whose request never finished, may be claimed again."""
    abandoned = record.description_id is None and record.created_at <= now - ABANDONED_CLAIM_AFTER
    return record.expires_at <= now or abandoned


async def get_description_or_raise(
    *, session: AsyncSession, owner_id: str, description_id: str
) -> dict[str, Any]:
    """The owner's description with its follow-up turns; NotFoundError for anyone else's."""
    description = await _owned_or_raise(
        session=session, owner_id=owner_id, description_id=description_id
    )
    turns = await descriptions_repo.list_turns(session, description_id=description.id)
    return {
        **description_body(description),
        "follow_ups": [
            {
                "id": turn.id,
                "created_at": turn.created_at.isoformat(),
                "question": turn.question,
                **turn.result,
            }
            for turn in turns
        ],
    }


async def list_descriptions(
    *, session: AsyncSession, owner_id: str, limit: int, cursor: str | None
) -> DescriptionPage:
    """A page of the owner's history, newest first."""
    before = _decode_cursor(cursor) if cursor else None
    rows = await descriptions_repo.list_owned_descriptions(
        session, owner_id=owner_id, limit=limit + 1, before=before
    )
    page, more = rows[:limit], len(rows) > limit
    next_cursor = _encode_cursor(page[-1]) if more and page else None
    return DescriptionPage(items=[description_body(row) for row in page], next_cursor=next_cursor)


async def delete_description(
    *, session: AsyncSession, store: PhotoStore, owner_id: str, description_id: str
) -> None:
    """Delete the owner's description and its retained photo."""
    description = await _owned_or_raise(
        session=session, owner_id=owner_id, description_id=description_id
    )
    store.delete(description.photo_path)
    await descriptions_repo.delete_description(session, description=description)


async def ask_follow_up(
    *,
    sessions: async_sessionmaker[AsyncSession],
    pipeline: DescribePipeline,
    store: PhotoStore,
    owner_id: str,
    description_id: str,
    question: str,
    detail: Detail | None,
    language: str | None,
) -> dict[str, Any]:
    """Answer another question about the same photo: from the retained copy when
    there is one, otherwise from the stored analysis."""
    async with transaction(sessions) as session:
        description = await _owned_or_raise(
            session=session, owner_id=owner_id, description_id=description_id
        )
        turns = await descriptions_repo.list_turns(session, description_id=description.id)
    history = (
        ConversationTurn(question=description.question or "", answer=description.result["text"]),
        *(ConversationTurn(question=turn.question, answer=turn.result["text"]) for turn in turns),
    )
    image = store.load(description.photo_path)
    result = await pipeline.answer(
        image=image,
        analysis=ImageAnalysis.from_dict(description.analysis),
        question=question,
        detail=detail or description.detail,  # type: ignore[arg-type]
        language=language or description.language,
        history=history,
    )
    async with transaction(sessions) as session:
        turn = await descriptions_repo.add_turn(
            session, description_id=description.id, question=question, result=result
        )
    return {
        "id": turn.id,
        "description_id": description.id,
        "created_at": turn.created_at.isoformat(),
        "question": question,
        **result,
    }


async def add_feedback(
    *,
    session: AsyncSession,
    owner_id: str,
    description_id: str,
    rating: Rating,
    category: str | None,
    comment: str | None,
) -> dict[str, Any]:
    """Record the owner's feedback on one of their descriptions."""
    description = await _owned_or_raise(
        session=session, owner_id=owner_id, description_id=description_id
    )
    feedback = await descriptions_repo.add_feedback(
        session,
        description_id=description.id,
        owner_id=owner_id,
        rating=rating,
        category=category,
        comment=comment,
    )
    return {
        "id": feedback.id,
        "description_id": description.id,
        "rating": rating,
        "category": category,
        "created_at": feedback.created_at.isoformat(),
    }


async def erase_account(*, session: AsyncSession, store: PhotoStore, account_id: str) -> None:
    """Delete the account with every row (cascade) and every retained photo."""
    for path in await descriptions_repo.list_photo_paths(session, owner_id=account_id):
        store.delete(path)
    await accounts_repo.delete_account(session, account_id=account_id)


async def _owned_or_raise(
    *, session: AsyncSession, owner_id: str, description_id: str
) -> Description:
    description = await descriptions_repo.get_owned_description(
        session, owner_id=owner_id, description_id=description_id
    )
    if description is None:
        raise NotFoundError("No such description.")
    return description


def _encode_cursor(description: Description) -> str:
    raw = f"{description.created_at.isoformat()}|{description.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        created_at, description_id = (
            base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        )
        return datetime.fromisoformat(created_at), description_id
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationFailedError("The page cursor is invalid.") from error
