"""Retained photos: face-blurred, metadata-free, expiring, purged; on a migrated database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncEngine
from support import require_photos_dir

from app.auth.passwords import PasswordService
from app.auth.service import create_account
from app.db import descriptions_repo
from app.db.engine import create_session_factory, transaction
from app.db.migrate import upgrade_database
from app.describe.retention import PhotoStore, purge_expired
from models.analyzers.faces import FaceDetector

FACE_PHOTO = "VizWiz_test_00000045.jpg"  # a painted portrait


def face_image() -> np.ndarray:
    with Image.open(require_photos_dir() / FACE_PHOTO) as image:
        return np.asarray(image.convert("RGB"))


def test_saved_copy_is_blurred_metadata_free_and_expires(tmp_path: Path) -> None:
    detector = FaceDetector()
    image = face_image()
    assert detector.detect(image), "the test photo must contain a detectable face"
    store = PhotoStore(directory=tmp_path, retain_hours=2, detector=detector)
    now = datetime.now(UTC)
    stored = store.save(description_id="abc", image=image, now=now)
    assert stored is not None
    assert stored.expires_at == now + timedelta(hours=2)
    with Image.open(stored.path) as saved:
        assert not saved.getexif()
        assert "icc_profile" not in saved.info and "xmp" not in saved.info
        assert detector.detect(np.asarray(saved.convert("RGB"))) == ()


def test_nothing_is_saved_when_retention_is_off(tmp_path: Path) -> None:
    store = PhotoStore(directory=tmp_path, retain_hours=None, detector=FaceDetector())
    assert store.save(description_id="abc", image=face_image(), now=datetime.now(UTC)) is None
    assert list(tmp_path.iterdir()) == []


async def test_purge_deletes_only_expired_photos(empty_engine: AsyncEngine, tmp_path: Path) -> None:
    await upgrade_database(empty_engine)
    sessions = create_session_factory(empty_engine)
    store = PhotoStore(directory=tmp_path, retain_hours=1, detector=FaceDetector())
    image = np.zeros((32, 32, 3), dtype=np.uint8)
    now = datetime.now(UTC)
    async with transaction(sessions) as session:
        owner = await create_account(session=session, passwords=PasswordService(), email="a@example.org",
                                     password="long password")
        paths = {}
        for name, age in (("old", timedelta(hours=3)), ("new", timedelta(0))):
            description = await descriptions_repo.add_description(
                session, owner_id=owner.id, question=None, detail="brief", language="en",
                result={"text": name}, analysis={"width": 32, "height": 32},
            )
            stored = store.save(description_id=description.id, image=image, now=now - age)
            assert stored is not None
            description.photo_path, description.photo_expires_at = str(stored.path), stored.expires_at
            paths[name] = stored.path
    assert await purge_expired(sessions=sessions, now=now) == 1
    assert not paths["old"].exists()
    assert paths["new"].exists()
