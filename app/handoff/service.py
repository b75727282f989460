"""The handoff service: requests, matching, offers, calls, and delivery to this process's sockets.

The database decides (state, seq, who won); the broker only says "look again".
After each committed change the service publishes a notification; every
process (this one included) handles it by re-reading the database for its
own sockets (`_deliver`). See docs/handoff-design.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db.tables import Account, Description
from app.errors import ConflictError, NotFoundError
from app.handoff import store
from app.handoff.broker import Broker, create_broker
from app.handoff.connections import Connection, Registry
from app.handoff.errors import (
    AlreadyTakenError,
    InvalidStateError,
    forbidden,
    not_found,
    say,
)
from app.handoff.frames import (
    OfferFrame,
    OfferWithdrawnFrame,
    ServerMessageFrame,
    ServerSignalFrame,
    StateFrame,
    dump,
)
from app.handoff.logfilter import install_frame_log_filter
from app.handoff.tables import (
    ACTIVE,
    CANCELLED,
    ENDED,
    FINAL_STATES,
    RINGING,
    UNANSWERED,
    Handoff,
    HandoffBlock,
    HandoffEvent,
    HandoffOffer,
    HandoffPhoto,
    HandoffRating,
    HandoffReport,
    VolunteerPresence,
    VolunteerProfile,
)
from app.settings import Settings

logger = logging.getLogger("sightline.handoff")

SUSPEND_AFTER_REPORTS = 3
DELIVERY_CONCURRENCY = 8  # socket deliveries reading the database at once, per process
DATABASE_SLOTS = 10  # handoff sessions at once, per process (the pool holds 5 + 10 overflow)
CLOSE_LOGGED_OUT = 4401  # the socket's login ended (logout, account deleted)


def utc_now() -> datetime:
    """Now, UTC."""
    return datetime.now(UTC)


def _rowcount(result: Any) -> int:
    """Rows an UPDATE/DELETE touched (the conditional updates decide races by it)."""
    return int(getattr(result, "rowcount", 0) or 0)


def plausible_id(value: str) -> bool:
    """Ids are UUIDs: anything else (a NUL, 10 kB) is not found without asking the database."""
    return 0 < len(value) <= 64 and "\x00" not in value


def first_language(account: Account) -> str:
    """The account's first language tag."""
    return (account.languages or "en").split(",")[0]


@dataclass(frozen=True)
class NewHandoff:
    """What a user asks for."""

    description_id: str | None
    language: str | None
    share_photo: bool
    note: str | None
    photo: bytes | None  # a face-blurred, metadata-free JPEG, already prepared


