"""Only JPEG, PNG and HEIC/HEIF are decoded; the format comes from the bytes, not the name."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from app.errors import UnsupportedMediaTypeError
from app.ingest import decode_photo
from app.ingest_sniff import sniff_format

from .images import arrow_image


def saved_as(fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    arrow_image().save(buffer, format=fmt, **params)
    return buffer.getvalue()


AVIF_HEADER = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 64
MP4_HEADER = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "data", "spoken"),
    [
        ("gif", saved_as("GIF"), "a GIF image"),
        ("webp", saved_as("WEBP"), "a WebP image"),
        ("bmp", saved_as("BMP"), "a BMP image"),
        ("tiff", saved_as("TIFF"), "a TIFF image"),
        ("pdf", saved_as("PDF"), "a PDF document"),
        ("avif", AVIF_HEADER, "an AVIF image"),
        ("mp4", MP4_HEADER, "a video"),
        ("text", b"What does this box say?\n", "a text file"),
        ("svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG"),
        ("random", bytes(range(256)) * 4, "not a photo"),
    ],
)
def test_other_formats_are_refused_with_415(name: str, data: bytes, spoken: str):
    with pytest.raises(UnsupportedMediaTypeError) as exc:
        decode_photo(data)
    assert exc.value.status_code == 415
    assert spoken in exc.value.detail
    assert "JPEG, PNG or HEIC" in exc.value.detail


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff\xd8\xff\xe0rest", "jpeg"),
        (b"\x89PNG\r\n\x1a\nrest", "png"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heif"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "heif"),
        (b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00", None),
        (b"\xff\xd8", None),  # too short to be a JPEG
        (b"PNG", None),
        (b"", None),
    ],
)
def test_sniffing_table(data: bytes, expected: str | None):
    assert sniff_format(data).format == expected


def test_a_png_named_and_labelled_jpeg_is_still_a_png():
    # Only bytes reach decode_photo: a wrong label cannot change the decoder.
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="PNG")
    assert decode_photo(buffer.getvalue()).format == "png"
