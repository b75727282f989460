"""`/v1/descriptions*`: describe a photo, follow-ups, history, delete, feedback."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated

from fastapi import (
    APIRouter,
    File,
    Form,
    Header,
    Path,
    Query,
    Request,
    Response,
    UploadFile,
    status,
)
from fastapi.responses import StreamingResponse

from app.api.deps import AuthDep, ServicesDep, SessionDep
from app.api.fault_errors import classify_fault
from app.api.responses import error_responses
from app.describe import service as describe_service
from app.describe.pipeline import StreamEvent
from app.errors import (
    IdempotencyConflictError,
    NotFoundError,
    ServiceUnavailableError,
    SightlineError,
    UnprocessablePhotoError,
    ValidationFailedError,
)
from app.i18n import negotiate_language
from app.schemas.descriptions import (
    MAX_QUESTION_CHARS,
    Description,
    DescriptionPage,
    DescriptionWithFollowUps,
    FollowUp,
    FollowUpBody,
)
from app.schemas.feedback import FeedbackBody, FeedbackOut
from app.schemas.fields import (
    HeaderValue,
    IdempotencyKey,
    LanguageTag,
    PageCursor,
    PhotoQuestion,
    ResourceId,
)
from models.language import message
from models.types import Detail

router = APIRouter(prefix="/v1/descriptions", tags=["descriptions"])
logger = logging.getLogger(__name__)

_NO_SUCH_DESCRIPTION = NotFoundError(key="error.no_such_description")
_BUSY = ServiceUnavailableError(key="error.busy_photos")

# Every path id is checked once, here: a malformed id is a 422 naming it, never a query.
DescriptionId = Annotated[ResourceId, Path(description="Description id (UUID).")]

_STREAM_EXAMPLE = (
    'event: delta\ndata: {"text": "A can of Kirkland sliced peaches."}\n\n'
    'event: done\ndata: {"id": "0f9c2d4e-…", "text": "A can of Kirkland sliced peaches. …", …}\n\n'
)


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
    response_model=Description,
    responses={
        200: {
            "model": Description,
            "description": "A replay of an earlier request with the same `Idempotency-Key` "
            "(header `Idempotent-Replayed: true`).",
        },
        201: {
            "description": "The stored description. With `Accept: text/event-stream` (and no "
            "`Idempotency-Key`), server-sent events instead: `delta` events whose data is a "
            "`StreamDelta` (one safety-checked sentence), then one `done` event whose data is "
            "the stored `Description`; a failure after the stream started arrives as an "
            "`error` event whose data is an `ErrorBody`.",
            "content": {
                "text/event-stream": {"schema": {"type": "string"}, "example": _STREAM_EXAMPLE}
            },
        },
        **error_responses(
            401,
            413,
            415,
            422,
            503,
            examples=[
                ValidationFailedError(),
                UnprocessablePhotoError(),
                IdempotencyConflictError(),
                _BUSY,
            ],
        ),
    },
)
async def create_description(
    auth: AuthDep,
    services: ServicesDep,
    request: Request,
    response: Response,
    photo: Annotated[UploadFile, File(description="JPEG, PNG or HEIC/HEIF photo.")],
    question: Annotated[
        PhotoQuestion | None,
        Form(description="Optional question about the photo (blank means none)."),
    ] = None,
    detail: Annotated[
        Detail, Form(description="How much to say: `brief`, `standard` or `detailed`.")
    ] = "standard",
    language: Annotated[
        LanguageTag | None,
        Form(description="Answer language (BCP 47); else `Accept-Language`."),
    ] = None,
    accept_language: Annotated[
        HeaderValue | None, Header(description="Preferred answer languages, with q-weights.")
    ] = None,
    accept: Annotated[
        HeaderValue | None, Header(description="`text/event-stream` to stream the answer.")
    ] = None,
    idempotency_key: Annotated[
        IdempotencyKey | None,
        Header(description="Retries with the same key get the same description."),
    ] = None,
) -> Description | StreamingResponse:
    """Describe a photo, answering the optional question.

    Requests wait their turn when the service is busy; 503 with `Retry-After`
    only when the wait queue is full."""
    data = await photo.read()
    owner_id, question, language = (
        auth.account.id,
        _clean_question(question),
        negotiate_language(language, accept_language),
    )
    if accept and "text/event-stream" in accept and not idempotency_key:
        events = await describe_service.start_streamed_description(
            sessions=services.sessions,
            describe=services.describe,
            owner_id=owner_id,
            photo=data,
            question=question,
            detail=detail,
            language=language,
            abandoned=request.is_disconnected,
        )
        return StreamingResponse(
            _server_sent_events(events, language),
            status_code=status.HTTP_201_CREATED,
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store"},
        )
    body, replayed = await describe_service.create_description(
        sessions=services.sessions,
        describe=services.describe,
        owner_id=owner_id,
        photo=data,
        question=question,
        detail=detail,
        language=language,
        idempotency_key=idempotency_key,
        idempotency_ttl=services.idempotency_ttl,
        idempotency_lease=timedelta(seconds=services.settings.idempotency_lease_s),
        abandoned=request.is_disconnected,
    )
    if replayed:
        response.status_code = status.HTTP_200_OK
        response.headers["Idempotent-Replayed"] = "true"
    return body


async def _server_sent_events(
    events: AsyncIterator[StreamEvent], language: str
) -> AsyncIterator[str]:
    """Render pipeline events as SSE; a failure mid-stream becomes an `error` event,
    said in the answer's language."""
    try:
        async for event in events:
            yield f"event: {event.kind}\ndata: {event.data.model_dump_json()}\n\n"
    except SightlineError as error:
        body = {"error": error.code, "detail": error.localized(language)}
        yield f"event: error\ndata: {json.dumps(body)}\n\n"
    except Exception as error:
        if (dependency := classify_fault(error)) is not None:
            # The same answer a fault gets before the stream starts (a 503), as an event.
            logger.warning("dependency unavailable", extra={"dependency": dependency,
                                                            "error_type": type(error).__name__})
            body = {"error": "unavailable", "detail": message("error.unavailable", language=language)}
            yield f"event: error\ndata: {json.dumps(body)}\n\n"
            return
        logger.exception("streamed description failed")
        body = {"error": "internal_error", "detail": message("error.internal", language=language)}
        yield f"event: error\ndata: {json.dumps(body)}\n\n"


