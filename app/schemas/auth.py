"""Bodies of `/v1/auth/*`, `/v1/me` and `/v1/admin/accounts`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from app.schemas.fields import (
    Email,
    LanguageTags,
    LoginName,
    NewPassword,
    OneLine,
    Password,
    RefreshToken,
)

Role = Literal["user", "volunteer", "admin"]


class RegisterBody(BaseModel):
    """A new user account."""

    email: Email = Field(
        description="Email address; also the login name.",
        examples=["ana@example.org"],
    )
    password: NewPassword = Field(
        description="Between 8 and 1024 characters; not blank, not the email, not a common password.",
        examples=["correct horse battery staple"],
    )
    languages: LanguageTags = Field(
        default_factory=lambda: ["en"],
        description="BCP 47 tags of the languages the person speaks, most preferred first "
        "(1 to 8, at most 64 characters joined by commas).",
        examples=[["en", "ja"]],
    )


class AccountCreateBody(RegisterBody):
    """An account created by an admin, with a role."""

    role: Role = Field(default="user", description="`user`, `volunteer` or `admin`.")


class TokenForm(BaseModel):
    """OAuth2 password flow (RFC 6749 §4.3), sent as `application/x-www-form-urlencoded`."""

    grant_type: Literal["password"] | None = Field(
        default=None, description="`password` when sent; may be left out."
    )
    username: LoginName = Field(
        description="The account's email address.", examples=["ana@example.org"]
    )
    password: Password = Field(description="The account's password.")
    scope: OneLine = Field(default="", description="Unused; accepted for OAuth2 clients.")


class RefreshBody(BaseModel):
    """A refresh token to exchange for a new pair."""

    refresh_token: RefreshToken = Field(
        description="The refresh token from the last login or refresh."
    )


class AccountOut(BaseModel):
    """An account as its owner (or an admin) sees it; never the password hash."""

    id: str = Field(description="Account id (UUID).", examples=["7b1e0f7c-3a52-4c1e-9d0a-2f5b8e1c4d6a"])
    email: str = Field(description="Email address.", examples=["ana@example.org"])
    role: Role = Field(description="`user`, `volunteer` or `admin`.")
    languages: list[str] = Field(
        description="BCP 47 tags of the languages the person speaks.", examples=[["en"]]
    )


class TokenOut(BaseModel):
    """An access token for `Authorization: Bearer` and a refresh token to renew it."""

    access_token: str = Field(description="Short-lived JWT for `Authorization: Bearer …`.")
    refresh_token: str = Field(
        description="Opaque token for `POST /v1/auth/refresh`; each use returns a new one."
    )
    token_type: Literal["bearer"] = Field(
        default="bearer", description="Always `bearer` (OAuth2 token type)."
    )
    expires_in: int = Field(description="Seconds until the access token expires.", examples=[900])
