"""Account rules: register, log in, refresh, log out, authenticate. Knows nothing of HTTP."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.password_policy import check_new_password
from app.auth.passwords import PasswordService
from app.auth.tokens import (
    TokenService,
    hash_refresh_token,
    new_refresh_token,
    refresh_token_session_id,
)
from app.db import accounts_repo
from app.db.tables import Account, new_id
from app.errors import ConflictError, NotAuthenticatedError, ValidationFailedError
from app.schemas import fields

Role = Literal["user", "volunteer", "admin"]
ROLES: tuple[Role, ...] = ("user", "volunteer", "admin")
# The request models' pattern (app/schemas/fields.py), so that both say the same.
EMAIL_PATTERN = re.compile(fields.EMAIL_PATTERN)
# A BCP 47 tag, simplified: a 2-3 letter language and subtags (script, region, variants).
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
MAX_LANGUAGES = 8
LANGUAGES_COLUMN_LENGTH = 64
logger = logging.getLogger(__name__)


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
    """Refuse malformed emails and passwords the policy refuses (app.auth.password_policy)."""
    if not EMAIL_PATTERN.match(email) or len(email) > 320:
        raise ValidationFailedError(key="error.email_invalid")
    check_new_password(password, email=email)


def account_languages(languages: Sequence[str] | str) -> str:
    """The stored form of an account's languages: well-formed tags, once each, comma-joined.

    A string is one tag, never a list: "en,fr" is refused rather than split."""
    items = [languages] if isinstance(languages, str) else list(languages)
    tags: list[str] = []
    for item in items:
        tag = item.strip()
        if not LANGUAGE_TAG.fullmatch(tag):
            raise ValidationFailedError(
                "Missing or invalid fields: languages (each entry is one language tag, such as en or pt-BR)."
            )
        if tag.lower() not in (known.lower() for known in tags):
            tags.append(tag)
    stored = ",".join(tags)
    if not tags or len(tags) > MAX_LANGUAGES or len(stored) > LANGUAGES_COLUMN_LENGTH:
        raise ValidationFailedError(
            f"Missing or invalid fields: languages (1 to {MAX_LANGUAGES} language tags)."
        )
    return stored


async def create_account(
    *,
    session: AsyncSession,
    passwords: PasswordService,
    email: str,
    password: str,
    role: Role = "user",
    languages: Sequence[str] = ("en",),
) -> Account:
    """Create an account; ConflictError when the email is taken."""
    validate_credentials(email=email, password=password)
    if role not in ROLES:
        raise ValidationFailedError("Unknown role.")
    stored_languages = account_languages(languages)
    # Hash before the first query: the session takes a database connection at its
    # first query and keeps it to the end, and a hash must not hold one. It also
    # makes a taken email cost the same as a new one, so the answer's timing does
    # not tell which emails have accounts.
    password_hash = await passwords.hash_password(password)
    return await _add_account_unless_taken(
        session, email=email, password_hash=password_hash, role=role, languages=stored_languages
    )


EMAIL_TAKEN_DETAIL = (
    "An account with this email already exists. Sign in instead, or register with another email."
)


async def _add_account_unless_taken(
    session: AsyncSession, *, email: str, password_hash: str, role: str, languages: str
) -> Account:
    """Insert the account; ConflictError (409) when the email is taken (see docs/security.md
    for why registration says so)."""
    if await accounts_repo.get_account_by_email(session, email=email):
        raise ConflictError(key="error.email_taken")
    try:
        return await accounts_repo.add_account(
            session, email=email, password_hash=password_hash, role=role, languages=languages
        )
    except IntegrityError as error:  # a concurrent registration won the race
        raise ConflictError(key="error.email_taken") from error


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
        raise NotAuthenticatedError(key="error.wrong_password")
    return await _open_session(
        session=session, tokens=tokens, account=account, refresh_ttl=refresh_ttl
    )


async def refresh(
    *, session: AsyncSession, tokens: TokenService, refresh_token: str, refresh_ttl: timedelta
) -> TokenPair:
    """Rotate a refresh token: the old one stops working, a new pair is returned.

    Presenting a token that was already rotated away revokes its whole login
    session (see `_revoke_family_on_reuse`)."""
    now = datetime.now(UTC)
    auth_session = await accounts_repo.get_auth_session_by_refresh_hash(
        session, refresh_token_hash=hash_refresh_token(refresh_token), for_update=True
    )
    if auth_session is None:
        await _revoke_family_on_reuse(session, refresh_token=refresh_token, now=now)
        raise NotAuthenticatedError(key="error.session_ended")
    if auth_session.revoked_at is not None or auth_session.expires_at <= now:
        raise NotAuthenticatedError(key="error.session_ended")
    account = await accounts_repo.get_account(session, account_id=auth_session.account_id)
    if account is None:
        raise NotAuthenticatedError()
    new_token = new_refresh_token(auth_session.id)
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


async def _revoke_family_on_reuse(
    session: AsyncSession, *, refresh_token: str, now: datetime
) -> None:
    """A refresh token that names a login session but is not its current token was
    rotated away (or forged by someone who knows the session id, i.e. holds its
    access token). Either the legitimate client or an attacker holds the newer
    token, and we cannot tell which: end the session for both (OAuth 2.0 Security
    BCP, section 4.14.2)."""
    session_id = refresh_token_session_id(refresh_token)
    if session_id is None:
        return
    if await accounts_repo.revoke_auth_session(session, session_id=session_id, now=now):
        # Committed here: the 401 that follows rolls the request's transaction back.
        await session.commit()
        logger.warning("rotated refresh token reused; login session revoked",
                       extra={"session_id": session_id})


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
        raise NotAuthenticatedError(key="error.session_ended")
    account = await accounts_repo.get_account(session, account_id=claims.account_id)
    if account is None:
        raise NotAuthenticatedError()
    return AuthContext(account=account, session_id=auth_session.id)


async def _open_session(
    *, session: AsyncSession, tokens: TokenService, account: Account, refresh_ttl: timedelta
) -> TokenPair:
    now = datetime.now(UTC)
    session_id = new_id()
    refresh_token = new_refresh_token(session_id)
    auth_session = await accounts_repo.add_auth_session(
        session,
        account_id=account.id,
        refresh_token_hash=hash_refresh_token(refresh_token),
        expires_at=now + refresh_ttl,
        session_id=session_id,
    )
    return TokenPair(
        access_token=tokens.issue_access_token(
            account_id=account.id, role=account.role, session_id=auth_session.id, now=now
        ),
        refresh_token=refresh_token,
        expires_in=int(tokens.access_ttl.total_seconds()),
    )