class HandoffService:
    """One per process."""

    def __init__(
        self, *, settings: Settings, sessions: async_sessionmaker[AsyncSession], broker: Broker,
        sqlite: bool,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.broker = broker
        self.registry = Registry()
        self.process_id = str(uuid.uuid4())
        self._tasks: list[asyncio.Task[None]] = []
        self._deliveries: set[asyncio.Task[None]] = set()
        self._delivery_slots = asyncio.Semaphore(DELIVERY_CONCURRENCY)
        # Socket traffic waits here, in order, rather than exhausting the connection pool
        # (which answers 'unavailable' after SIGHTLINE_DATABASE_POOL_TIMEOUT_S) and
        # leaves connections free for HTTP requests.
        self._db_slots = asyncio.Semaphore(DATABASE_SLOTS)
        # SQLite has one writer: a transaction that read before writing fails at once
        # (not after busy_timeout) when another wrote meanwhile. The embedded
        # deployment is one process, so an in-process lock serializes handoff writes.
        self._write_lock: asyncio.Lock | None = asyncio.Lock() if sqlite else None

    # --- life cycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Subscribe to the broker and start the sweeper and the presence heartbeat."""
        install_frame_log_filter()  # frames (tokens, messages) never reach the log
        await self.broker.start(self._on_notification, self._resync)
        self._tasks = [
            asyncio.create_task(self._every(self.settings.handoff_sweep_s, self.sweep)),
            asyncio.create_task(self._every(self.settings.handoff_heartbeat_s, self.heartbeat)),
            asyncio.create_task(self._every(3600.0, self.purge_transcripts)),
        ]

    async def close(self) -> None:
        """Stop background work, close sockets, forget this process's presence."""
        for task in [*self._tasks, *self._deliveries]:
            task.cancel()
        for task in [*self._tasks, *self._deliveries]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for connection in self.registry.all():
            await connection.close(1001)
        with contextlib.suppress(Exception):
            async with self._tx() as session:
                await session.execute(
                    delete(VolunteerPresence).where(VolunteerPresence.process_id == self.process_id)
                )
        await self.broker.close()

    async def _every(self, seconds: float, job: Any) -> None:
        failing = False
        while True:
            try:
                await job()
                failing = False
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # Once per outage (a database down for minutes must not flood the log),
                # by type only (driver errors can quote parameters).
                if not failing:
                    logger.error("handoff background job failed",
                                 extra={"job": job.__name__, "error": type(error).__name__})
                failing = True
            await asyncio.sleep(seconds)

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncSession]:
        """A write transaction (serialized in-process on SQLite)."""
        async with self._db_slots:
            if self._write_lock is None:
                async with self.sessions() as session, session.begin():
                    yield session
                return
            async with self._write_lock, self.sessions() as session, session.begin():
                yield session

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncSession]:
        async with self._db_slots, self.sessions() as session:
            yield session

    # --- requests (HTTP) -------------------------------------------------------------------

    async def create(self, user: Account, request: NewHandoff) -> Handoff:
        """Open a ringing handoff and ring the first volunteers."""
        language = request.language or first_language(user)
        now = utc_now()
        try:
            handoff = await self._insert(user, request, language=language, now=now)
        except IntegrityError as error:  # another request of this user's won (uq_handoffs_open_user)
            raise ConflictError(say("already_open", first_language(user))) from error
        logger.info("handoff requested", extra={"handoff_id": handoff.id, "language": language})
        await self._publish_events(handoff, seq=1, state=RINGING)
        await self.ring(handoff.id)
        return handoff

    async def _insert(self, user: Account, request: NewHandoff, *, language: str, now: datetime) -> Handoff:
        async with self._tx() as session:
            summary: str | None = None
            if request.description_id is not None:
                description = await session.scalar(
                    select(Description).where(Description.id == request.description_id,
                                              Description.owner_id == user.id)
                )
                if description is None:
                    raise NotFoundError(say("no_description", first_language(user)))
                text = description.result.get("text") if isinstance(description.result, dict) else None
                summary = text if isinstance(text, str) else None
            if await store.open_handoff_of_user(session, user.id) is not None:
                raise ConflictError(say("already_open", first_language(user)))
            handoff = Handoff(user_id=user.id, language=language, note=request.note,
                              summary=summary, description_id=request.description_id,
                              has_photo=request.photo is not None, created_at=now,
                              state=RINGING, last_seq=1)
            session.add(handoff)
            await session.flush()
            session.add(HandoffEvent(handoff_id=handoff.id, seq=1, kind="state", state=RINGING,
                                     created_at=now))
            if request.photo is not None:
                session.add(HandoffPhoto(handoff_id=handoff.id, data=request.photo))
            await session.flush()
        return handoff

    async def load_photo_source(self, user: Account, description_id: str | None) -> str | None:
        """The retained photo path of the user's description (None when not retained)."""
        if description_id is None:
            return None
        async with self._read() as session:
            description = await session.scalar(
                select(Description).where(Description.id == description_id,
                                          Description.owner_id == user.id)
            )
        if description is None:
            raise NotFoundError(say("no_description", first_language(user)))
        return description.photo_path

    async def visible(self, account: Account, handoff_id: str) -> Handoff:
        """The handoff, if `account` is its user or its accepted volunteer; else 404."""
        if not plausible_id(handoff_id):
            raise not_found(first_language(account))
        async with self._read() as session:
            handoff = await session.get(Handoff, handoff_id)
        if handoff is None or account.id not in (handoff.user_id, handoff.volunteer_id):
            raise not_found(first_language(account))
        return handoff

    async def list_for(self, account: Account, *, state: str | None, limit: int) -> list[Handoff]:
        """The account's handoffs (as user or accepted volunteer), newest first."""
        query = select(Handoff).where(
            (Handoff.user_id == account.id) | (Handoff.volunteer_id == account.id))
        if state is not None:
            query = query.where(Handoff.state == state)
        async with self._read() as session:
            return list(await session.scalars(
                query.order_by(Handoff.created_at.desc(), Handoff.id).limit(limit)))

    async def volunteer_name(self, handoff: Handoff) -> str | None:
        """The accepted volunteer's display name."""
        if handoff.volunteer_id is None:
            return None
        async with self._read() as session:
            profile = await session.get(VolunteerProfile, handoff.volunteer_id)
        return profile.display_name if profile else "Volunteer"

    async def messages(self, account: Account, handoff_id: str, after_seq: int) -> list[dict[str, Any]]:
        """The transcript after `after_seq`, as message frames."""
        handoff = await self.visible(account, handoff_id)
        async with self._read() as session:
            events = await store.events_after(session, handoff.id, after_seq)
        return [message_frame(event) for event in events if event.kind == "message"]

    async def photo(self, account: Account, handoff_id: str) -> bytes:
        """The shared photo while the handoff is active (owner and accepted volunteer); else 404."""
        handoff = await self.visible(account, handoff_id)
        if handoff.state != ACTIVE:
            raise not_found(first_language(account))
        async with self._read() as session:
            photo = await session.get(HandoffPhoto, handoff.id)
        if photo is None:
            raise not_found(first_language(account))
        return photo.data

    async def cancel(self, account: Account, handoff_id: str) -> Handoff:
        """The owner withdraws a ringing request."""
        handoff = await self.visible(account, handoff_id)
        if handoff.user_id != account.id:
            raise not_found(first_language(account))
        if not await self._finish(handoff.id, from_states=(RINGING,), to_state=CANCELLED):
            raise InvalidStateError(say("not_ringing", first_language(account)))
        return await self.visible(account, handoff_id)

    async def rate(
        self, account: Account, handoff_id: str, *, rating: str, report: bool, comment: str | None
    ) -> None:
        """Rate the call (once per side); a report blocks the pair for good and three
        reports from different accounts suspend a volunteer."""
        handoff = await self.visible(account, handoff_id)
        language = first_language(account)
        if handoff.state != ENDED or handoff.volunteer_id is None:
            raise InvalidStateError(say("not_ended", language))
        other = handoff.volunteer_id if account.id == handoff.user_id else handoff.user_id
        try:
            async with self._tx() as session:
                session.add(HandoffRating(handoff_id=handoff.id, rater_id=account.id,
                                          rating=rating, comment=comment))
                await session.flush()
                if report:
                    await self._report(session, reporter=account.id, reported=other,
                                       handoff_id=handoff.id)
        except IntegrityError as error:
            raise ConflictError(say("already_rated", language)) from error

    async def _report(self, session: AsyncSession, *, reporter: str, reported: str,
                      handoff_id: str) -> None:
        exists = await session.scalar(select(HandoffReport.id).where(
            HandoffReport.reporter_id == reporter, HandoffReport.reported_id == reported))
        if exists is None:
            session.add(HandoffReport(reporter_id=reporter, reported_id=reported, handoff_id=handoff_id))
        blocked = await session.scalar(select(HandoffBlock.id).where(
            HandoffBlock.account_id == reporter, HandoffBlock.blocked_id == reported))
        if blocked is None:
            session.add(HandoffBlock(account_id=reporter, blocked_id=reported))
        await session.flush()
        reporters = await session.scalar(
            select(func.count(func.distinct(HandoffReport.reporter_id))).where(
                HandoffReport.reported_id == reported))
        if int(reporters or 0) >= SUSPEND_AFTER_REPORTS:
            profile = await session.get(VolunteerProfile, reported)
            if profile is not None and profile.suspended_at is None:
                profile.suspended_at = utc_now()
                logger.warning("volunteer suspended after reports", extra={"account_id": reported})
        logger.info("handoff report", extra={"handoff_id": handoff_id})

    # --- volunteer profiles -----------------------------------------------------------------

    async def get_profile(self, account_id: str) -> VolunteerProfile | None:
        """The volunteer's profile, if they wrote one."""
        async with self._read() as session:
            return await session.get(VolunteerProfile, account_id)

    async def put_profile(self, account_id: str, *, display_name: str, languages: str,
                          timezone: str, quiet_start: str | None, quiet_end: str | None) -> VolunteerProfile:
        """Create or replace the volunteer's profile (suspension and history are kept)."""
        async with self._tx() as session:
            profile = await session.get(VolunteerProfile, account_id)
            if profile is None:
                profile = VolunteerProfile(account_id=account_id)
                session.add(profile)
            profile.display_name = display_name
            profile.languages = languages
            profile.timezone = timezone
            profile.quiet_start = quiet_start
            profile.quiet_end = quiet_end
            profile.updated_at = utc_now()
            await session.flush()
        return profile

    async def reinstate(self, account_id: str) -> VolunteerProfile | None:
        """An admin lifts a suspension; None when the account has no volunteer profile."""
        async with self._tx() as session:
            profile = await session.get(VolunteerProfile, account_id)
            if profile is None:
                return None
            profile.suspended_at = None
            await session.flush()
        logger.info("volunteer reinstated", extra={"account_id": account_id})
        return profile

    # --- matching ----------------------------------------------------------------------------

    async def ring(self, handoff_id: str, *, only: str | None = None) -> None:
        """Ring eligible volunteers until FANOUT offers ring at once."""
        now = utc_now()
        expires_at = now + timedelta(seconds=self.settings.handoff_offer_s)
        offers: list[HandoffOffer] = []
        async with self._tx() as session:
            # Locks the handoff row (PostgreSQL): two processes ringing the same
            # handoff take turns, so FANOUT holds and nobody is rung twice.
            handoff = await session.scalar(
                select(Handoff).where(Handoff.id == handoff_id).with_for_update()
            )
            if handoff is None or handoff.state != RINGING:
                return
            need = self.settings.handoff_fanout - await store.count_live_offers(session, handoff_id)
            if need <= 0:
                return
            candidates = await store.eligible_volunteers(
                session, handoff, now=now,
                stale_after=timedelta(seconds=self.settings.handoff_presence_stale_s), only=only)
            for candidate in candidates[:need]:
                offer = HandoffOffer(handoff_id=handoff_id, volunteer_id=candidate.account_id,
                                     expires_at=expires_at, created_at=now)
                session.add(offer)
                offers.append(offer)
            await session.flush()
        for offer in offers:
            await self.broker.publish({
                "kind": "offer", "volunteer_id": offer.volunteer_id,
                "frame": dump(OfferFrame(
                    handoff_id=handoff.id, language=handoff.language, summary=handoff.summary,
                    photo=handoff.has_photo, expires_in=self.settings.handoff_offer_s,
                    note=handoff.note)),
                "expires_at": expires_at.timestamp(),
            })
        if offers:
            logger.info("handoff rang volunteers", extra={"handoff_id": handoff_id, "count": len(offers)})

    async def ring_for_volunteer(self, account_id: str) -> None:
        """A volunteer became available (or free): offer them what is ringing."""
        async with self._read() as session:
            handoffs = await store.ringing_handoffs(session)
        for handoff in handoffs:
            await self.ring(handoff.id, only=account_id)

    async def sweep(self) -> None:
        """Expire offers (ring the next volunteer) and give up on handoffs past the ring timeout.

        Every process sweeps; the conditional updates make each expiry happen once."""
        now = utc_now()
        async with self._read() as session:
            expired = list((await session.execute(
                select(HandoffOffer.id, HandoffOffer.handoff_id, HandoffOffer.volunteer_id).where(
                    HandoffOffer.state == "rung", HandoffOffer.expires_at <= now).limit(200)
            )).all())
            timeout = now - timedelta(seconds=self.settings.handoff_ring_timeout_s)
            overdue = list(await session.scalars(
                select(Handoff.id).where(Handoff.state == RINGING, Handoff.created_at <= timeout).limit(200)
            ))
        for offer_id, handoff_id, volunteer_id in expired:
            async with self._tx() as session:
                won = _rowcount(await session.execute(
                    update(HandoffOffer).where(HandoffOffer.id == offer_id, HandoffOffer.state == "rung")
                    .values(state="expired")))
            if won:
                await self._withdraw(handoff_id, [volunteer_id])
                if handoff_id not in overdue:
                    await self.ring(handoff_id)
        for handoff_id in overdue:
            await self._finish(handoff_id, from_states=(RINGING,), to_state=UNANSWERED)

    # --- volunteers on sockets --------------------------------------------------------------

    async def set_available(self, connection: Connection, languages: list[str] | None) -> None:
        """This socket's volunteer may be rung (in these languages)."""
        tags = ",".join(languages) if languages else None
        async with self._tx() as session:
            profile = await session.get(VolunteerProfile, connection.account_id)
            if profile is not None and profile.suspended_at is not None:
                raise forbidden("suspended", None)
            updated = _rowcount(await session.execute(
                update(VolunteerPresence).where(VolunteerPresence.socket_id == connection.socket_id)
                .values(available=True, languages=tags, seen_at=utc_now())))
            if not updated:
                session.add(VolunteerPresence(
                    socket_id=connection.socket_id, account_id=connection.account_id,
                    process_id=self.process_id, available=True, languages=tags, seen_at=utc_now()))
        await self.ring_for_volunteer(connection.account_id)

    async def set_unavailable(self, connection: Connection) -> None:
        """Stop ringing this socket's volunteer."""
        async with self._tx() as session:
            await session.execute(
                update(VolunteerPresence).where(VolunteerPresence.socket_id == connection.socket_id)
                .values(available=False))

    async def heartbeat(self) -> None:
        """Refresh this process's presence rows; drop rows nobody refreshed (a dead process)."""
        now = utc_now()
        live = [c.socket_id for c in self.registry.all() if not c.closed and c.role == "volunteer"]
        async with self._tx() as session:
            if live:
                await session.execute(
                    update(VolunteerPresence).where(VolunteerPresence.socket_id.in_(live))
                    .values(seen_at=now))
            await session.execute(
                delete(VolunteerPresence).where(VolunteerPresence.process_id == self.process_id,
                                                VolunteerPresence.socket_id.not_in(live or [""])))
            stale = now - timedelta(seconds=3 * self.settings.handoff_presence_stale_s)
            await session.execute(delete(VolunteerPresence).where(VolunteerPresence.seen_at < stale))

    async def accept(self, connection: Connection, handoff_id: str) -> None:
        """The first accept wins (a conditional UPDATE); later ones get `already_taken`."""
        try:
            handoff, seq, others, elsewhere = await self._accept(connection, handoff_id)
        except IntegrityError as error:  # already in another call (uq_handoffs_active_volunteer)
            raise ConflictError(say("busy", None)) from error
        logger.info("handoff accepted", extra={"handoff_id": handoff_id})
        # The accepting socket follows the handoff from the `active` event on.
        self.registry.attach(connection, handoff_id, floor=seq - 1)
        await self._publish_events(handoff, seq=seq, state=ACTIVE)
        await self._withdraw(handoff_id, others)
        for other_id in elsewhere:
            await self._withdraw(other_id, [connection.account_id])
            await self.ring(other_id)

    async def _accept(
        self, connection: Connection, handoff_id: str
    ) -> tuple[Handoff, int, list[str], list[str]]:
        language = None  # the socket's language (errors.socket_language)
        now = utc_now()
        async with self._tx() as session:
            offer = await session.scalar(select(HandoffOffer).where(
                HandoffOffer.handoff_id == handoff_id, HandoffOffer.volunteer_id == connection.account_id))
            if offer is None:
                raise not_found(language)
            if offer.state != "rung":
                raise AlreadyTakenError(say("already_taken", language))
            busy = await session.scalar(select(Handoff.id).where(
                Handoff.volunteer_id == connection.account_id, Handoff.state == ACTIVE))
            if busy is not None:
                raise ConflictError(say("busy", language))
            seq = await store.transition(session, handoff_id, from_states=(RINGING,), to_state=ACTIVE,
                                         now=now, volunteer_id=connection.account_id, accepted_at=now)
            if seq is None:
                raise AlreadyTakenError(say("already_taken", language))
            offer.state = "accepted"
            others = await store.withdraw_offers(session, handoff_id, keep=connection.account_id)
            # Busy now: their other ringing offers go, and those requests ring someone free.
            elsewhere = list(await session.scalars(select(HandoffOffer.handoff_id).where(
                HandoffOffer.volunteer_id == connection.account_id, HandoffOffer.state == "rung",
                HandoffOffer.handoff_id != handoff_id)))
            if elsewhere:
                await session.execute(update(HandoffOffer).where(
                    HandoffOffer.volunteer_id == connection.account_id, HandoffOffer.state == "rung",
                    HandoffOffer.handoff_id.in_(elsewhere)).values(state="withdrawn"))
            await session.execute(update(VolunteerProfile).where(
                VolunteerProfile.account_id == connection.account_id).values(last_helped_at=now))
            handoff = await session.get(Handoff, handoff_id)
            assert handoff is not None
        return handoff, seq, others, elsewhere

    async def decline(self, connection: Connection, handoff_id: str) -> None:
        """Not this volunteer: ring the next one."""
        async with self._tx() as session:
            result = await session.execute(update(HandoffOffer).where(
                HandoffOffer.handoff_id == handoff_id, HandoffOffer.volunteer_id == connection.account_id,
                HandoffOffer.state == "rung").values(state="declined"))
            if not _rowcount(result):
                known = await session.scalar(select(HandoffOffer.id).where(
                    HandoffOffer.handoff_id == handoff_id,
                    HandoffOffer.volunteer_id == connection.account_id))
                if known is None:
                    raise not_found(None)
                return
        await self._withdraw(handoff_id, [connection.account_id], exclude=connection)
        await self.ring(handoff_id)

    # --- calls on sockets ---------------------------------------------------------------------

    async def _participant(self, connection: Connection, handoff_id: str) -> Handoff:
        if not plausible_id(handoff_id):
            raise not_found(None)
        async with self._read() as session:
            handoff = await session.get(Handoff, handoff_id)
        if handoff is None or connection.account_id not in (handoff.user_id, handoff.volunteer_id):
            raise not_found(None)
        return handoff

    async def join(self, connection: Connection, handoff_id: str, last_seq: int) -> None:
        """Attach the socket; replay events after `last_seq` once, then stream."""
        await self._participant(connection, handoff_id)
        self.registry.attach(connection, handoff_id, floor=last_seq)
        await self._deliver(connection, handoff_id)

    async def message(self, connection: Connection, handoff_id: str, text: str, client_id: str) -> int:
        """Store a message (once per client_id) and return its seq; the other sockets get it."""
        # Who is who in a call never changes once a volunteer accepted: remembered per
        # socket, so a message costs one transaction and no extra read.
        parties = connection.parties.get(handoff_id)
        if parties is None:
            handoff = await self._participant(connection, handoff_id)
            parties = (handoff.user_id, handoff.volunteer_id)
            if handoff.volunteer_id is not None:
                connection.parties[handoff_id] = parties
        user_id, volunteer_id = parties
        role = "user" if connection.account_id == user_id else "volunteer"
        attachment = connection.attachments.get(handoff_id)
        lock = attachment.lock if attachment is not None else asyncio.Lock()
        # Held while storing: a delivery to this socket cannot slip in between the
        # insert and marking the seq as this socket's own (no echo).
        async with lock:
            seq, new = await self._store_message(handoff_id, role, text, client_id)
            if attachment is not None:
                attachment.mark(seq)
        if new:
            await self.broker.publish({"kind": "events", "handoff_id": handoff_id, "seq": seq,
                                       "state": None, "user_id": user_id, "volunteer_id": volunteer_id})
        return seq

    async def _store_message(self, handoff_id: str, role: str, text: str, client_id: str) -> tuple[int, bool]:
        for _attempt in range(2):
            try:
                async with self._tx() as session:
                    known = await session.scalar(select(HandoffEvent.seq).where(
                        HandoffEvent.handoff_id == handoff_id, HandoffEvent.client_id == client_id))
                    if known is not None:
                        return int(known), False
                    # The seq, only while the call is active (one conditional UPDATE).
                    seq = await session.scalar(
                        update(Handoff).where(Handoff.id == handoff_id, Handoff.state == ACTIVE)
                        .values(last_seq=Handoff.last_seq + 1).returning(Handoff.last_seq))
                    if seq is None:
                        raise InvalidStateError(say("not_active", None))
                    session.add(HandoffEvent(handoff_id=handoff_id, seq=seq, kind="message",
                                             sender_role=role, client_id=client_id, text=text,
                                             created_at=utc_now()))
                    await session.flush()
                    return seq, True
            except IntegrityError:
                continue  # the same client_id raced in from another socket: read its seq
        raise ConflictError()

    async def signal(self, connection: Connection, handoff_id: str, payload: dict[str, Any]) -> None:
        """Relay to the other side's sockets; never stored, never logged."""
        handoff = await self._participant(connection, handoff_id)
        if handoff.state != ACTIVE:
            raise InvalidStateError(say("not_active", None))
        role = "user" if connection.account_id == handoff.user_id else "volunteer"
        await self.broker.publish({"kind": "signal", "handoff_id": handoff_id, "from_role": role,
                                   "socket_id": connection.socket_id, "payload": payload})

    async def end(self, connection: Connection, handoff_id: str) -> None:
        """Either side ends the call (the user ending a ringing request cancels it)."""
        handoff = await self._participant(connection, handoff_id)
        if handoff.state == RINGING and connection.account_id == handoff.user_id:
            if await self._finish(handoff_id, from_states=(RINGING,), to_state=CANCELLED):
                return
        if not await self._finish(handoff_id, from_states=(ACTIVE,), to_state=ENDED):
            raise InvalidStateError(say("not_active", None))

    async def _finish(self, handoff_id: str, *, from_states: tuple[str, ...], to_state: str) -> bool:
        """Move to a final state: withdraw offers, delete the shared photo, tell everyone."""
        now = utc_now()
        async with self._tx() as session:
            seq = await store.transition(session, handoff_id, from_states=from_states,
                                         to_state=to_state, now=now, ended_at=now)
            if seq is None:
                return False
            withdrawn = await store.withdraw_offers(session, handoff_id)
            await store.delete_photo(session, handoff_id)
            handoff = await session.get(Handoff, handoff_id)
            assert handoff is not None
        logger.info("handoff finished", extra={"handoff_id": handoff_id, "state": to_state})
        await self._publish_events(handoff, seq=seq, state=to_state)
        await self._withdraw(handoff_id, withdrawn)
        if to_state == ENDED and handoff.volunteer_id:
            # A volunteer who was available is available again: offer what rings.
            await self.ring_for_volunteer(handoff.volunteer_id)
        return True

    # --- sockets and accounts -------------------------------------------------------------

    async def connect(self, connection: Connection) -> None:
        """Register an authenticated socket; it follows the account's open handoffs from now."""
        connection.start()
        self.registry.add(connection)
        async with self._read() as session:
            handoffs = await store.open_handoffs_of(session, connection.account_id)
        for handoff in handoffs:
            self.registry.attach(connection, handoff.id, floor=handoff.last_seq)

    async def disconnect(self, connection: Connection) -> None:
        """Forget a socket and its presence (a volunteer stops being rung at once)."""
        self.registry.remove(connection)
        await connection.stop()
        if connection.role != "volunteer":
            return
        try:
            await self._forget_presence(connection)
        except Exception:
            logger.exception("presence cleanup failed")

    async def _forget_presence(self, connection: Connection) -> None:
        """Delete the socket's presence; when it was the volunteer's last, their ringing
        offers expire now and the next volunteers are rung (not after OFFER_S)."""
        fresh = utc_now() - timedelta(seconds=self.settings.handoff_presence_stale_s)
        async with self._tx() as session:
            await session.execute(delete(VolunteerPresence).where(
                VolunteerPresence.socket_id == connection.socket_id))
            remaining = await session.scalar(select(func.count()).select_from(VolunteerPresence).where(
                VolunteerPresence.account_id == connection.account_id,
                VolunteerPresence.seen_at >= fresh))
            handoff_ids: list[str] = []
            if not remaining:
                handoff_ids = list(await session.scalars(select(HandoffOffer.handoff_id).where(
                    HandoffOffer.volunteer_id == connection.account_id, HandoffOffer.state == "rung")))
                if handoff_ids:
                    await session.execute(update(HandoffOffer).where(
                        HandoffOffer.volunteer_id == connection.account_id,
                        HandoffOffer.state == "rung").values(state="expired"))
        for handoff_id in handoff_ids:
            await self._withdraw(handoff_id, [connection.account_id])
            await self.ring(handoff_id)

    async def kick(self, *, account_id: str, session_id: str | None = None) -> None:
        """Close the account's sockets on every process (logout, deletion); with `session_id`,
        only those opened with that login's tokens."""
        await self.broker.publish({"kind": "kick", "account_id": account_id, "session_id": session_id})

    async def close_account(self, account_id: str) -> None:
        """Before an account is erased: end its open handoffs (so the other side is told)."""
        async with self._read() as session:
            handoffs = await store.open_handoffs_of(session, account_id)
        for handoff in handoffs:
            if handoff.state == RINGING:
                await self._finish(handoff.id, from_states=(RINGING,), to_state=CANCELLED)
            else:
                await self._finish(handoff.id, from_states=(ACTIVE,), to_state=ENDED)

    async def purge_transcripts(self) -> int:
        """Delete finished handoffs (transcripts) older than SIGHTLINE_HANDOFF_RETAIN_DAYS."""
        return await purge_finished_handoffs(self.sessions, retain_days=self.settings.handoff_retain_days)

    # --- notifications -------------------------------------------------------------------------

    async def _publish_events(self, handoff: Handoff, *, seq: int, state: str | None) -> None:
        await self.broker.publish({
            "kind": "events", "handoff_id": handoff.id, "seq": seq, "state": state,
            "user_id": handoff.user_id, "volunteer_id": handoff.volunteer_id,
        })

    async def _withdraw(self, handoff_id: str, volunteers: list[str],
                        exclude: Connection | None = None) -> None:
        for volunteer_id in volunteers:
            await self.broker.publish({"kind": "withdraw", "handoff_id": handoff_id,
                                       "volunteer_id": volunteer_id,
                                       "socket_id": exclude.socket_id if exclude else None})

    async def _on_notification(self, note: dict[str, Any]) -> None:
        kind = note.get("kind")
        if kind == "events":
            await self._on_events(note)
        elif kind == "offer":
            frame = dict(note["frame"])
            frame["expires_in"] = max(0.0, round(note["expires_at"] - utc_now().timestamp(), 1))
            for connection in self.registry.of_account(note["volunteer_id"]):
                await connection.send(frame)
        elif kind == "withdraw":
            frame = dump(OfferWithdrawnFrame(handoff_id=note["handoff_id"]))
            for connection in self.registry.of_account(note["volunteer_id"]):
                if connection.socket_id != note.get("socket_id"):
                    await connection.send(frame)
        elif kind == "signal":
            frame = dump(ServerSignalFrame(handoff_id=note["handoff_id"], payload=note["payload"]))
            for connection in self.registry.following(note["handoff_id"]):
                if connection.socket_id == note["socket_id"]:
                    continue
                if connection.role != note["from_role"]:
                    await connection.send(frame)
        elif kind == "kick":
            for connection in self.registry.of_account(note["account_id"]):
                if note.get("session_id") in (None, connection.session_id):
                    await connection.close(CLOSE_LOGGED_OUT)

    async def _on_events(self, note: dict[str, Any]) -> None:
        handoff_id, seq, state = note["handoff_id"], int(note["seq"]), note.get("state")
        targets = set(self.registry.following(handoff_id))
        if state is not None:
            # Every socket of both accounts hears of every state change.
            for account_id in (note.get("user_id"), note.get("volunteer_id")):
                for connection in self.registry.of_account(account_id):
                    if handoff_id not in connection.attachments:
                        self.registry.attach(connection, handoff_id, floor=seq - 1)
                    targets.add(connection)
        for connection in targets:
            self._schedule(connection, handoff_id)

    def _schedule(self, connection: Connection, handoff_id: str) -> None:
        """Deliver to one socket in the background: the broker's reader moves on at once,
        and a delivery already waiting for this socket covers this notification too."""
        attachment = connection.attachments.get(handoff_id)
        if attachment is None or connection.closed or attachment.pending:
            return
        attachment.pending = True
        task = asyncio.create_task(self._deliver_with_retry(connection, handoff_id))
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    async def _deliver_with_retry(self, connection: Connection, handoff_id: str) -> None:
        # Bounded: deliveries share the database pool with requests.
        async with self._delivery_slots:
            for attempt in range(3):
                try:
                    await self._deliver(connection, handoff_id)
                    return
                except Exception as error:
                    logger.warning("handoff delivery failed; retrying",
                                   extra={"handoff_id": handoff_id, "error": type(error).__name__})
                    await asyncio.sleep(0.2 * (attempt + 1))

    async def _deliver(self, connection: Connection, handoff_id: str) -> None:
        """Send this socket every event of the handoff it has not had, in order, once."""
        attachment = connection.attachments.get(handoff_id)
        if attachment is None or connection.closed:
            return
        async with attachment.lock:
            # Cleared before reading: a notification arriving from now on schedules
            # another delivery, which reads again.
            attachment.pending = False
            async with self._read() as session:
                events = await store.events_after(session, handoff_id, attachment.floor)
            final = False
            for event in events:
                if attachment.has(event.seq):
                    continue
                if not await connection.send(event_frame(event, language=connection.language)):
                    return
                attachment.mark(event.seq)
                final = final or event.state in FINAL_STATES
        if final:
            self.registry.detach(connection, handoff_id)

    async def _resync(self) -> None:
        """After a broker gap: deliver whatever each socket missed."""
        for handoff_id in self.registry.handoffs():
            for connection in self.registry.following(handoff_id):
                self._schedule(connection, handoff_id)


