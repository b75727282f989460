"""`/v1/descriptions*`: describe a photo, follow-ups, history, delete, feedback."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Header, Query, Response, UploadFile, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from app.api.deps import AuthDep, ServicesDep, SessionDep
from app.describe import service as describe_service
from app.describe.pipeline import StreamEvent
from app.errors import SightlineError, ValidationFailedError
from app.i18n import negotiate_language

router = APIRouter(prefix="/v1/descriptions", tags=["descriptions"])
logger = logging.getLogger(__name__)

Detail = Literal["brief", "standard", "detailed"]
MAX_QUESTION_CHARS = 2000


class FollowUpBody(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    detail: Detail | None = None
    language: str | None = Field(default=None, max_length=35)


class FeedbackBody(BaseModel):
    rating: Literal["helpful", "wrong", "report"]
    category: (
        Literal[
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
        | None
    ) = None
    comment: str | None = Field(default=None, max_length=2000)


def _clean_question(question: str | None) -> str | None:
    if question is None:
        return None
    question = question.strip()
    if len(question) > MAX_QUESTION_CHARS:
        raise ValidationFailedError(f"The question is longer than {MAX_QUESTION_CHARS} characters.")
    return question or None


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "A replay of an earlier request with the same Idempotency-Key"},
        201: {
            "content": {"text/event-stream": {}},
            "description": "The description; with `Accept: text/event-stream`, server-sent "
            "events: `delta` sentences, then `done` with the description",
        },
    },
)
async def create_description(
    auth: AuthDep,
    services: ServicesDep,
    response: Response,
    photo: Annotated[UploadFile, File(description="JPEG, PNG or HEIC/HEIF photo")],
    question: Annotated[str | None, Form(max_length=MAX_QUESTION_CHARS)] = None,
    detail: Annotated[Detail, Form()] = "standard",
    language: Annotated[str | None, Form(max_length=35)] = None,
    accept_language: Annotated[str | None, Header()] = None,
    accept: Annotated[str | None, Header()] = None,
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
) -> Any:
    """Describe a photo, answering the optional question. Retries with the same
    `Idempotency-Key` return the same description. With `Accept: text/event-stream`
    the answer streams sentence by sentence."""
    data = await photo.read()
    owner_id, question, language = (
        auth.account.id,
        _clean_question(question),
        negotiate_language(language, accept_language),
    )
    pipeline, store = services.describe.pipeline, services.describe.store
    if accept and "text/event-stream" in accept and not idempotency_key:
        events = await describe_service.start_streamed_description(
            sessions=services.sessions,
            pipeline=pipeline,
            store=store,
            owner_id=owner_id,
            photo=data,
            question=question,
            detail=detail,
            language=language,
        )
        return StreamingResponse(
            _server_sent_events(events),
            status_code=status.HTTP_201_CREATED,
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store"},
        )
    body, replayed = await describe_service.create_description(
        sessions=services.sessions,
        pipeline=pipeline,
        store=store,
        owner_id=owner_id,
        photo=data,
        question=question,
        detail=detail,
        language=language,
        idempotency_key=idempotency_key,
        idempotency_ttl=services.idempotency_ttl,
    )
    if replayed:
        response.status_code = status.HTTP_200_OK
        response.headers["Idempotent-Replayed"] = "true"
    return body


async def _server_sent_events(events: AsyncIterator[StreamEvent]) -> AsyncIterator[str]:
    """Render pipeline events as SSE; a failure mid-stream becomes an `error` event."""
    try:
        async for event in events:
            yield f"event: {event.kind}\ndata: {json.dumps(event.data, ensure_ascii=False)}\n\n"
    except SightlineError as error:
        yield f"event: error\ndata: {json.dumps({'error': error.code, 'detail': error.detail})}\n\n"
    except Exception:
        logger.exception("streamed description failed")
        body = {
            "error": "internal_error",
            "detail": "Something went wrong on our side. Please try again.",
        }
        yield f"event: error\ndata: {json.dumps(body)}\n\n"


@router.get("")
async def list_descriptions(
    auth: AuthDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """The caller's history, newest first; pass `next_cursor` back as `cursor` for more."""
    page = await describe_service.list_descriptions(
        session=session, owner_id=auth.account.id, limit=limit, cursor=cursor
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/{description_id}")
async def get_description(
    description_id: str, auth: AuthDep, session: SessionDep
) -> dict[str, Any]:
    """One of the caller's descriptions with its follow-up questions."""
    return await describe_service.get_description_or_raise(
        session=session, owner_id=auth.account.id, description_id=description_id
    )


@router.delete("/{description_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_description(
    description_id: str, auth: AuthDep, services: ServicesDep, session: SessionDep
) -> Response:
    """Delete one of the caller's descriptions and its retained photo."""
    await describe_service.delete_description(
        session=session,
        store=services.describe.store,
        owner_id=auth.account.id,
        description_id=description_id,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{description_id}/questions", status_code=status.HTTP_201_CREATED)
async def ask_follow_up(
    description_id: str,
    body: FollowUpBody,
    auth: AuthDep,
    services: ServicesDep,
    accept_language: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Ask another question about the same photo."""
    language = (
        negotiate_language(body.language, accept_language)
        if (body.language or accept_language)
        else None
    )
    return await describe_service.ask_follow_up(
        sessions=services.sessions,
        pipeline=services.describe.pipeline,
        store=services.describe.store,
        owner_id=auth.account.id,
        description_id=description_id,
        question=body.question.strip(),
        detail=body.detail,
        language=language,
    )


@router.post("/{description_id}/feedback", status_code=status.HTTP_201_CREATED)
async def add_feedback(
    description_id: str, body: FeedbackBody, auth: AuthDep, session: SessionDep
) -> dict[str, Any]:
    """Say whether a description helped, was wrong, or should be reported."""
    return await describe_service.add_feedback(
        session=session,
        owner_id=auth.account.id,
        description_id=description_id,
        rating=body.rating,
        category=body.category,
        comment=body.comment,
    )
