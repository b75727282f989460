"""Idempotency-Key claims for describe requests (docs/architecture.md, "Idempotency").

The first request with a key claims it in the database, runs, and records its
description on the claim; a retry with the same key and body replays the
stored description; a concurrent duplicate polls until the first finishes.

A claim in progress is a **lease** (issue 13, class 6): its `expires_at` is
`lease` ahead and the running request renews it every `lease / 3`
(`keep_claim`). A process killed mid-request stops renewing, so a retry takes
the key over within one lease (10 s by default) instead of waiting two
minutes for a 503. Once the description is stored, `expires_at` becomes the
key's 24 h replay lifetime. No schema change: the lease is the same column.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import descriptions_repo
from app.db.engine import transaction
from app.db.tables import Description as DescriptionRow
from app.db.tables import IdempotencyRecord
from app.errors import IdempotencyConflictError, ServiceUnavailableError

IDEMPOTENCY_WAIT_S = 120.0
IDEMPOTENCY_POLL_S = 0.1
DEFAULT_LEASE = timedelta(seconds=10)
# Backstop for claims written before leases (their expires_at is the 24 h lifetime):
# still without a description after this long, their process died.
ABANDONED_CLAIM_AFTER = timedelta(minutes=5)
logger = logging.getLogger(__name__)


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
    lease: timedelta = DEFAULT_LEASE,
) -> str | DescriptionRow:
    """Return the new claim's id, or the stored description of the request that already ran.

    The claim is leased for `lease`: renew it with `keep_claim` while the request runs."""
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
                        expires_at=now + lease,
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


async def keep_claim(
    sessions: async_sessionmaker[AsyncSession], *, claim_id: str, lease: timedelta = DEFAULT_LEASE
) -> None:
    """Renew the claim's lease every `lease / 3` until cancelled (run it as a task beside
    the request). A renewal that fails (database briefly away) is retried at the next beat."""
    while True:
        await asyncio.sleep(lease.total_seconds() / 3)
        try:
            async with transaction(sessions) as session:
                await session.execute(
                    update(IdempotencyRecord)
                    .where(
                        IdempotencyRecord.id == claim_id,
                        IdempotencyRecord.description_id.is_(None),
                    )
                    .values(expires_at=datetime.now(UTC) + lease)
                )
        except (SQLAlchemyError, OSError):
            logger.warning("idempotency lease not renewed")


async def complete_claim(
    session: AsyncSession, *, claim_id: str, description_id: str, ttl: timedelta
) -> None:
    """Record which description answered the claimed request; the key now replays it for `ttl`."""
    record = await session.get(IdempotencyRecord, claim_id)
    if record is not None:
        record.description_id = description_id
        record.expires_at = datetime.now(UTC) + ttl


async def release_claim(sessions: async_sessionmaker[AsyncSession], *, claim_id: str) -> None:
    """Forget a claim whose request failed, so that a retry runs again."""
    async with transaction(sessions) as session:
        await descriptions_repo.delete_idempotency_record(session, record_id=claim_id)


def _is_expired_or_abandoned(record: IdempotencyRecord, now: datetime) -> bool:
    """An expired key or lease, or a pre-lease claim that never finished, may be claimed again."""
    abandoned = record.description_id is None and record.created_at <= now - ABANDONED_CLAIM_AFTER
    return record.expires_at <= now or abandoned


