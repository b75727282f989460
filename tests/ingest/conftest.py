"""Fixtures for the ingest tests: the shared real photos and generated images."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_PHOTOS = REPO_ROOT / "qa" / "photos" / "vizwiz"  # in the repository (CC BY 4.0)


def shared_photo_paths() -> list[Path]:
    """All shared VizWiz photos; fails (never skips) when the folder is missing."""
    paths = sorted(SHARED_PHOTOS.glob("*.jpg"))
    if not paths:
        pytest.fail(
            f"The shared test photos are missing: expected JPEG files in {SHARED_PHOTOS}. "
            "They are part of the repository (qa/photos/vizwiz)."
        )
    return paths


@pytest.fixture(scope="session")
def vizwiz_photos() -> list[Path]:
    """Paths of the 70 real photos taken by blind users."""
    return shared_photo_paths()
