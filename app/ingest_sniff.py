"""Recognise an uploaded file's format from its first bytes.

The client's content type and file name are never trusted: phones label HEIC
files as JPEG, and anyone can label anything as anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PhotoFormat = Literal["jpeg", "png", "heif"]

# Major brands that libheif decodes as HEVC-coded HEIF (the same list as
# pillow-heif's own check, so whatever we accept its opener also accepts).
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)
_AVIF_BRANDS = frozenset({b"avif", b"avis"})

# Formats we refuse, named so that the user hears what they sent.
_KNOWN_OTHERS: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"%PDF", "a PDF document"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x00\x00\x01\x00", "an icon file"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"<?xml", "an XML or SVG file"),
    (b"<svg", "an SVG drawing"),
)


@dataclass(frozen=True, slots=True)
class SniffResult:
    """What the first bytes say: a format we decode, or a spoken name of what it is."""

    format: PhotoFormat | None
    description: str


def sniff_format(head: bytes) -> SniffResult:
    """Identify JPEG, PNG or HEIF from magic bytes; otherwise describe what the file is."""
    if head.startswith(b"\xff\xd8\xff"):
        return SniffResult("jpeg", "a JPEG photo")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return SniffResult("png", "a PNG image")
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return SniffResult("heif", "a HEIC photo")
        if brand in _AVIF_BRANDS:
            return SniffResult(None, "an AVIF image")
        return SniffResult(None, "a video or other media file")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return SniffResult(None, "a WebP image")
    for magic, description in _KNOWN_OTHERS:
        if head.startswith(magic):
            return SniffResult(None, description)
    if _looks_like_text(head):
        return SniffResult(None, "a text file")
    return SniffResult(None, "a file that is not a photo")


def _looks_like_text(head: bytes) -> bool:
    """True when the sample decodes as UTF-8 with no control characters but whitespace."""
    try:
        text = head[:512].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\r\n\t" for ch in text)