async def purge_finished_handoffs(
    sessions: async_sessionmaker[AsyncSession], *, retain_days: float, now: datetime | None = None
) -> int:
    """Delete handoffs that ended more than `retain_days` ago, with their events (transcripts),
    offers and ratings. Reports and blocks stay: they protect people, not describe calls."""
    cutoff = (now or utc_now()) - timedelta(days=retain_days)
    async with sessions() as session, session.begin():
        result = await session.execute(delete(Handoff).where(
            Handoff.state.in_(FINAL_STATES), Handoff.ended_at < cutoff))
    count = _rowcount(result)
    if count:
        logger.info("purged handoff transcripts", extra={"count": count})
    return count


def message_frame(event: HandoffEvent) -> dict[str, Any]:
    """A stored message as the `message` frame."""
    return dump(ServerMessageFrame.model_validate({
        "handoff_id": event.handoff_id, "seq": event.seq, "from": event.sender_role or "user",
        "text": event.text or "", "client_id": event.client_id or "", "at": event.created_at}))


def event_frame(event: HandoffEvent, *, language: str | None = None) -> dict[str, Any]:
    """A stored event as the frame a socket gets (a sentence, if any, in `language`)."""
    if event.kind == "message":
        return message_frame(event)
    detail = say("unanswered", language) if event.state == UNANSWERED else None
    return dump(StateFrame(handoff_id=event.handoff_id, state=event.state, seq=event.seq,  # type: ignore[arg-type]
                           detail=detail))


@asynccontextmanager
async def handoff_service(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], *, sqlite: bool
) -> AsyncIterator[HandoffService]:
    """Build, start and finally close the process's handoff service."""
    broker = create_broker(settings.redis_url, prefix=settings.handoff_redis_prefix)
    service = HandoffService(settings=settings, sessions=sessions, broker=broker, sqlite=sqlite)
    await service.start()
    try:
        yield service
    finally:
        await service.close()
