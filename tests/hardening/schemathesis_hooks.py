"""Schemathesis hooks for tests/hardening/test_schemathesis.py (loaded by the CLI through
SCHEMATHESIS_HOOKS; not a test module).

- Auth: an admin's token, so that every operation, admin ones included, is tested
  signed in. The two operations that end their own token get a fresh one for each
  case: `POST /v1/auth/logout` a new login of the admin, `DELETE /v1/me` a new user
  (it erases the account it is called with).
- Languages: a positive case keeps only as many of its `languages` as fit the column
  once joined by commas (64 characters). It is the one rule of the API that JSON
  Schema cannot state (a bound on the sum of the items' lengths); the server answers
  422 for a list over it, which tests/hardening/test_hardening_inputs.py checks.
- Photos: a positive case of `POST /v1/descriptions` sends a real photo. The schema can
  say "binary", not "a JPEG, PNG or HEIC that decodes", so random bytes would be 415
  for a reason the document cannot state; negative cases keep whatever was generated.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from schemathesis import GenerationMode

BASE_URL = os.environ["SIGHTLINE_ST_BASE_URL"]
ADMIN_EMAIL = os.environ["SIGHTLINE_ST_ADMIN_EMAIL"]
PASSWORD = os.environ["SIGHTLINE_ST_PASSWORD"]
PHOTO = Path(os.environ["SIGHTLINE_ST_PHOTO"]).read_bytes()


def _log_in(email: str) -> str:
    reply = httpx.post(f"{BASE_URL}/v1/auth/token", data={"username": email, "password": PASSWORD},
                       timeout=60)
    reply.raise_for_status()
    return str(reply.json()["access_token"])


def _new_user() -> str:
    email = f"st-{uuid.uuid4().hex[:12]}@example.org"
    httpx.post(f"{BASE_URL}/v1/auth/register", json={"email": email, "password": PASSWORD},
               timeout=60).raise_for_status()
    return email


@schemathesis.auth(refresh_interval=None)
class SightlineAuth:
    """Bearer tokens as described in the module docstring."""

    admin_token: str | None = None

    def get(self, case: Any, context: Any) -> str:
        operation = (case.operation.method.upper(), case.operation.path)
        if operation == ("DELETE", "/v1/me"):
            return _log_in(_new_user())
        if operation == ("POST", "/v1/auth/logout"):
            return _log_in(ADMIN_EMAIL)
        if SightlineAuth.admin_token is None:
            SightlineAuth.admin_token = _log_in(ADMIN_EMAIL)
        return SightlineAuth.admin_token

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    """A real photo in positive describe cases."""
    meta = getattr(case, "meta", None)
    positive = meta is not None and meta.generation.mode == GenerationMode.POSITIVE
    if positive and isinstance(case.body, dict) and "photo" in case.body:
        case.body = {**case.body, "photo": PHOTO}
    if positive and isinstance(case.body, dict) and isinstance(case.body.get("languages"), list):
        case.body = {**case.body, "languages": _fitting(case.body["languages"])}
    return case


def _fitting(tags: list[str]) -> list[str]:
    kept: list[str] = []
    for tag in tags:
        if tag.lower() in {each.lower() for each in kept}:
            continue
        if len(",".join([*kept, tag])) > 64:
            break
        kept.append(tag)
    return kept
