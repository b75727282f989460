"""Helpers shared by every test folder: the photos in the repository and the test service URLs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# The 70 VizWiz photos (CC BY 4.0) live in the repository, beside their attribution.
PHOTOS_DIR = REPO_ROOT / "qa" / "photos" / "vizwiz"


def require_photos_dir() -> Path:
    """The photos folder; fails (never skips) with a clear message when it is missing."""
    if not (PHOTOS_DIR / "questions.json").exists():
        pytest.fail(
            f"The photos are missing: expected {PHOTOS_DIR} (part of the repository).",
            pytrace=False,
        )
    return PHOTOS_DIR


def postgres_url() -> str | None:
    """SQLAlchemy URL of the test PostgreSQL server, when configured (CI always sets it)."""
    return os.environ.get("SIGHTLINE_TEST_POSTGRES_URL") or None


def redis_url() -> str | None:
    """URL of the test Redis server, when configured (CI always sets it)."""
    return os.environ.get("SIGHTLINE_TEST_REDIS_URL") or None


def require_service_url(url: str | None, variable: str, service: str) -> str:
    """The URL of a test service; fails in CI when it is not configured, skips elsewhere
    (the README's test command runs on machines without PostgreSQL or Redis)."""
    if url is None:
        if os.environ.get("CI"):
            pytest.fail(f"{variable} must be set in CI", pytrace=False)
        pytest.skip(f"{service} not configured (set {variable})")
    return url


def require_postgres_url() -> str:
    """The test PostgreSQL URL, or fail (CI) / skip (elsewhere)."""
    return require_service_url(postgres_url(), "SIGHTLINE_TEST_POSTGRES_URL", "PostgreSQL")


def require_redis_url() -> str:
    """The test Redis URL, or fail (CI) / skip (elsewhere)."""
    return require_service_url(redis_url(), "SIGHTLINE_TEST_REDIS_URL", "Redis")
