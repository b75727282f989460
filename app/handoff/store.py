"""Handoff rows: transitions, events with their `seq`, offers, eligibility. Knows nothing of sockets.

Two rules hold every write together across processes:

- A state change is a conditional UPDATE (`... WHERE state IN (...)`); its row
  count decides who won (the first accept of twenty, a cancel against an accept).
- An event's `seq` comes from `UPDATE handoffs SET last_seq = last_seq + 1`
  in the same transaction as the event's INSERT, so the handoff row is locked
  until commit: seqs are dense and commit in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import Account
from app.handoff.tables import (
    ACTIVE,
    OPEN_STATES,
    RINGING,
    Handoff,
    HandoffBlock,
    HandoffEvent,
    HandoffOffer,
    HandoffPhoto,
    VolunteerPresence,
    VolunteerProfile,
)


async def transition(
    session: AsyncSession,
    handoff_id: str,
    *,
    from_states: Sequence[str],
    to_state: str,
    now: datetime,
    **values: Any,
) -> int | None:
    """Move a handoff to `to_state` if it is in one of `from_states`, record the state
    event and return its seq; None when another writer got there first."""
    seq = await session.scalar(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.state.in_(from_states))
        .values(state=to_state, last_seq=Handoff.last_seq + 1, **values)
        .returning(Handoff.last_seq)
    )
    if seq is None:
        return None
    session.add(HandoffEvent(handoff_id=handoff_id, seq=int(seq), kind="state", state=to_state,
                             created_at=now))
    await session.flush()
    return int(seq)


async def events_after(session: AsyncSession, handoff_id: str, after_seq: int) -> list[HandoffEvent]:
    """Every event with seq > `after_seq`, in order."""
    rows = await session.scalars(
        select(HandoffEvent)
        .where(HandoffEvent.handoff_id == handoff_id, HandoffEvent.seq > after_seq)
        .order_by(HandoffEvent.seq)
    )
    return list(rows)


async def withdraw_offers(session: AsyncSession, handoff_id: str, *, keep: str | None = None) -> list[str]:
    """Mark every still-ringing offer withdrawn; the volunteers whose offers these were."""
    rows = await session.scalars(
        select(HandoffOffer.volunteer_id).where(
            HandoffOffer.handoff_id == handoff_id,
            HandoffOffer.state == "rung",
            HandoffOffer.volunteer_id != (keep or ""),
        )
    )
    volunteers = list(rows)
    if volunteers:
        await session.execute(
            update(HandoffOffer)
            .where(HandoffOffer.handoff_id == handoff_id, HandoffOffer.state == "rung",
                   HandoffOffer.volunteer_id.in_(volunteers))
            .values(state="withdrawn")
        )
    return volunteers


async def delete_photo(session: AsyncSession, handoff_id: str) -> None:
    """The shared photo goes when the handoff stops being open."""
    await session.execute(delete(HandoffPhoto).where(HandoffPhoto.handoff_id == handoff_id))
    await session.execute(update(Handoff).where(Handoff.id == handoff_id).values(has_photo=False))


async def open_handoff_of_user(session: AsyncSession, user_id: str) -> Handoff | None:
    """The user's ringing or active handoff, if any."""
    return await session.scalar(
        select(Handoff).where(Handoff.user_id == user_id, Handoff.state.in_(OPEN_STATES)).limit(1)
    )


async def open_handoffs_of(session: AsyncSession, account_id: str) -> list[Handoff]:
    """Open handoffs the account takes part in (as the user, or the accepted volunteer)."""
    rows = await session.scalars(
        select(Handoff).where(
            or_(Handoff.user_id == account_id, Handoff.volunteer_id == account_id),
            Handoff.state.in_(OPEN_STATES),
        )
    )
    return list(rows)


