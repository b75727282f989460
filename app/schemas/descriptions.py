"""Descriptions, follow-ups, history pages and streamed events."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from app.schemas.answer import Answer
from app.schemas.fields import QUESTION_MAX, FollowUpQuestion, LanguageTag
from models.types import Detail

MAX_QUESTION_CHARS = QUESTION_MAX

class Description(Answer):
    """A stored description of a photo: the answer, what was asked, and when."""

    id: str = Field(
        description="Description id (UUID).", examples=["0f9c2d4e-8b1a-4c3e-a6f7-5d2e1b0c9a8f"]
    )
    created_at: datetime = Field(description="When the description was made (UTC).")
    question: str | None = Field(
        default=None,
        description="The question asked with the photo; null for a plain description.",
        examples=["What is in this can?"],
    )
    photo_retained_until: datetime | None = Field(
        default=None,
        description="When the retained face-blurred copy will be deleted; null when the "
        "photo was not kept (retention is off by default).",
    )


class FollowUp(Answer):
    """An answer to another question about the same photo."""

    id: str = Field(description="Follow-up id (UUID).")
    description_id: str = Field(description="The description this follow-up belongs to.")
    created_at: datetime = Field(description="When the follow-up was answered (UTC).")
    question: str = Field(description="The follow-up question.", examples=["What does the label say?"])


class DescriptionWithFollowUps(Description):
    """A description with every follow-up asked about it, oldest first."""

    follow_ups: list[FollowUp] = Field(
        default_factory=list, description="Follow-up questions and answers, oldest first."
    )


class DescriptionPage(BaseModel):
    """One page of the caller's history, newest first."""

    items: list[Description] = Field(description="Descriptions on this page, newest first.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class FollowUpBody(BaseModel):
    """Another question about a described photo."""

    question: FollowUpQuestion = Field(
        description="The question to answer (not blank).",
        examples=["What does the label say?"],
    )
    detail: Detail | None = Field(
        default=None, description="How much to say; the description's own detail when left out."
    )
    language: LanguageTag | None = Field(
        default=None,
        description="Answer language (BCP 47); else `Accept-Language`; else the description's.",
        examples=["en"],
    )


class StreamDelta(BaseModel):
    """Data of a `delta` server-sent event: the next sentence, already safety-checked."""

    text: str = Field(description="One sentence of the answer.", examples=["A can of peaches."])
