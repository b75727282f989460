"""Photos for API tests: real shared photos and generated bad inputs."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image
from support import require_photos_dir

LABEL_PHOTO = "VizWiz_test_00000046.jpg"  # a can: KIRKLAND SLICED PEACHES
MEDICINE_PHOTO = "VizWiz_test_00000033.jpg"  # Robitussin cough & cold bottle
CAPTCHA_PHOTO = "VizWiz_test_00000068.jpg"  # a CAPTCHA page on a phone


def shared_photo(name: str) -> bytes:
    """Bytes of one of the shared photos."""
    return (require_photos_dir() / name).read_bytes()


def small_jpeg(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small valid JPEG."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def huge_png(width: int = 20000, height: int = 20000) -> bytes:
    """A valid 1-bit PNG of width×height that compresses to a few hundred KB."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def files(photo: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> dict[str, tuple[str, bytes, str]]:
    """The multipart `files=` argument for httpx."""
    return {"photo": (name, photo, content_type)}


def photos_folder() -> Path:
    """The shared photos folder."""
    return require_photos_dir()
