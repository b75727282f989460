"""Account rules: register, log in, refresh, log out, authenticate. Knows nothing of HTTP."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.passwords import PasswordService
from app.auth.tokens import TokenService, hash_refresh_token, new_refresh_token
from app.db import accounts_repo
from app.db.tables import Account
from app.errors import ConflictError, NotAuthenticatedError, ValidationFailedError

Role = Literal["user", "volunteer", "admin"]
ROLES: tuple[Role, ...] = ("user", "volunteer", "admin")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256


@dataclass(frozen=True)
class TokenPair:
    """What a successful login or refresh returns."""

    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret


@dataclass(frozen=True)
class AuthContext:
    """The authenticated caller of a request."""

    account: Account
    session_id: str


def validate_credentials(*, email: str, password: str) -> None:
    """Refuse malformed emails and too short or too long passwords."""
    if not EMAIL_PATTERN.match(email) or len(email) > 320:
        raise ValidationFailedError("Enter a valid email address.")
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise ValidationFailedError(
            f"The password must have between {MIN_PASSWORD_LENGTH} and {MAX_PASSWORD_LENGTH} characters."
        )


async def create_account(
    *,
    session: AsyncSession,
    passwords: PasswordService,
    email: str,
    password: str,
    role: Role = "user",
    languages: str = "en",
) -> Account:
    """Create an account; ConflictError when the email is taken."""
    validate_credentials(email=email, password=password)
    if role not in ROLES:
        raise ValidationFailedError("Unknown role.")
    # Hash before the first query: the session takes a database connection at its
    # first query and keeps it to the end, and a hash must not hold one.
    password_hash = await passwords.hash_password(password)
    if await accounts_repo.get_account_by_email(session, email=email):
        raise ConflictError("An account with this email already exists.")
    try:
        return await accounts_repo.add_account(
            session,
            email=email,
            password_hash=password_hash,
            role=role,
            languages=languages,
        )
    except IntegrityError as error:  # a concurrent registration won the race
        raise ConflictError("An account with this email already exists.") from error


async def log_in(
    *,
    session: AsyncSession,
    passwords: PasswordService,
    tokens: TokenService,
    email: str,
    password: str,
    refresh_ttl: timedelta,
) -> TokenPair:
    """Check the password (same cost for unknown accounts) and open a login session."""
    account = await accounts_repo.get_account_by_email(session, email=email)
    if (
        not await passwords.verify_password(account.password_hash if account else None, password)
        or account is None
    ):
        raise NotAuthenticatedError("The email or password is incorrect.")
    return await _open_session(
        session=session, tokens=tokens, account=account, refresh_ttl=refresh_ttl
    )


async def refresh(
    *, session: AsyncSession, tokens: TokenService, refresh_token: str, refresh_ttl: timedelta
) -> TokenPair:
    """Rotate a refresh token: the old one stops working, a new pair is returned."""
    now = datetime.now(UTC)
    auth_session = await accounts_repo.get_auth_session_by_refresh_hash(
        session, refresh_token_hash=hash_refresh_token(refresh_token), for_update=True
    )
    if (
        auth_session is None
        or auth_session.revoked_at is not None
        or auth_session.expires_at <= now
    ):
        raise NotAuthenticatedError("Your session has ended. Please sign in again.")
    account = await accounts_repo.get_account(session, account_id=auth_session.account_id)
    if account is None:
        raise NotAuthenticatedError()
    new_token = new_refresh_token()
    auth_session.refresh_token_hash = hash_refresh_token(new_token)
    auth_session.expires_at = now + refresh_ttl
    await session.flush()
    return TokenPair(
        access_token=tokens.issue_access_token(
            account_id=account.id, role=account.role, session_id=auth_session.id, now=now
        ),
        refresh_token=new_token,
        expires_in=int(tokens.access_ttl.total_seconds()),
    )


async def log_out(*, session: AsyncSession, session_id: str) -> None:
    """Revoke the login session: its access and refresh tokens stop working."""
    await accounts_repo.revoke_auth_session(session, session_id=session_id, now=datetime.now(UTC))


async def authenticate(
    *, session: AsyncSession, tokens: TokenService, access_token: str
) -> AuthContext:
    """Resolve a bearer token to its account; revoked sessions and deleted accounts fail."""
    claims = tokens.decode_access_token(access_token)
    auth_session = await accounts_repo.get_auth_session(session, session_id=claims.session_id)
    if (
        auth_session is None
        or auth_session.revoked_at is not None
        or auth_session.account_id != claims.account_id
    ):
        raise NotAuthenticatedError("Your session has ended. Please sign in again.")
    account = await accounts_repo.get_account(session, account_id=claims.account_id)
    if account is None:
        raise NotAuthenticatedError()
    return AuthContext(account=account, session_id=auth_session.id)


async def _open_session(
    *, session: AsyncSession, tokens: TokenService, account: Account, refresh_ttl: timedelta
) -> TokenPair:
    now = datetime.now(UTC)
    refresh_token = new_refresh_token()
    auth_session = await accounts_repo.add_auth_session(
        session,
        account_id=account.id,
        refresh_token_hash=hash_refresh_token(refresh_token),
        expires_at=now + refresh_ttl,
    )
    return TokenPair(
        access_token=tokens.issue_access_token(
            account_id=account.id, role=account.role, session_id=auth_session.id, now=now
        ),
        refresh_token=refresh_token,
        expires_in=int(tokens.access_ttl.total_seconds()),
    )
