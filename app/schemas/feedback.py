"""Feedback on a description."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.schemas.fields import Comment

Rating = Literal["helpful", "wrong", "report"]
FeedbackCategory = Literal[
    "wrong_text",
    "missed_text",
    "wrong_object",
    "wrong_colour",
    "wrong_people",
    "hallucination",
    "offensive",
    "privacy",
    "unsafe_advice",
    "too_long",
    "too_short",
    "other",
]


class FeedbackBody(BaseModel):
    """Whether a description helped, was wrong, or should be reported."""

    rating: Rating = Field(description="`helpful`, `wrong` or `report`.")
    category: FeedbackCategory | None = Field(
        default=None, description="What was wrong, when known."
    )
    comment: Comment | None = Field(
        default=None, description="Free text from the user (never logged).",
        examples=["It misread the date."],
    )


class FeedbackOut(BaseModel):
    """Recorded feedback."""

    id: str = Field(description="Feedback id (UUID).")
    description_id: str = Field(description="The description the feedback is about.")
    rating: Rating = Field(description="`helpful`, `wrong` or `report`.")
    category: FeedbackCategory | None = Field(description="What was wrong, when given.")
    created_at: datetime = Field(description="When the feedback was recorded (UTC).")