@router.get(
    "",
    response_model=DescriptionPage,
    responses=error_responses(401, 422, 503, examples=[ValidationFailedError("The page cursor is invalid.")]),
)
async def list_descriptions(
    auth: AuthDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 20,
    cursor: Annotated[
        PageCursor | None, Query(description="`next_cursor` of the previous page.")
    ] = None,
) -> DescriptionPage:
    """The caller's history, newest first; pass `next_cursor` back as `cursor` for more."""
    return await describe_service.list_descriptions(
        session=session, owner_id=auth.account.id, limit=limit, cursor=cursor
    )


@router.get(
    "/{description_id}",
    response_model=DescriptionWithFollowUps,
    responses=error_responses(401, 404, 422, 503, examples=[_NO_SUCH_DESCRIPTION]),
)
async def get_description(
    description_id: DescriptionId, auth: AuthDep, session: SessionDep
) -> DescriptionWithFollowUps:
    """One of the caller's descriptions with its follow-up questions."""
    return await describe_service.get_description_or_raise(
        session=session, owner_id=auth.account.id, description_id=description_id
    )


@router.delete(
    "/{description_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 404, 422, 503, examples=[_NO_SUCH_DESCRIPTION]),
)
async def delete_description(
    description_id: DescriptionId, auth: AuthDep, services: ServicesDep, session: SessionDep
) -> Response:
    """Delete one of the caller's descriptions and its retained photo."""
    await describe_service.delete_description(
        session=session,
        describe=services.describe,
        owner_id=auth.account.id,
        description_id=description_id,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{description_id}/questions",
    status_code=status.HTTP_201_CREATED,
    response_model=FollowUp,
    responses=error_responses(
        401, 404, 413, 422, 503, examples=[_NO_SUCH_DESCRIPTION, _BUSY]
    ),
)
async def ask_follow_up(
    description_id: DescriptionId,
    body: FollowUpBody,
    auth: AuthDep,
    services: ServicesDep,
    request: Request,
    accept_language: Annotated[
        HeaderValue | None, Header(description="Preferred answer languages, with q-weights.")
    ] = None,
) -> FollowUp:
    """Ask another question about the same photo."""
    language = (
        negotiate_language(body.language, accept_language)
        if (body.language or accept_language)
        else None
    )
    return await describe_service.ask_follow_up(
        sessions=services.sessions,
        describe=services.describe,
        owner_id=auth.account.id,
        description_id=description_id,
        question=body.question.strip(),
        detail=body.detail,
        language=language,
        abandoned=request.is_disconnected,
    )


@router.post(
    "/{description_id}/feedback",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedbackOut,
    responses=error_responses(401, 404, 413, 422, 503, examples=[_NO_SUCH_DESCRIPTION]),
)
async def add_feedback(
    description_id: DescriptionId, body: FeedbackBody, auth: AuthDep, session: SessionDep
) -> FeedbackOut:
    """Say whether a description helped, was wrong, or should be reported."""
    return await describe_service.add_feedback(
        session=session,
        owner_id=auth.account.id,
        description_id=description_id,
        rating=body.rating,
        category=body.category,
        comment=body.comment,
    )
