"""`/v1/handoffs*`, `/v1/volunteer/profile` and `/v1/admin/volunteers/*` (issue 7, pinned protocol)."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile, status
from pydantic import ValidationError

from app.api.deps import AdminDep, AuthDep, ServicesDep, SessionDep
from app.api.responses import error_responses
from app.auth.service import account_languages
from app.db import accounts_repo
from app.db.tables import Account
from app.errors import NotFoundError, ValidationFailedError
from app.handoff.errors import forbidden, invalid, say
from app.handoff.service import HandoffService, NewHandoff, first_language
from app.handoff.tables import Handoff, VolunteerProfile
from app.ingest import decode_photo, encode_jpeg
from app.schemas.fields import LanguageTag, ResourceId
from app.schemas.handoff import (
    HandoffCreateBody,
    HandoffCreated,
    HandoffList,
    HandoffOut,
    HandoffState,
    Note,
    QuietHours,
    RatingBody,
    RatingOut,
    Transcript,
    TranscriptMessage,
    VolunteerOut,
    VolunteerProfileBody,
    VolunteerProfileOut,
)
from app.services import AppServices
from safety.face_blur import blur_faces

router = APIRouter(prefix="/v1", tags=["handoff"])
logger = logging.getLogger("sightline.handoff")
HandoffId = Annotated[ResourceId, Path(description="Handoff id (UUID).")]
AccountId = Annotated[ResourceId, Path(description="Account id (UUID).")]

SHARED_PHOTO_MAX_SIDE = 1600
_BINARY = {"type": "string", "format": "binary"}


def _service(services: AppServices) -> HandoffService:
    return services.handoff


def _handoff_out(handoff: Handoff, volunteer_name: str | None) -> HandoffOut:
    return HandoffOut(
        id=handoff.id, state=handoff.state, language=handoff.language,  # type: ignore[arg-type]
        created_at=handoff.created_at, accepted_at=handoff.accepted_at, ended_at=handoff.ended_at,
        volunteer=VolunteerOut(display_name=volunteer_name) if volunteer_name else None,
        summary=handoff.summary, note=handoff.note, photo=handoff.has_photo,
        last_seq=handoff.last_seq,
    )


def _prepare_photo(data: bytes, detector: Any, max_pixels: int) -> bytes:
    """Decode (orientation applied, metadata dropped), blur faces, re-encode without metadata."""
    decoded = decode_photo(data, max_pixels=max_pixels, analysis_max_side=SHARED_PHOTO_MAX_SIDE)
    image = np.ascontiguousarray(decoded.image)
    if detector is not None:
        image = blur_faces(image, detector=detector).image
    return encode_jpeg(image)


def _reencode_retained(path: str) -> bytes | None:
    """The retained copy (already face-blurred) re-encoded without metadata; None when gone."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    decoded = decode_photo(data, analysis_max_side=SHARED_PHOTO_MAX_SIDE)
    return encode_jpeg(np.ascontiguousarray(decoded.image))


async def _body(request: Request, form: dict[str, Any]) -> HandoffCreateBody:
    content_type = request.headers.get("content-type", "")
    try:
        if content_type.startswith("multipart/form-data"):
            return HandoffCreateBody.model_validate({k: v for k, v in form.items() if v is not None})
        raw = await request.body()
        return HandoffCreateBody.model_validate_json(raw or b"{}")
    except ValidationError as error:
        fields = sorted({".".join(str(p) for p in item["loc"]) or "body" for item in error.errors()})
        raise ValidationFailedError(f"Missing or invalid fields: {', '.join(fields)}.") from error


