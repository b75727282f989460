"""Fixtures shared by every test folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import require_photos_dir


@pytest.fixture(scope="session")
def photos_dir() -> Path:
    """Folder with the 70 VizWiz photos and questions.json."""
    return require_photos_dir()


@pytest.fixture(scope="session")
def photo_questions(photos_dir: Path) -> dict[str, str]:
    """Photo file name → the question its blind photographer asked."""
    items = json.loads((photos_dir / "questions.json").read_text())
    return {item["image"]: item["question"] for item in items}
