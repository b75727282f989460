"""Builders for test images: written by hand where the point is exact bytes on disk."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    """One PNG chunk with its CRC."""
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def huge_blank_png(width: int, height: int) -> bytes:
    """A 1-bit greyscale PNG of width×height zero pixels, compressed row by row.

    A 20000×20000 image is 400 MP (1.2 GB as RGB) but only ~50 KB on disk; the
    whole raw image is never held in memory while building it.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grey
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte 0 + packed bits
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    idat = b"".join(parts)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def arrow_image(width: int = 300, height: int = 200) -> Image.Image:
    """An RGB image whose top-left quadrant is red and the rest white: shows orientation."""
    pixels = np.full((height, width, 3), 255, np.uint8)
    pixels[: height // 2, : width // 2] = (255, 0, 0)
    return Image.fromarray(pixels, "RGB")


def gps_exif(orientation: int) -> Image.Exif:
    """EXIF with an orientation and a GPS block (a real street corner's coordinates)."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    gps = {
        1: "N",
        2: (52.0, 22.0, 12.5),
        3: "E",
        4: (4.0, 53.0, 30.1),
    }
    exif[0x8825] = gps
    return exif


def jpeg_bytes(img: Image.Image, **params: object) -> bytes:
    """Encode as JPEG with extra save parameters (exif=..., icc_profile=...)."""
    buffer = io.BytesIO()
    img.save(buffer, format="JPEG", quality=92, **params)
    return buffer.getvalue()


def png_bytes(img: Image.Image, **params: object) -> bytes:
    """Encode as PNG with extra save parameters."""
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", **params)
    return buffer.getvalue()


def quadrant_colour(image: np.ndarray, quadrant: str) -> tuple[int, int, int]:
    """Mean colour of the centre of a quadrant ('tl', 'tr', 'bl', 'br')."""
    h, w = image.shape[:2]
    ys = slice(h // 8, 3 * h // 8) if quadrant[0] == "t" else slice(5 * h // 8, 7 * h // 8)
    xs = slice(w // 8, 3 * w // 8) if quadrant[1] == "l" else slice(5 * w // 8, 7 * w // 8)
    mean = image[ys, xs].reshape(-1, 3).mean(axis=0)
    return (int(mean[0]), int(mean[1]), int(mean[2]))


def linear_rgb_icc_profile() -> bytes:
    """A minimal ICC v2 RGB display profile: sRGB primaries with a linear (gamma 1) curve.

    Not sRGB, so decode_photo must convert through it: a linear grey of 128
    becomes about 188 in sRGB. Built by hand because Pillow can only create
    sRGB, LAB and XYZ profiles.
    """

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + b"\x00" * 4 + s15(x) + s15(y) + s15(z)

    text = b"Linear RGB test profile\x00"
    desc = (
        b"desc"
        + b"\x00" * 4
        + struct.pack(">I", len(text))
        + text
        + b"\x00" * 8  # no Unicode description
        + b"\x00" * 3  # no ScriptCode description
        + b"\x00" * 67
    )
    gamma_one = (
        b"curv" + b"\x00" * 4 + struct.pack(">I", 1) + struct.pack(">H", 0x0100) + b"\x00\x00"
    )
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.4361, 0.2225, 0.0139)),
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", gamma_one),
        (b"gTRC", gamma_one),
        (b"bTRC", gamma_one),
    ]
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    table = struct.pack(">I", len(tags))
    data = b""
    for signature, payload in tags:
        padded = payload + b"\x00" * (-len(payload) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(payload))
        data += padded
    size = 128 + table_size + len(data)
    header = (
        struct.pack(">I", size)
        + b"\x00" * 4  # preferred CMM
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + b"\x00" * 12  # date
        + b"acsp"
        + b"\x00" * 24  # platform, flags, manufacturer, model, attributes
        + b"\x00" * 4  # rendering intent
        + s15(0.9642)
        + s15(1.0)
        + s15(0.8249)
        + b"\x00" * 4  # creator
        + b"\x00" * 44  # profile id and reserved
    )
    assert len(header) == 128
    return header + table + data
