"""Description rules: create (idempotent), stream, follow-ups, history, delete,
feedback, account erasure. Knows nothing of HTTP.

Transactions follow one rule (docs/architecture.md, "Transactions"): a
function that runs the pipeline takes the session factory and opens short
transactions, so no connection is held while a photo waits or is analyzed;
every other function works in the request's one transaction (`session`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import accounts_repo, descriptions_repo
from app.db.engine import transaction
from app.db.tables import Description as DescriptionRow
from app.db.tables import DescriptionTurn, new_id
from app.describe.idempotency import (
    DEFAULT_LEASE,
    claim_or_replay,
    complete_claim,
    keep_claim,
    release_claim,
    request_fingerprint,
)
from app.describe.pipeline import StreamEvent
from app.describe.retention import StoredPhoto, delete_photo, delete_photos
from app.errors import NotAuthenticatedError, NotFoundError, ValidationFailedError
from app.metrics import DESCRIPTIONS_TOTAL
from app.schemas.answer import Answer
from app.schemas.descriptions import (
    Description,
    DescriptionPage,
    DescriptionWithFollowUps,
    FollowUp,
)
from app.schemas.feedback import FeedbackCategory, FeedbackOut, Rating
from app.schemas.fields import decode_cursor, encode_cursor
from app.services import PipelineServices
from app.work_bounds import Abandoned
from models.types import ConversationTurn, Detail, ImageAnalysis


def description_out(row: DescriptionRow) -> Description:
    """A stored description as the contract model (rows from before a field existed
    get its default; the row's own columns fill what old results lack)."""
    return Description.model_validate(
        {
            "detail": row.detail,
            "language": row.language,
            **row.result,
            "id": row.id,
            "created_at": row.created_at,
            "question": row.question,
        }
    )


def follow_up_out(turn: DescriptionTurn) -> FollowUp:
    """A stored follow-up as the contract model."""
    return FollowUp.model_validate(
        {
            **turn.result,
            "id": turn.id,
            "description_id": turn.description_id,
            "created_at": turn.created_at,
            "question": turn.question,
        }
    )


async def create_description(
    *,
    sessions: async_sessionmaker[AsyncSession],
    describe: PipelineServices,
    owner_id: str,
    photo: bytes,
    question: str | None,
    detail: Detail,
    language: str,
    idempotency_key: str | None,
    idempotency_ttl: timedelta,
    abandoned: Abandoned | None = None,
    idempotency_lease: timedelta = DEFAULT_LEASE,
) -> tuple[Description, bool]:
    """Describe a photo and store the result. Returns (description, replayed).

    The request waits for its turn (503 when the queue is full; skipped when
    `abandoned()` says the client left meanwhile). With an idempotency key, a
    retry gets the stored description instead of a new one."""
    claim_id: str | None = None
    if idempotency_key:
        claimed = await claim_or_replay(
            sessions=sessions,
            owner_id=owner_id,
            key=idempotency_key,
            fingerprint=request_fingerprint(
                photo=photo, question=question, detail=detail, language=language
            ),
            lease=idempotency_lease,
        )
        if isinstance(claimed, DescriptionRow):
            return description_out(claimed), True
        claim_id = claimed
    # While this request runs its claim is renewed; a killed process stops renewing.
    heartbeat = (
        _keep_running(
            asyncio.create_task(keep_claim(sessions, claim_id=claim_id, lease=idempotency_lease))
        )
        if claim_id
        else None
    )
    try:
        async with describe.admission.turn(abandoned):
            outcome = await describe.pipeline.describe_photo(
                photo=photo, question=question, detail=detail, language=language
            )
            description = await _store_description(
                sessions=sessions,
                describe=describe,
                owner_id=owner_id,
                image=outcome.photo.image,
                analysis=outcome.analysis,
                answer=outcome.result,
                question=question,
                detail=detail,
                language=language,
                claim_id=claim_id,
                claim_ttl=idempotency_ttl,
            )
    except BaseException:
        if heartbeat:
            heartbeat.cancel()
        if claim_id:
            await release_claim(sessions, claim_id=claim_id)
        DESCRIPTIONS_TOTAL.labels(outcome="error").inc()
        raise
    if heartbeat:
        heartbeat.cancel()
    return description, False


async def start_streamed_description(
    *,
    sessions: async_sessionmaker[AsyncSession],
    describe: PipelineServices,
    owner_id: str,
    photo: bytes,
    question: str | None,
    detail: Detail,
    language: str,
    abandoned: Abandoned | None = None,
) -> AsyncIterator[StreamEvent]:
    """Wait for a turn, ingest and analyze now (so a bad photo still gets its 4xx
    status), then return the events of the answer: sentences as they are written,
    and a final `done` carrying the stored description. The turn is held until
    the last event has been produced."""
    await describe.admission.acquire(abandoned)
    try:
        analyzed = await describe.pipeline.analyze_photo(
            photo=photo, language=language, question=question, detail=detail
        )
    except BaseException:
        describe.admission.release()
        raise

    events: asyncio.Queue[StreamEvent | BaseException | None] = asyncio.Queue()

    async def produce() -> None:
        # Runs to the end whether or not anyone still reads: a client that disconnects
        # early still finds the answer in its history (issue 13, class 9).
        try:
            async for event in describe.pipeline.stream_answer(
                image=analyzed.photo.image,
                analysis=analyzed.analysis,
                question=question,
                detail=detail,
                language=language,
            ):
                if event.kind != "done" or not isinstance(event.data, Answer):
                    events.put_nowait(event)
                    continue
                description = await _store_description(
                    sessions=sessions,
                    describe=describe,
                    owner_id=owner_id,
                    image=analyzed.photo.image,
                    analysis=analyzed.analysis,
                    answer=event.data,
                    question=question,
                    detail=detail,
                    language=language,
                    claim_id=None,
                )
                events.put_nowait(StreamEvent("done", description))
        except Exception as error:  # handed to the reader, who renders it as an `error` event
            events.put_nowait(error)
        finally:
            describe.admission.release()
            events.put_nowait(None)

    _keep_running(asyncio.create_task(produce()))

    async def read() -> AsyncIterator[StreamEvent]:
        while (item := await events.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    # The first event now, so that a failure before any text still gets its status code.
    stream = read()
    first = await anext(stream)
    return _prepend(first, stream)


# Tasks beside a request (streamed answers whose reader may be gone, idempotency
# heartbeats being cancelled): referenced here until they finish, since the event
# loop keeps only weak references to tasks.
_BACKGROUND: set[asyncio.Task[None]] = set()


def _keep_running(task: asyncio.Task[None]) -> asyncio.Task[None]:
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)
    return task


async def _prepend(first: StreamEvent, rest: AsyncIterator[StreamEvent]) -> AsyncIterator[StreamEvent]:
    yield first
    async for event in rest:
        yield event


async def _store_description(
    *,
    sessions: async_sessionmaker[AsyncSession],
    describe: PipelineServices,
    owner_id: str,
    image: Any,
    analysis: ImageAnalysis,
    answer: Answer,
    question: str | None,
    detail: str,
    language: str,
    claim_id: str | None,
    claim_ttl: timedelta | None = None,
) -> Description:
    """Keep the retained copy (if enabled) and the description; complete the idempotency claim.

    When the row cannot be stored the copy is removed again: a file without its row
    would never be purged. An account erased meanwhile (the row's owner is gone, issue
    13 class 6) is a 401, as the request would have got had it come a moment later."""
    description_id = new_id()
    now = datetime.now(UTC)
    # Face blurring is CPU work of the admitted request: the CPU pool, not the file pool.
    stored = await asyncio.get_running_loop().run_in_executor(
        describe.executor,
        partial(describe.store.save, description_id=description_id, image=image, now=now),
    )
    try:
        row = await _insert_description(
            sessions=sessions, owner_id=owner_id, description_id=description_id, stored=stored,
            analysis=analysis, answer=answer, question=question, detail=detail,
            language=language, claim_id=claim_id, claim_ttl=claim_ttl,
        )
    except IntegrityError as error:
        _forget(stored)
        raise NotAuthenticatedError(key="error.account_deleted") from error
    except BaseException:
        _forget(stored)
        raise
    DESCRIPTIONS_TOTAL.labels(outcome="refused" if answer.safety.refusal else "answered").inc()
    return description_out(row)


def _forget(stored: StoredPhoto | None) -> None:
    # Synchronous on purpose: one unlink, and it must also run when the task is cancelled.
    if stored is not None:
        delete_photo(str(stored.path))


async def _insert_description(
    *,
    sessions: async_sessionmaker[AsyncSession],
    owner_id: str,
    description_id: str,
    stored: StoredPhoto | None,
    analysis: ImageAnalysis,
    answer: Answer,
    question: str | None,
    detail: str,
    language: str,
    claim_id: str | None,
    claim_ttl: timedelta | None,
) -> DescriptionRow:
    result = {
        **answer.model_dump(mode="json"),
        "photo_retained_until": stored.expires_at.isoformat() if stored else None,
    }
    async with transaction(sessions) as session:
        row = await descriptions_repo.add_description(
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
            row.photo_path = str(stored.path)
            row.photo_expires_at = stored.expires_at
        if claim_id and claim_ttl is not None:
            await complete_claim(session, claim_id=claim_id, description_id=row.id, ttl=claim_ttl)
    return row


async def ask_follow_up(
    *,
    sessions: async_sessionmaker[AsyncSession],
    describe: PipelineServices,
    owner_id: str,
    description_id: str,
    question: str,
    detail: Detail | None,
    language: str | None,
    abandoned: Abandoned | None = None,
) -> FollowUp:
    """Answer another question about the same photo: from the retained copy when
    there is one, otherwise from the stored analysis. Waits for a turn like a
    new description."""
    async with transaction(sessions) as session:
        row = await _owned_or_raise(session=session, owner_id=owner_id, description_id=description_id)
        turns = await descriptions_repo.list_turns(session, description_id=row.id)
    earlier = description_out(row)
    history = (
        ConversationTurn(question=row.question or "", answer=earlier.text),
        *(ConversationTurn(question=turn.question, answer=follow_up_out(turn).text) for turn in turns),
    )
    async with describe.admission.turn(abandoned):
        image = await describe.files.run(describe.store.load, row.photo_path)
        answer = await describe.pipeline.answer(
            image=image,
            analysis=ImageAnalysis.from_dict(row.analysis),
            question=question,
            detail=detail or earlier.detail,
            language=language or row.language,
            history=history,
        )
    try:
        async with transaction(sessions) as session:
            turn = await descriptions_repo.add_turn(
                session, description_id=row.id, question=question,
                result=answer.model_dump(mode="json"),
            )
    except IntegrityError as error:
        # Deleted while it was being answered (issue 13 class 6): gone, as a moment later.
        raise NotFoundError(key="error.no_such_description") from error
    return follow_up_out(turn)


async def get_description_or_raise(
    *, session: AsyncSession, owner_id: str, description_id: str
) -> DescriptionWithFollowUps:
    """The owner's description with its follow-up turns; NotFoundError for anyone else's."""
    row = await _owned_or_raise(session=session, owner_id=owner_id, description_id=description_id)
    turns = await descriptions_repo.list_turns(session, description_id=row.id)
    return DescriptionWithFollowUps(
        **dict(description_out(row)), follow_ups=[follow_up_out(turn) for turn in turns]
    )


async def list_descriptions(
    *, session: AsyncSession, owner_id: str, limit: int, cursor: str | None
) -> DescriptionPage:
    """A page of the owner's history, newest first."""
    before = _decode_cursor(cursor) if cursor else None
    rows = await descriptions_repo.list_owned_descriptions(
        session, owner_id=owner_id, limit=limit + 1, before=before
    )
    page, more = rows[:limit], len(rows) > limit
    return DescriptionPage(
        items=[description_out(row) for row in page],
        next_cursor=_encode_cursor(page[-1]) if more and page else None,
    )


async def delete_description(
    *, session: AsyncSession, describe: PipelineServices, owner_id: str, description_id: str
) -> None:
    """Delete the owner's description and its retained photo (the file first: a row
    left without its file is harmless, a file left without its row is never purged)."""
    row = await _owned_or_raise(session=session, owner_id=owner_id, description_id=description_id)
    await describe.files.run(delete_photos, [row.photo_path])
    # Two deletes at once: the second finds nothing to delete, which is a 404, not a 500.
    if not await descriptions_repo.delete_description(session, description_id=row.id):
        raise NotFoundError(key="error.no_such_description")


async def add_feedback(
    *,
    session: AsyncSession,
    owner_id: str,
    description_id: str,
    rating: Rating,
    category: FeedbackCategory | None,
    comment: str | None,
) -> FeedbackOut:
    """Record the owner's feedback on one of their descriptions."""
    row = await _owned_or_raise(session=session, owner_id=owner_id, description_id=description_id)
    try:
        feedback = await descriptions_repo.add_feedback(
            session,
            description_id=row.id,
            owner_id=owner_id,
            rating=rating,
            category=category,
            comment=comment,
        )
    except IntegrityError as error:  # deleted between the check and the insert
        raise NotFoundError(key="error.no_such_description") from error
    return FeedbackOut(
        id=feedback.id,
        description_id=row.id,
        rating=rating,
        category=category,
        created_at=feedback.created_at,
    )


async def erase_account(
    *, session: AsyncSession, describe: PipelineServices, account_id: str
) -> None:
    """Delete the account with every row (cascade) and every retained photo.

    The account is locked first, so a description being stored concurrently either
    committed before (its photo is listed and deleted here) or waits and then finds
    its owner gone (and removes its own photo): never a file without a row."""
    await accounts_repo.lock_account_for_erasure(session, account_id=account_id)
    paths = await descriptions_repo.list_photo_paths(session, owner_id=account_id)
    await describe.files.run(delete_photos, paths)
    await accounts_repo.delete_account(session, account_id=account_id)


async def _owned_or_raise(
    *, session: AsyncSession, owner_id: str, description_id: str
) -> DescriptionRow:
    row = await descriptions_repo.get_owned_description(
        session, owner_id=owner_id, description_id=description_id
    )
    if row is None:
        raise NotFoundError(key="error.no_such_description")
    return row


def _encode_cursor(row: DescriptionRow) -> str:
    return encode_cursor(row.created_at, row.id)


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    # The route's PageCursor type has checked it already; callers without it get the same rule.
    try:
        return decode_cursor(cursor)
    except ValueError as error:
        raise ValidationFailedError("The page cursor is invalid.") from error
