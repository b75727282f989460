"""Queries on descriptions, their follow-up turns, feedback and idempotency keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import Description, DescriptionTurn, Feedback, IdempotencyRecord


async def add_description(
    session: AsyncSession,
    *,
    owner_id: str,
    question: str | None,
    detail: str,
    language: str,
    result: dict[str, Any],
    analysis: dict[str, Any],
    description_id: str | None = None,
) -> Description:
    """Insert a description."""
    description = Description(
        owner_id=owner_id,
        question=question,
        detail=detail,
        language=language,
        result=result,
        analysis=analysis,
    )
    if description_id:
        description.id = description_id
    session.add(description)
    await session.flush()
    return description


async def get_owned_description(
    session: AsyncSession, *, owner_id: str, description_id: str
) -> Description | None:
    """A description only if it belongs to `owner_id` (others get None → 404)."""
    return await session.scalar(
        select(Description).where(
            Description.id == description_id, Description.owner_id == owner_id
        )
    )


async def list_owned_descriptions(
    session: AsyncSession, *, owner_id: str, limit: int, before: tuple[datetime, str] | None
) -> list[Description]:
    """Newest first, keyset-paginated on (created_at, id)."""
    query = select(Description).where(Description.owner_id == owner_id)
    if before is not None:
        created_at, description_id = before
        query = query.where(
            (Description.created_at < created_at)
            | ((Description.created_at == created_at) & (Description.id < description_id))
        )
    query = query.order_by(Description.created_at.desc(), Description.id.desc()).limit(limit)
    return list((await session.scalars(query)).all())


async def delete_description(session: AsyncSession, *, description_id: str) -> bool:
    """Delete a description and (by cascade) its turns, feedback and idempotency key.

    False when it was already gone (a concurrent delete)."""
    result = await session.execute(delete(Description).where(Description.id == description_id))
    return bool(getattr(result, "rowcount", 0))


async def list_turns(session: AsyncSession, *, description_id: str) -> list[DescriptionTurn]:
    """Follow-up turns in the order they were asked."""
    query = select(DescriptionTurn).where(DescriptionTurn.description_id == description_id)
    return list(
        (
            await session.scalars(query.order_by(DescriptionTurn.created_at, DescriptionTurn.id))
        ).all()
    )


async def add_turn(
    session: AsyncSession, *, description_id: str, question: str, result: dict[str, Any]
) -> DescriptionTurn:
    """Record a follow-up question and its answer."""
    turn = DescriptionTurn(description_id=description_id, question=question, result=result)
    session.add(turn)
    await session.flush()
    return turn


async def add_feedback(
    session: AsyncSession,
    *,
    description_id: str,
    owner_id: str,
    rating: str,
    category: str | None,
    comment: str | None,
) -> Feedback:
    """Record feedback on a description."""
    feedback = Feedback(
        description_id=description_id,
        owner_id=owner_id,
        rating=rating,
        category=category,
        comment=comment,
    )
    session.add(feedback)
    await session.flush()
    return feedback


async def list_photo_paths(session: AsyncSession, *, owner_id: str) -> list[str]:
    """Paths of every retained photo of an owner (for account erasure)."""
    query = select(Description.photo_path).where(
        Description.owner_id == owner_id, Description.photo_path.is_not(None)
    )
    return [path for path in (await session.scalars(query)).all() if path]


async def list_expired_photos(session: AsyncSession, *, now: datetime) -> list[Description]:
    """Descriptions whose retained photo has expired."""
    query = select(Description).where(
        Description.photo_expires_at.is_not(None), Description.photo_expires_at <= now
    )
    return list((await session.scalars(query)).all())


async def count_descriptions(session: AsyncSession, *, owner_id: str) -> int:
    """How many descriptions an owner has."""
    return int(
        await session.scalar(select(func.count()).where(Description.owner_id == owner_id)) or 0
    )


async def get_idempotency_record(
    session: AsyncSession, *, owner_id: str, key: str
) -> IdempotencyRecord | None:
    """The record claiming `key` for `owner_id`, if any."""
    return await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.owner_id == owner_id, IdempotencyRecord.key == key
        )
    )


async def add_idempotency_record(
    session: AsyncSession, *, owner_id: str, key: str, request_hash: str, expires_at: datetime
) -> IdempotencyRecord:
    """Claim a key; raises IntegrityError when another request claimed it first."""
    record = IdempotencyRecord(
        owner_id=owner_id, key=key, request_hash=request_hash, expires_at=expires_at
    )
    session.add(record)
    await session.flush()
    return record


async def delete_idempotency_record(session: AsyncSession, *, record_id: str) -> None:
    """Release a claim (the pipeline failed, or the key expired)."""
    await session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))


async def delete_expired_idempotency_records(session: AsyncSession, *, now: datetime) -> int:
    """Remove keys past their 24 h lifetime; returns how many."""
    result = await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= now)
    )
    return int(getattr(result, "rowcount", 0) or 0)