@router.post(
    "/handoffs",
    status_code=status.HTTP_201_CREATED,
    response_model=HandoffCreated,
    responses=error_responses(401, 403, 404, 409, 413, 415, 422, 503),
    openapi_extra={"requestBody": {"content": {"application/json": {
        "schema": HandoffCreateBody.model_json_schema()}}}},
)
async def create_handoff(
    request: Request,
    auth: AuthDep,
    services: ServicesDep,
    photo: Annotated[UploadFile | None, File(description="Photo to share (multipart).")] = None,
    description_id: Annotated[ResourceId | None, Form(description="The description to show.")] = None,
    language: Annotated[LanguageTag | None, Form(description="The call's language (BCP 47).")] = None,
    share_photo: Annotated[bool, Form(description="Share the photo.")] = False,
    note: Annotated[Note | None, Form(description="A note for the volunteer.")] = None,
) -> HandoffCreated:
    """Ask for a sighted volunteer: rings FANOUT eligible volunteers at once (JSON or multipart)."""
    account = auth.account
    lang = first_language(account)
    if account.role != "user":
        raise forbidden("users_only", lang)
    body = await _body(request, {"description_id": description_id, "language": language,
                                 "share_photo": share_photo, "note": note})
    if body.language is not None:
        body.language = account_languages([body.language]).split(",")[0]
    handoff = _service(services)
    shared: bytes | None = None
    data = await photo.read() if photo is not None else b""
    # Shared only when the user says so (share_photo), from the upload or the retained copy.
    if body.share_photo:
        executor = services.describe.executor
        loop = asyncio.get_running_loop()
        if data:
            detector = getattr(services.describe.store, "_detector", None)
            shared = await loop.run_in_executor(
                executor, _prepare_photo, data, detector, services.settings.max_pixels)
        else:
            path = await handoff.load_photo_source(account, body.description_id)
            if path:
                shared = await loop.run_in_executor(executor, _reencode_retained, path)
            if shared is None:
                raise ValidationFailedError(say("no_photo", lang))
    elif body.description_id is not None:
        await handoff.load_photo_source(account, body.description_id)  # 404 when not theirs
    created = await handoff.create(account, NewHandoff(
        description_id=body.description_id, language=body.language, share_photo=body.share_photo,
        note=body.note, photo=shared))
    return HandoffCreated(id=created.id, state="ringing", language=created.language,
                          created_at=created.created_at)


