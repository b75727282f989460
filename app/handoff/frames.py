"""The WebSocket frames of `/v1/ws` (issue 7, pinned protocol): pydantic models and their JSON Schema.

Every frame is a JSON object with a `type`. Client frames are validated against
the discriminated union `ClientFrame`; server frames are built from the models
below, so what is sent is what the schema says. `frame_schemas()` publishes
both unions as JSON Schema (`sightline handoff schema`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter

from app.schemas.fields import NOT_BLANK_PATTERN, ONE_LINE_PATTERN, LanguageTag

MAX_TEXT_CHARS = 4000
# Any one-line id: an unknown one (malformed included) is answered `not_found`, like
# a handoff that is not yours; control characters never reach the database.
HandoffId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=ONE_LINE_PATTERN),
    Field(description="The handoff's id."),
]
ClientId = Annotated[
    str,
    StringConstraints(pattern=ONE_LINE_PATTERN),
    Field(
        min_length=1,
        max_length=64,
        description="Chosen by the sender (e.g. a UUID); a resent client_id is acknowledged "
        "with the same seq and not delivered twice.",
    ),
]
Role = Literal["user", "volunteer"]
State = Literal["ringing", "active", "unanswered", "cancelled", "ended"]


class _Frame(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- client → server -------------------------------------------------------------------


class AuthFrame(_Frame):
    """First frame, within 5 s: the access token (else the server closes with 4401)."""

    type: Literal["auth"]
    token: str = Field(min_length=1, max_length=4096)


class AvailableFrame(_Frame):
    """Volunteer: ring me (optionally only in these languages)."""

    type: Literal["available"]
    languages: list[LanguageTag] | None = Field(
        default=None, max_length=8
    )


class UnavailableFrame(_Frame):
    """Volunteer: stop ringing me."""

    type: Literal["unavailable"]


class AcceptFrame(_Frame):
    """Volunteer: take an offered handoff (the first accept wins)."""

    type: Literal["accept"]
    handoff_id: HandoffId


class DeclineFrame(_Frame):
    """Volunteer: not this one (the next volunteer is rung)."""

    type: Literal["decline"]
    handoff_id: HandoffId


class JoinFrame(_Frame):
    """Attach this socket to a handoff; events after `last_seq` are replayed once, then streamed."""

    type: Literal["join"]
    handoff_id: HandoffId
    last_seq: int = Field(default=0, ge=0)


class MessageFrame(_Frame):
    """A text message to the other side."""

    type: Literal["message"]
    handoff_id: HandoffId
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, pattern=NOT_BLANK_PATTERN)
    client_id: ClientId


class SignalFrame(_Frame):
    """WebRTC signalling (offer/answer/ICE), relayed unchanged to the other side, never stored."""

    type: Literal["signal"]
    handoff_id: HandoffId
    payload: dict[str, Any]


class EndFrame(_Frame):
    """Either side ends the call."""

    type: Literal["end"]
    handoff_id: HandoffId


ClientFrame = Annotated[
    AuthFrame
    | AvailableFrame
    | UnavailableFrame
    | AcceptFrame
    | DeclineFrame
    | JoinFrame
    | MessageFrame
    | SignalFrame
    | EndFrame,
    Field(discriminator="type"),
]
CLIENT_FRAME: TypeAdapter[ClientFrame] = TypeAdapter(ClientFrame)
CLIENT_TYPES = frozenset(
    {"auth", "available", "unavailable", "accept", "decline", "join", "message", "signal", "end"}
)


# --- server → client -------------------------------------------------------------------


class ReadyFrame(_Frame):
    """Authenticated."""

    type: Literal["ready"] = "ready"
    role: Role


class OfferFrame(_Frame):
    """A handoff is ringing this volunteer."""

    type: Literal["offer"] = "offer"
    handoff_id: str
    language: str
    summary: str | None = Field(description="The AI description's text, when there is one.")
    photo: bool = Field(description="Whether the user shares the photo.")
    expires_in: float = Field(description="Seconds until this offer is withdrawn.")
    note: str | None = Field(default=None, description="The user's note, when they wrote one.")


class OfferWithdrawnFrame(_Frame):
    """The offer is gone: someone else accepted, the user cancelled, it expired or went unanswered."""

    type: Literal["offer_withdrawn"] = "offer_withdrawn"
    handoff_id: str


class StateFrame(_Frame):
    """A state change of a handoff (an event: it has a `seq`)."""

    type: Literal["state"] = "state"
    handoff_id: str
    state: State
    seq: int | None = None
    detail: str | None = Field(
        default=None, description="A sentence for the user, e.g. what to do after `unanswered`."
    )


class ServerMessageFrame(_Frame):
    """A message from the other side (or another socket of this account)."""

    type: Literal["message"] = "message"
    handoff_id: str
    seq: int
    from_: Role = Field(alias="from", serialization_alias="from")
    text: str
    client_id: str
    at: datetime

    model_config = ConfigDict(populate_by_name=True)


class AckFrame(_Frame):
    """The sender's message is stored with this `seq`."""

    type: Literal["ack"] = "ack"
    client_id: str
    seq: int


class ServerSignalFrame(_Frame):
    """Signalling from the other side, unchanged."""

    type: Literal["signal"] = "signal"
    handoff_id: str
    payload: dict[str, Any]


class ErrorFrame(_Frame):
    """A frame was refused; the socket stays open."""

    type: Literal["error"] = "error"
    error: str = Field(
        description="`bad_frame`, `unknown_type`, `not_found`, `already_taken`, `forbidden`, "
        "`invalid_state`, `conflict`, `unavailable`."
    )
    detail: str
    handoff_id: str | None = None


ServerFrame = Annotated[
    ReadyFrame
    | OfferFrame
    | OfferWithdrawnFrame
    | StateFrame
    | ServerMessageFrame
    | AckFrame
    | ServerSignalFrame
    | ErrorFrame,
    Field(discriminator="type"),
]
SERVER_FRAME: TypeAdapter[ServerFrame] = TypeAdapter(ServerFrame)


def dump(frame: BaseModel) -> dict[str, Any]:
    """A server frame as the JSON object sent (aliases, ISO dates, no absent extras)."""
    return frame.model_dump(mode="json", by_alias=True, exclude_none=False)


def frame_schemas() -> dict[str, Any]:
    """JSON Schema of every client frame and every server frame (published for clients)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Sightline /v1/ws frames",
        "client": CLIENT_FRAME.json_schema(by_alias=True),
        "server": SERVER_FRAME.json_schema(by_alias=True, mode="serialization"),
    }
