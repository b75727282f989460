"""Idempotency-Key claims for describe requests (docs/architecture.md, "Idempotency").

The first request with a key claims it in the database, runs, and records its
description on the claim; a retry with the same key and body replays the
stored description; a concurrent duplicate polls until the first finishes.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import descriptions_repo
from app.db.engine import transaction
from app.db.tables import Description as DescriptionRow
from app.db.tables import IdempotencyRecord
from app.errors import IdempotencyConflictError, ServiceUnavailableError

IDEMPOTENCY_WAIT_S = 120.0
IDEMPOTENCY_POLL_S = 0.1
# A claim still without a description after this long belongs to a process that died.
ABANDONED_CLAIM_AFTER = timedelta(minutes=5)


def request_fingerprint(*, photo: bytes, question: str | None, detail: str, language: str) -> str:
    """Hash of everything that makes two describe requests 'the same request'."""
    digest = hashlib.sha256()
    for part in (photo, (question or "").encode(), detail.encode(), language.encode()):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


async def claim_or_replay(
    *,
    sessions: async_sessionmaker[AsyncSession],
    owner_id: str,
    key: str,
    fingerprint: str,
    ttl: timedelta,
) -> str | DescriptionRow:
    """Return the new claim's id, or the stored description of the request that already ran."""
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
                        return description
        except IntegrityError:
            pass  # a concurrent duplicate claimed the key between our read and insert
        if asyncio.get_running_loop().time() > deadline:
            raise ServiceUnavailableError(
                "The same request is still being processed. Please try again shortly."
            )
        await asyncio.sleep(IDEMPOTENCY_POLL_S)


async def complete_claim(session: AsyncSession, *, claim_id: str, description_id: str) -> None:
    """Record which description answered the claimed request."""
    record = await session.get(IdempotencyRecord, claim_id)
    if record is not None:
        record.description_id = description_id


async def release_claim(sessions: async_sessionmaker[AsyncSession], *, claim_id: str) -> None:
    """Forget a claim whose request failed, so that a retry runs again."""
    async with transaction(sessions) as session:
        await descriptions_repo.delete_idempotency_record(session, record_id=claim_id)


def _is_expired_or_abandoned(record: IdempotencyRecord, now: datetime) -> bool:
    """An expired key, or a claim whose request never finished, may be claimed again."""
    abandoned = record.description_id is None and record.created_at <= now - ABANDONED_CLAIM_AFTER
    return record.expires_at <= now or abandoned


