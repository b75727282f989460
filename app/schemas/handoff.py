"""Volunteer handoff HTTP bodies (issue 7, pinned protocol)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from app.schemas.fields import (
    NO_CONTROL_PATTERN,
    ONE_LINE_PATTERN,
    Comment,
    LanguageTag,
    LanguageTags,
    ResourceId,
)

HandoffState = Literal["ringing", "active", "unanswered", "cancelled", "ended"]
MAX_NOTE_CHARS = 1000
CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
# The shared field rules (app/schemas/fields.py): no control characters, bounded lengths.
Note = Annotated[str, StringConstraints(max_length=MAX_NOTE_CHARS, pattern=NO_CONTROL_PATTERN)]
DisplayName = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=ONE_LINE_PATTERN)]
TimeZoneName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_+\-/]+$")]


class HandoffCreateBody(BaseModel):
    """Ask for a sighted volunteer (JSON, or the same fields as multipart with a `photo`)."""

    description_id: ResourceId | None = Field(
        default=None, description="The description the volunteer should see."
    )
    language: LanguageTag | None = Field(
        default=None,
        description="The call's language (BCP 47); the user's first language by default.",
    )
    share_photo: bool = Field(
        default=False,
        description="Share the photo (the description's retained copy, or the uploaded `photo`): "
        "face-blurred, metadata-free, deleted when the handoff ends.",
    )
    note: Note | None = Field(default=None, description="A note for the volunteer.")


class HandoffCreated(BaseModel):
    """A new, ringing handoff."""

    id: str = Field(description="The handoff's id (UUID).")
    state: HandoffState = Field(description="Always `ringing` for a new handoff.")
    language: str = Field(description="The call's language.", examples=["en"])
    created_at: datetime = Field(description="When it was asked for (UTC).")


class VolunteerOut(BaseModel):
    """Who took the call."""

    display_name: str = Field(description="The name the volunteer chose.", examples=["Aiko"])


class HandoffOut(BaseModel):
    """A handoff as its user or its volunteer sees it."""

    id: str = Field(description="The handoff's id (UUID).")
    state: HandoffState = Field(description="ringing, active, unanswered, cancelled or ended.")
    language: str = Field(description="The call's language.", examples=["en"])
    created_at: datetime = Field(description="When it was asked for (UTC).")
    accepted_at: datetime | None = Field(description="When a volunteer accepted; null before.")
    ended_at: datetime | None = Field(
        description="When it ended, was cancelled or went unanswered; null while open."
    )
    volunteer: VolunteerOut | None = Field(description="Who accepted; null while ringing.")
    summary: str | None = Field(description="The AI description's text, when one was attached.")
    note: str | None = Field(default=None, description="The user's note for the volunteer.")
    photo: bool = Field(default=False, description="Whether a shared photo is available now.")
    last_seq: int = Field(default=0, description="The seq of the latest event.")


class HandoffList(BaseModel):
    """The caller's handoffs (as the user, or as the volunteer who accepted), newest first."""

    handoffs: list[HandoffOut] = Field(description="Newest first.")


class TranscriptMessage(BaseModel):
    """One message, exactly as the WebSocket `message` frame."""

    type: Literal["message"] = Field(default="message", description="Always `message`.")
    handoff_id: str = Field(description="The handoff's id.")
    seq: int = Field(description="The event number within the handoff (1, 2, ...).")
    from_: Literal["user", "volunteer"] = Field(alias="from", description="Who wrote it.")
    text: str = Field(description="The message.")
    client_id: str = Field(description="The id the sender gave the message.")
    at: datetime = Field(description="When it was stored (UTC).")

    model_config = {"populate_by_name": True}


class Transcript(BaseModel):
    """Messages after `after_seq`, in order."""

    handoff_id: str = Field(description="The handoff's id.")
    messages: list[TranscriptMessage] = Field(description="Messages in seq order.")


class RatingBody(BaseModel):
    """After the call, from either side."""

    rating: Literal["good", "problem"] = Field(description="How the call went.")
    report: bool = Field(default=False, description="Report the other side: the pair is "
                         "never matched again; three reports from different people suspend a volunteer.")
    comment: Comment | None = Field(default=None,
                                description="Optional words for the team (never shown to the other side).")


class RatingOut(BaseModel):
    """The stored rating."""

    handoff_id: str = Field(description="The handoff's id.")
    rating: Literal["good", "problem"] = Field(description="The stored rating.")
    report: bool = Field(description="Whether the other side was reported (and blocked).")


class QuietHours(BaseModel):
    """When not to be rung, in the volunteer's time zone (may cross midnight)."""

    start: str = Field(pattern=CLOCK, max_length=5, examples=["22:00"], description="Start, HH:MM local time.")
    end: str = Field(pattern=CLOCK, max_length=5, examples=["07:00"], description="End, HH:MM local time.")


class VolunteerProfileBody(BaseModel):
    """What a volunteer says about themselves."""

    display_name: DisplayName = Field(description="Shown to users.")
    languages: LanguageTags = Field(examples=[["en", "ja"]],
                                    description="Languages the volunteer helps in (BCP 47).")
    timezone: TimeZoneName = Field(examples=["Asia/Tokyo"],
                          description="IANA time zone of the quiet hours.")
    quiet_hours: QuietHours | None = Field(default=None, description="When not to be rung.")


class VolunteerProfileOut(VolunteerProfileBody):
    """The profile and its standing."""

    suspended: bool = Field(description="Suspended volunteers are not rung (an admin reinstates).")
    last_helped_at: datetime | None = Field(description="When they last accepted a call.")


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """JSON Schema of a body (used by docs)."""
    return model.model_json_schema(by_alias=True)