@router.get("/handoffs", response_model=HandoffList, responses=error_responses(401, 422, 503))
async def list_handoffs(
    auth: AuthDep, services: ServicesDep,
    state: Annotated[HandoffState | None, Query(description="Only handoffs in this state.")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many.")] = 20,
) -> HandoffList:
    """The caller's handoffs, newest first: e.g. `?state=active` finds the call to rejoin
    after an app restart."""
    service = _service(services)
    handoffs = await service.list_for(auth.account, state=state, limit=limit)
    return HandoffList(handoffs=[_handoff_out(h, await service.volunteer_name(h)) for h in handoffs])


@router.get("/handoffs/{handoff_id}", response_model=HandoffOut,
            responses=error_responses(401, 404, 422, 503))
async def read_handoff(handoff_id: HandoffId, auth: AuthDep, services: ServicesDep) -> HandoffOut:
    """A handoff, to its user and the volunteer who accepted it (others: 404)."""
    handoff = await _service(services).visible(auth.account, handoff_id)
    return _handoff_out(handoff, await _service(services).volunteer_name(handoff))


@router.get("/handoffs/{handoff_id}/messages", response_model=Transcript,
            responses=error_responses(401, 404, 422, 503))
async def read_messages(
    handoff_id: HandoffId, auth: AuthDep, services: ServicesDep,
    after_seq: Annotated[int, Query(ge=0, description="Only messages after this seq.")] = 0,
) -> Transcript:
    """The transcript, in order (messages only; state changes come over the socket)."""
    frames = await _service(services).messages(auth.account, handoff_id, after_seq)
    return Transcript(handoff_id=handoff_id,
                      messages=[TranscriptMessage.model_validate(frame) for frame in frames])


@router.get("/handoffs/{handoff_id}/photo", response_class=Response,
            responses={**error_responses(401, 404, 422, 503),
                       200: {"description": "The shared photo: JPEG bytes, sent as image/jpeg (listed "
                            "as octet-stream too, for generic clients).",
                            "content": {"image/jpeg": {"schema": _BINARY},
                                        "application/octet-stream": {"schema": _BINARY}}}})
async def read_photo(handoff_id: HandoffId, auth: AuthDep, services: ServicesDep) -> Response:
    """The shared photo (face-blurred, no metadata) while the handoff is open; 404 otherwise."""
    data = await _service(services).photo(auth.account, handoff_id)
    return Response(content=data, media_type="image/jpeg",
                    headers={"Cache-Control": "no-store", "Content-Disposition": "inline"})


@router.post("/handoffs/{handoff_id}/cancel", response_model=HandoffOut,
             responses=error_responses(401, 404, 409, 422, 503))
async def cancel_handoff(handoff_id: HandoffId, auth: AuthDep, services: ServicesDep) -> HandoffOut:
    """The owner withdraws a ringing request (409 once it is answered or over)."""
    handoff = await _service(services).cancel(auth.account, handoff_id)
    return _handoff_out(handoff, None)


@router.post("/handoffs/{handoff_id}/rating", status_code=status.HTTP_201_CREATED,
             response_model=RatingOut, responses=error_responses(401, 404, 409, 422, 503))
async def rate_handoff(
    handoff_id: HandoffId, body: RatingBody, auth: AuthDep, services: ServicesDep
) -> RatingOut:
    """Rate an ended call (either side, once); `report` blocks the pair for good."""
    await _service(services).rate(auth.account, handoff_id, rating=body.rating,
                                  report=body.report, comment=body.comment)
    return RatingOut(handoff_id=handoff_id, rating=body.rating, report=body.report)


def _profile_out(profile: VolunteerProfile) -> VolunteerProfileOut:
    quiet = (QuietHours(start=profile.quiet_start, end=profile.quiet_end)
             if profile.quiet_start and profile.quiet_end else None)
    return VolunteerProfileOut(
        display_name=profile.display_name, languages=profile.languages.split(","),
        timezone=profile.timezone, quiet_hours=quiet, suspended=profile.suspended_at is not None,
        last_helped_at=profile.last_helped_at)


def _require_volunteer(account: Account) -> None:
    if account.role != "volunteer":
        raise forbidden("volunteers_only", first_language(account))


@router.put("/volunteer/profile", response_model=VolunteerProfileOut,
            responses=error_responses(401, 403, 422, 503))
async def put_profile(body: VolunteerProfileBody, auth: AuthDep, services: ServicesDep) -> VolunteerProfileOut:
    """Create or replace the volunteer's profile."""
    _require_volunteer(auth.account)
    try:
        ZoneInfo(body.timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise invalid("bad_profile", first_language(auth.account)) from error
    languages = account_languages(body.languages)
    profile = await _service(services).put_profile(
        auth.account.id, display_name=body.display_name.strip(), languages=languages,
        timezone=body.timezone,
        quiet_start=body.quiet_hours.start if body.quiet_hours else None,
        quiet_end=body.quiet_hours.end if body.quiet_hours else None)
    return _profile_out(profile)


@router.get("/volunteer/profile", response_model=VolunteerProfileOut,
            responses=error_responses(401, 403, 404, 503))
async def get_profile(auth: AuthDep, services: ServicesDep) -> VolunteerProfileOut:
    """The volunteer's profile (404 before the first PUT)."""
    _require_volunteer(auth.account)
    profile = await _service(services).get_profile(auth.account.id)
    if profile is None:
        raise NotFoundError(say("no_profile", first_language(auth.account)))
    return _profile_out(profile)


@router.post("/admin/volunteers/{account_id}/reinstate", response_model=VolunteerProfileOut,
             tags=["admin"], responses=error_responses(401, 403, 404, 422, 503))
async def reinstate_volunteer(
    account_id: AccountId, _admin: AdminDep, services: ServicesDep, session: SessionDep
) -> VolunteerProfileOut:
    """Lift a volunteer's suspension (by account id; `sightline volunteer reinstate EMAIL`
    does the same by email)."""
    account = await accounts_repo.get_account(session, account_id=account_id)
    if account is None:
        raise NotFoundError(say("no_profile", None))
    profile = await _service(services).reinstate(account.id)
    if profile is None:
        raise NotFoundError(say("no_profile", None))
    return _profile_out(profile)

