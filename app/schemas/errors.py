"""The one error body: `{"error": code, "detail": message}`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ErrorBody(BaseModel):
    """What every error response carries; never exception text or a stack trace."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"error": "not_found", "detail": "No such description."}]
        }
    )

    error: str = Field(
        description="Stable machine-readable code, e.g. `not_authenticated`, `not_found`, "
        "`validation_error`, `unreadable_photo`, `unavailable`.",
        examples=["not_found"],
    )
    detail: str = Field(
        description="A sentence that is safe to show or speak to the user.",
        examples=["No such description."],
    )
