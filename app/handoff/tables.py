"""Handoff tables (issue 7), on the same metadata as `app.db.tables` (migration 0002).

The database is the source of truth for handoffs: their state, every event with
its per-handoff `seq`, offers, ratings, reports and blocks. Presence rows say
which volunteer sockets are connected and available, refreshed by heartbeats,
so every server process sees every volunteer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.tables import Base, UTCDateTime, new_id, utc_now

# Handoff states; the last three are final.
RINGING, ACTIVE, UNANSWERED, CANCELLED, ENDED = "ringing", "active", "unanswered", "cancelled", "ended"
OPEN_STATES = (RINGING, ACTIVE)
FINAL_STATES = (UNANSWERED, CANCELLED, ENDED)


class VolunteerProfile(Base):
    """What a volunteer tells us about themselves, and whether they may be rung."""

    __tablename__ = "volunteer_profiles"

    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    display_name: Mapped[str] = mapped_column(String(80))
    languages: Mapped[str] = mapped_column(String(64))  # comma-joined tags
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    quiet_start: Mapped[str | None] = mapped_column(String(5), nullable=True)  # "22:00"
    quiet_end: Mapped[str | None] = mapped_column(String(5), nullable=True)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_helped_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class Handoff(Base):
    """One request for a sighted volunteer. `last_seq` allocates event numbers."""

    __tablename__ = "handoffs"
    __table_args__ = (
        Index("ix_handoffs_user_state", "user_id", "state"),
        Index("ix_handoffs_volunteer_state", "volunteer_id", "state"),
        Index("ix_handoffs_state_created", "state", "created_at"),
        # Across processes, a check-then-insert is not enough: the database itself refuses
        # a second open handoff per user and a second active call per volunteer.
        Index("uq_handoffs_open_user", "user_id", unique=True,
              postgresql_where=text("state IN ('ringing', 'active')"),
              sqlite_where=text("state IN ('ringing', 'active')")),
        Index("uq_handoffs_active_volunteer", "volunteer_id", unique=True,
              postgresql_where=text("state = 'active'"),
              sqlite_where=text("state = 'active'")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    volunteer_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    state: Mapped[str] = mapped_column(String(16), default=RINGING)
    language: Mapped[str] = mapped_column(String(35))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    description_id: Mapped[str | None] = mapped_column(
        ForeignKey("descriptions.id", ondelete="SET NULL"), nullable=True
    )
    has_photo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class HandoffPhoto(Base):
    """The shared photo: a face-blurred, metadata-free JPEG, deleted when the handoff ends.

    In the database so that every server process can serve it."""

    __tablename__ = "handoff_photos"

    handoff_id: Mapped[str] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), primary_key=True
    )
    content_type: Mapped[str] = mapped_column(String(32), default="image/jpeg")
    data: Mapped[bytes] = mapped_column(LargeBinary)


class HandoffEvent(Base):
    """A message or a state change, numbered per handoff (`seq` 1, 2, ...)."""

    __tablename__ = "handoff_events"
    __table_args__ = (
        UniqueConstraint("handoff_id", "seq", name="uq_handoff_events_handoff_id_seq"),
        # A resent message (same client_id) is found, not stored twice; NULLs
        # (state changes) never collide.
        UniqueConstraint("handoff_id", "client_id", name="uq_handoff_events_handoff_id_client_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    handoff_id: Mapped[str] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # "message" | "state"
    sender_role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    client_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    state: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class HandoffOffer(Base):
    """One volunteer rung for one handoff (at most once)."""

    __tablename__ = "handoff_offers"
    __table_args__ = (
        UniqueConstraint("handoff_id", "volunteer_id", name="uq_handoff_offers_handoff_id_volunteer_id"),
        Index("ix_handoff_offers_state_expires", "state", "expires_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    handoff_id: Mapped[str] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    volunteer_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    # rung | accepted | declined | expired | withdrawn
    state: Mapped[str] = mapped_column(String(16), default="rung")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HandoffRating(Base):
    """After a handoff: how it went, from either side (once each)."""

    __tablename__ = "handoff_ratings"
    __table_args__ = (
        UniqueConstraint("handoff_id", "rater_id", name="uq_handoff_ratings_handoff_id_rater_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    handoff_id: Mapped[str] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    rater_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    rating: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class HandoffReport(Base):
    """A report of the other side. Kept when the handoff is purged: reports
    from three different accounts suspend a volunteer."""

    __tablename__ = "handoff_reports"
    __table_args__ = (
        UniqueConstraint("reporter_id", "reported_id", name="uq_handoff_reports_reporter_id_reported_id"),
        Index("ix_handoff_reports_reported", "reported_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    reporter_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    reported_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    handoff_id: Mapped[str | None] = mapped_column(
        ForeignKey("handoffs.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class HandoffBlock(Base):
    """A pair that is never matched again (either direction)."""

    __tablename__ = "handoff_blocks"
    __table_args__ = (
        UniqueConstraint("account_id", "blocked_id", name="uq_handoff_blocks_account_id_blocked_id"),
        Index("ix_handoff_blocks_blocked", "blocked_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    blocked_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class VolunteerPresence(Base):
    """One connected volunteer socket, on some server process; `seen_at` is refreshed by
    that process's heartbeat, so a crashed process's rows go stale and stop counting."""

    __tablename__ = "volunteer_presence"
    __table_args__ = (
        Index("ix_volunteer_presence_account", "account_id"),
        Index("ix_volunteer_presence_process", "process_id"),
    )

    socket_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    process_id: Mapped[str] = mapped_column(String(36))
    available: Mapped[bool] = mapped_column(Boolean, default=False)
    languages: Mapped[str | None] = mapped_column(String(64), nullable=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
