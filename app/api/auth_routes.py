"""`/v1/auth/*`, `/v1/admin/accounts` and `DELETE /v1/me`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Response, status

from app.api.deps import AdminDep, AuthDep, ClientAddressDep, ServicesDep, SessionDep
from app.api.responses import error_responses
from app.auth import service as auth_service
from app.db.engine import checkpoint_after_erasure
from app.db.tables import Account
from app.describe import service as describe_service
from app.errors import ConflictError, NotAuthenticatedError
from app.schemas.auth import (
    AccountCreateBody,
    AccountOut,
    RefreshBody,
    RegisterBody,
    TokenForm,
    TokenOut,
)

router = APIRouter(prefix="/v1", tags=["auth"])

_EMAIL_TAKEN = ConflictError(key="error.email_taken")
_WRONG_PASSWORD = NotAuthenticatedError(key="error.wrong_password")
_SESSION_ENDED = NotAuthenticatedError(key="error.session_ended")


def _account_out(account: Account) -> AccountOut:
    return AccountOut.model_validate(
        {
            "id": account.id,
            "email": account.email,
            "role": account.role,
            "languages": account.languages.split(","),
        }
    )


@router.post(
    "/auth/register",
    status_code=status.HTTP_201_CREATED,
    response_model=AccountOut,
    responses=error_responses(409, 422, 429, 503, examples=[_EMAIL_TAKEN]),
)
async def register(
    body: RegisterBody, services: ServicesDep, session: SessionDep, address: ClientAddressDep
) -> AccountOut:
    """Create a user account (volunteers and admins are created by an admin)."""
    await services.limiter.hit_or_raise("register", address)
    await services.limiter.hit_or_raise("register_account", body.email.lower())
    account = await auth_service.create_account(
        session=session,
        passwords=services.passwords,
        email=body.email,
        password=body.password,
        role="user",
        languages=body.languages,
    )
    return _account_out(account)


@router.post(
    "/auth/token",
    response_model=TokenOut,
    responses=error_responses(401, 422, 429, 503, examples=[_WRONG_PASSWORD]),
)
async def issue_token(
    form: Annotated[TokenForm, Form()],
    services: ServicesDep,
    session: SessionDep,
    address: ClientAddressDep,
) -> TokenOut:
    """OAuth2 password flow: `username` (the email) and `password` → access and refresh tokens."""
    # Per address and account, per account from any address (distributed guessing),
    # per address across accounts (password spraying).
    account_key = form.username.strip().lower()
    await services.limiter.hit_or_raise("login_address", address)
    await services.limiter.hit_or_raise("login_account", account_key)
    await services.limiter.hit_or_raise("login", address, account_key)
    pair = await auth_service.log_in(
        session=session,
        passwords=services.passwords,
        tokens=services.tokens,
        email=form.username,
        password=form.password,
        refresh_ttl=services.refresh_ttl,
    )
    return TokenOut(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


@router.post(
    "/auth/refresh",
    response_model=TokenOut,
    responses=error_responses(401, 422, 503, examples=[_SESSION_ENDED]),
)
async def refresh_token(body: RefreshBody, services: ServicesDep, session: SessionDep) -> TokenOut:
    """Exchange a refresh token for a new pair; the old refresh token stops working."""
    pair = await auth_service.refresh(
        session=session,
        tokens=services.tokens,
        refresh_token=body.refresh_token,
        refresh_ttl=services.refresh_ttl,
    )
    return TokenOut(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 503),
)
async def log_out(
    auth: AuthDep, services: ServicesDep, session: SessionDep, background: BackgroundTasks
) -> Response:
    """Revoke this login: its access and refresh tokens stop working."""
    await auth_service.log_out(session=session, session_id=auth.session_id)
    # issue 7: the account's sockets close once the revocation is committed.
    background.add_task(services.handoff.kick, account_id=auth.account.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=AccountOut, responses=error_responses(401, 503))
async def read_me(auth: AuthDep) -> AccountOut:
    """The signed-in account."""
    return _account_out(auth.account)


@router.delete(
    "/me", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401, 503)
)
async def erase_me(
    auth: AuthDep, services: ServicesDep, session: SessionDep, background: BackgroundTasks
) -> Response:
    """Erase the account and everything it owns: rows and stored photos."""
    # issue 7: end the account's open handoffs first (the other side is told), and
    # close its sockets once the erasure is committed.
    await services.handoff.close_account(auth.account.id)
    await describe_service.erase_account(
        session=session, describe=services.describe, account_id=auth.account.id
    )
    background.add_task(services.handoff.kick, account_id=auth.account.id)
    # After the commit (background tasks run once the response is sent): push the
    # erased pages out of SQLite's WAL (issue 13, docs/security.md).
    background.add_task(checkpoint_after_erasure, services.engine)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/admin/accounts",
    status_code=status.HTTP_201_CREATED,
    response_model=AccountOut,
    tags=["admin"],
    responses=error_responses(401, 403, 409, 422, 503, examples=[_EMAIL_TAKEN]),
)
async def create_account(
    body: AccountCreateBody, _admin: AdminDep, services: ServicesDep, session: SessionDep
) -> AccountOut:
    """Admins create volunteer, admin or user accounts."""
    account = await auth_service.create_account(
        session=session,
        passwords=services.passwords,
        email=body.email,
        password=body.password,
        role=body.role,
        languages=body.languages,
    )
    return _account_out(account)