def parse_clock(value: str | None) -> time | None:
    """"22:00" → time(22, 0); None stays None."""
    if not value:
        return None
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def in_quiet_hours(profile: VolunteerProfile | None, now: datetime) -> bool:
    """Whether `now` falls in the volunteer's quiet hours, in their own time zone."""
    if profile is None:
        return False
    start, end = parse_clock(profile.quiet_start), parse_clock(profile.quiet_end)
    if start is None or end is None or start == end:
        return False
    try:
        local = now.astimezone(ZoneInfo(profile.timezone)).time()
    except (KeyError, ValueError):
        local = now.time()
    if start < end:
        return start <= local < end
    return local >= start or local < end  # across midnight, e.g. 22:00-07:00


def speaks(languages: Sequence[str], wanted: str) -> bool:
    """Whether any of `languages` serves `wanted` (primary subtags compared: en-US serves en)."""
    primary = wanted.split("-")[0].lower()
    return any(tag.split("-")[0].lower() == primary for tag in languages)


@dataclass(frozen=True)
class Candidate:
    """A volunteer who may be rung."""

    account_id: str
    last_helped_at: datetime | None


async def eligible_volunteers(
    session: AsyncSession,
    handoff: Handoff,
    *,
    now: datetime,
    stale_after: timedelta,
    only: str | None = None,
) -> list[Candidate]:
    """Connected and available, speaks the language, not in another handoff, not
    suspended, not in quiet hours, not blocked with this user, not rung for this
    handoff yet; least recently helped first (never helped: first of all)."""
    fresh = now - stale_after
    busy = exists().where(Handoff.volunteer_id == VolunteerPresence.account_id, Handoff.state == ACTIVE)
    rung = exists().where(
        HandoffOffer.handoff_id == handoff.id, HandoffOffer.volunteer_id == VolunteerPresence.account_id
    )
    blocked = exists().where(
        or_(
            and_(HandoffBlock.account_id == handoff.user_id,
                 HandoffBlock.blocked_id == VolunteerPresence.account_id),
            and_(HandoffBlock.blocked_id == handoff.user_id,
                 HandoffBlock.account_id == VolunteerPresence.account_id),
        )
    )
    query = (
        select(VolunteerPresence.account_id, VolunteerPresence.languages, Account.languages,
               VolunteerProfile)
        .join(Account, Account.id == VolunteerPresence.account_id)
        .outerjoin(VolunteerProfile, VolunteerProfile.account_id == VolunteerPresence.account_id)
        .where(
            VolunteerPresence.available.is_(True),
            VolunteerPresence.seen_at >= fresh,
            Account.role == "volunteer",
            Account.id != handoff.user_id,
            VolunteerProfile.suspended_at.is_(None),
            ~busy,
            ~rung,
            ~blocked,
        )
    )
    if only is not None:
        query = query.where(VolunteerPresence.account_id == only)
    by_account: dict[str, tuple[set[str], VolunteerProfile | None]] = {}
    for account_id, socket_languages, account_languages, profile in (await session.execute(query)).all():
        tags = (socket_languages or (profile.languages if profile else None) or account_languages or "en")
        known = by_account.setdefault(account_id, (set(), profile))
        known[0].update(tag for tag in tags.split(",") if tag)
    candidates = [
        Candidate(account_id=account_id,
                  last_helped_at=profile.last_helped_at if profile else None)
        for account_id, (tags, profile) in by_account.items()
        if speaks(sorted(tags), handoff.language) and not in_quiet_hours(profile, now)
    ]
    epoch = datetime.min.replace(tzinfo=now.tzinfo)
    candidates.sort(key=lambda c: (c.last_helped_at or epoch, c.account_id))
    return candidates


async def count_live_offers(session: AsyncSession, handoff_id: str) -> int:
    """Offers of this handoff that are still ringing."""
    value = await session.scalar(
        select(func.count()).select_from(HandoffOffer).where(
            HandoffOffer.handoff_id == handoff_id, HandoffOffer.state == "rung"
        )
    )
    return int(value or 0)


async def ringing_handoffs(session: AsyncSession, *, limit: int = 200) -> list[Handoff]:
    """Handoffs still ringing, oldest first."""
    rows = await session.scalars(
        select(Handoff).where(Handoff.state == RINGING).order_by(Handoff.created_at).limit(limit)
    )
    return list(rows)
