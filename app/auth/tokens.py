"""Short-lived JWT access tokens and opaque refresh tokens (stored only as a SHA-256 hash)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from app.errors import NotAuthenticatedError

ALGORITHM = "HS256"


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
            raise NotAuthenticatedError(
                "Your session has expired. Please sign in again."
            ) from error
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


def new_refresh_token() -> str:
    """A random opaque refresh token."""
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    """SHA-256 of a refresh token (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()
