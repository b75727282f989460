"""Short-lived JWT access tokens and opaque refresh tokens (stored only as a SHA-256 hash).

A refresh token reads `<login session id>.<random>`: the session id names the
token's family (every token rotated from one login), so that presenting a
token that was already rotated away can revoke the whole family (OAuth 2.0
Security BCP, refresh token rotation). The id is not a secret (access tokens
carry it as `sid`); the random part is."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from app.errors import NotAuthenticatedError

ALGORITHM = "HS256"
_SESSION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class AccessClaims:
    """What an access token says: the account, its role and the login session."""

    account_id: str
    role: str
    session_id: str


class TokenService:
    """Issues and checks tokens with the signing secret from Settings."""

    def __init__(self, *, secret: str, access_ttl: timedelta) -> None:
        self._secret = secret
        self._access_ttl = access_ttl

    def issue_access_token(
        self, *, account_id: str, role: str, session_id: str, now: datetime
    ) -> str:
        """Sign an access token valid for the configured minutes."""
        payload = {
            "sub": account_id,
            "role": role,
            "sid": session_id,
            "iat": int(now.timestamp()),
            "exp": int((now + self._access_ttl).timestamp()),
            "typ": "access",
        }
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM)

    def decode_access_token(self, token: str) -> AccessClaims:
        """Verify signature, expiry and type; raise NotAuthenticatedError otherwise."""
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options={"require": ["exp", "sub", "sid"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise NotAuthenticatedError(key="error.session_expired") from error
        except jwt.PyJWTError as error:
            raise NotAuthenticatedError() from error
        if payload.get("typ") != "access":
            raise NotAuthenticatedError()
        return AccessClaims(
            account_id=str(payload["sub"]),
            role=str(payload.get("role", "user")),
            session_id=str(payload["sid"]),
        )

    @property
    def access_ttl(self) -> timedelta:
        """How long access tokens live."""
        return self._access_ttl


def new_refresh_token(session_id: str) -> str:
    """A random opaque refresh token of the login session `session_id`."""
    return f"{session_id}.{secrets.token_urlsafe(32)}"


def refresh_token_session_id(token: str) -> str | None:
    """The login session a refresh token names, or None for a token of another shape."""
    session_id, separator, random_part = token.partition(".")
    if separator and random_part and _SESSION_ID.fullmatch(session_id):
        return session_id
    return None


def hash_refresh_token(token: str) -> str:
    """SHA-256 of a refresh token (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()
