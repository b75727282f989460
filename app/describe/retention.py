"""Retained photos: only when enabled, only a face-blurred, metadata-free JPEG, always with an expiry.

The methods here block (face detection, file I/O); callers run them off the
event loop: saving in the CPU pool, reading and deleting in the file pool
(docs/concurrency.md).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import descriptions_repo
from app.db.engine import transaction
from app.ingest import encode_jpeg
from app.work_bounds import OffloadPool, run_off_loop
from models.analyzers.faces import FaceDetector
from safety.face_blur import blur_faces

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredPhoto:
    """Where a retained copy lives and when it must be gone."""

    path: Path
    expires_at: datetime


class PhotoStore:
    """Writes and deletes retained copies under the data directory."""

    def __init__(
        self, *, directory: Path, retain_hours: float | None, detector: FaceDetector
    ) -> None:
        self._directory = directory
        self._retain = timedelta(hours=retain_hours) if retain_hours else None
        self._detector = detector

    @property
    def enabled(self) -> bool:
        """True when SIGHTLINE_RETAIN_PHOTOS_HOURS is set."""
        return self._retain is not None

    def save(
        self, *, description_id: str, image: np.ndarray[Any, Any], now: datetime
    ) -> StoredPhoto | None:
        """Blur faces, encode without metadata and write; None when retention is off."""
        if self._retain is None:
            return None
        blurred = blur_faces(image, detector=self._detector).image
        self._directory.mkdir(parents=True, exist_ok=True)
        path = self._directory / f"{description_id}.jpg"
        temporary = path.with_suffix(".tmp")
        try:
            temporary.write_bytes(encode_jpeg(blurred))
            temporary.replace(path)
        except OSError:
            # A full disk leaves a partial file that nothing would ever purge.
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        return StoredPhoto(path=path, expires_at=now + self._retain)

    def load(self, path: str | None) -> np.ndarray[Any, Any] | None:
        """Read a retained copy back as RGB, or None when it is gone."""
        if not path:
            return None
        try:
            with Image.open(path) as image:
                return np.asarray(image.convert("RGB"))
        except OSError:
            return None

    def delete(self, path: str | None) -> None:
        """Remove a retained copy if it exists."""
        delete_photo(path)


def delete_photo(path: str | None) -> None:
    """Remove a retained copy if it exists (needs no PhotoStore, so no face detector)."""
    if path:
        with contextlib.suppress(FileNotFoundError):
            Path(path).unlink()


def delete_photos(paths: Sequence[str | None]) -> None:
    """Remove several retained copies (one job for the file pool)."""
    for path in paths:
        delete_photo(path)


async def purge_expired(
    *,
    sessions: async_sessionmaker[AsyncSession],
    now: datetime | None = None,
    files: OffloadPool | None = None,
) -> int:
    """Delete expired photos (file first, then the reference) and expired idempotency keys.

    Files are deleted in `files` (or a default thread when there is no pool)."""
    now = now or datetime.now(UTC)
    async with transaction(sessions) as session:
        expired = await descriptions_repo.list_expired_photos(session, now=now)
        await run_off_loop(files, delete_photos, [row.photo_path for row in expired])
        for description in expired:
            description.photo_path = None
            description.photo_expires_at = None
            description.result = {**description.result, "photo_retained_until": None}
        await descriptions_repo.delete_expired_idempotency_records(session, now=now)
    if expired:
        logger.info("purged expired photos", extra={"count": len(expired)})
    return len(expired)
