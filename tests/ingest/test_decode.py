"""decode_photo and encode_jpeg on real photos and on generated edge cases."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from app.errors import UnprocessablePhotoError
from app.ingest import (
    MSG_DAMAGED,
    MSG_EMPTY,
    MSG_TRUNCATED,
    decode_photo,
    encode_jpeg,
    register_heif_opener_once,
)

from .images import (
    arrow_image,
    gps_exif,
    jpeg_bytes,
    linear_rgb_icc_profile,
    png_bytes,
    quadrant_colour,
)

RED = (255, 0, 0)
WHITE = (255, 255, 255)


def assert_close(actual: tuple[int, int, int], expected: tuple[int, int, int], tol: int = 12):
    assert all(abs(a - e) <= tol for a, e in zip(actual, expected, strict=True)), (
        f"colour {actual} is not close to {expected}"
    )


def assert_clean_array(photo, max_side: int = 1600) -> None:
    image = photo.image
    assert image.dtype == np.uint8
    assert image.ndim == 3 and image.shape[2] == 3
    assert image.shape[:2] == (photo.height, photo.width)
    assert max(photo.width, photo.height) <= max_side
    assert image.flags.c_contiguous and not image.flags.writeable


# ---------------------------------------------------------------- real photos


def test_every_shared_photo_decodes_upright_and_matches_a_reference(vizwiz_photos: list[Path]):
    assert len(vizwiz_photos) >= 70
    rotated = 0
    for path in vizwiz_photos:
        data = path.read_bytes()
        photo = decode_photo(data)
        assert_clean_array(photo)
        assert photo.format == "jpeg"
        with Image.open(path) as original:
            rotated += original.getexif().get(0x0112, 1) != 1
            reference = ImageOps.exif_transpose(original.convert("RGB"))
        assert (photo.original_width, photo.original_height) == reference.size, path.name
        expected = np.asarray(
            reference.resize((photo.width, photo.height), Image.Resampling.LANCZOS)
        )
        diff = np.abs(expected.astype(np.int16) - photo.image.astype(np.int16)).mean()
        assert diff < 4.0, f"{path.name}: mean difference {diff:.1f} from the reference"
    assert rotated > 0, "the shared set should contain photos with an EXIF rotation"


def test_large_real_photo_is_downscaled_to_the_analysis_size(vizwiz_photos: list[Path]):
    biggest = max(vizwiz_photos, key=lambda p: Image.open(p).size[0] * Image.open(p).size[1])
    photo = decode_photo(biggest.read_bytes(), analysis_max_side=800)
    assert max(photo.width, photo.height) == 800
    assert max(photo.original_width, photo.original_height) > 800


# ---------------------------------------------------------------- orientation and metadata


@pytest.mark.parametrize(
    ("orientation", "size", "red_at"),
    [(1, (300, 200), "tl"), (3, (300, 200), "br"), (6, (200, 300), "tr"), (8, (200, 300), "bl")],
)
def test_jpeg_exif_orientation_is_applied(orientation, size, red_at):
    data = jpeg_bytes(arrow_image(), exif=gps_exif(orientation).tobytes())
    photo = decode_photo(data)
    assert (photo.width, photo.height) == size
    assert (photo.original_width, photo.original_height) == size
    assert_close(quadrant_colour(photo.image, red_at), RED, tol=20)
    for other in {"tl", "tr", "bl", "br"} - {red_at}:
        assert_close(quadrant_colour(photo.image, other), WHITE, tol=20)


def test_reencoded_photo_has_no_exif_gps_xmp_or_icc():
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><GPSLatitude>52,22N</GPSLatitude></x:xmpmeta>'
    data = jpeg_bytes(arrow_image(), exif=gps_exif(6).tobytes(), icc_profile=srgb, xmp=xmp)
    # The input really carries what must be stripped (so this test can fail).
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825), "the input should have a GPS block"
        assert "icc_profile" in original.info
    assert b"GPSLatitude" in data

    photo = decode_photo(data)
    out = encode_jpeg(photo.image)
    with Image.open(io.BytesIO(out)) as clean:
        assert clean.format == "JPEG"
        assert len(clean.getexif()) == 0
        assert "icc_profile" not in clean.info
        assert "exif" not in clean.info and "xmp" not in clean.info
        assert clean.size == (200, 300)
    assert b"Exif\x00\x00" not in out
    assert b"GPSLatitude" not in out and b"PhoneMaker" not in out
    assert b"ICC_PROFILE" not in out


def test_encode_jpeg_rejects_a_non_rgb_array():
    with pytest.raises(ValueError):
        encode_jpeg(np.zeros((4, 4), np.uint8))


@pytest.mark.parametrize("encode", [jpeg_bytes, png_bytes])
def test_embedded_icc_profile_is_converted_to_srgb(encode):
    grey = Image.new("RGB", (40, 40), (128, 128, 128))
    plain = decode_photo(encode(grey))
    tagged = decode_photo(encode(grey, icc_profile=linear_rgb_icc_profile()))
    assert_close(quadrant_colour(plain.image, "tl"), (128, 128, 128), tol=1)
    # Linear 0.5 is sRGB 188: the profile was honoured, then dropped with the rest.
    assert_close(quadrant_colour(tagged.image, "tl"), (188, 188, 188), tol=2)


def test_unusable_icc_profile_is_ignored():
    data = jpeg_bytes(arrow_image(), icc_profile=b"not a profile" * 20)
    photo = decode_photo(data)
    assert_close(quadrant_colour(photo.image, "tl"), RED, tol=20)


# ---------------------------------------------------------------- PNG, HEIC and colour modes


def test_png_is_decoded_and_downscaled():
    big = arrow_image(3000, 2000)
    photo = decode_photo(png_bytes(big))
    assert photo.format == "png"
    assert (photo.width, photo.height) == (1600, 1067)
    assert (photo.original_width, photo.original_height) == (3000, 2000)
    assert_clean_array(photo)
    assert_close(quadrant_colour(photo.image, "tl"), RED, tol=2)


def test_png_exif_orientation_is_applied():
    photo = decode_photo(png_bytes(arrow_image(), exif=gps_exif(6).tobytes()))
    assert (photo.width, photo.height) == (200, 300)
    assert_close(quadrant_colour(photo.image, "tr"), RED, tol=2)


def test_heic_is_decoded_upright():
    register_heif_opener_once()
    register_heif_opener_once()  # idempotent
    buffer = io.BytesIO()
    arrow_image().save(buffer, format="HEIF", quality=90, exif=gps_exif(6).tobytes())
    data = buffer.getvalue()
    assert data[4:12] == b"ftypheic"
    photo = decode_photo(data)
    assert photo.format == "heif"
    assert (photo.width, photo.height) == (200, 300)
    assert_close(quadrant_colour(photo.image, "tr"), RED, tol=25)
    assert_close(quadrant_colour(photo.image, "bl"), WHITE, tol=25)
    assert_clean_array(photo)


def test_cmyk_jpeg_becomes_rgb():
    cmyk = Image.new("CMYK", (120, 80), (255, 0, 0, 0))  # pure cyan ink
    photo = decode_photo(jpeg_bytes(cmyk))
    assert_close(quadrant_colour(photo.image, "tl"), (0, 255, 255), tol=6)


def test_greyscale_jpeg_becomes_rgb():
    photo = decode_photo(jpeg_bytes(Image.new("L", (64, 48), 90)))
    assert_close(quadrant_colour(photo.image, "br"), (90, 90, 90), tol=2)


def test_16_bit_greyscale_png_keeps_its_brightness():
    values = np.full((40, 60), 40000, np.uint16)  # 61% grey: Pillow's convert would clip to white
    photo = decode_photo(png_bytes(Image.fromarray(values)))
    assert_close(quadrant_colour(photo.image, "tl"), (156, 156, 156), tol=1)


def test_16_bit_rgb_png_becomes_8_bit():
    import cv2

    ok, encoded = cv2.imencode(".png", np.full((40, 60, 3), (10000, 40000, 60000), np.uint16))
    assert ok
    photo = decode_photo(encoded.tobytes())
    # cv2 writes BGR: blue=10000, green=40000, red=60000 → RGB (233, 156, 39)
    assert_close(quadrant_colour(photo.image, "tl"), (233, 156, 39), tol=1)


def test_palette_png_with_transparency_is_composited_on_white():
    pixels = np.zeros((40, 60), np.uint8)
    pixels[:, 30:] = 1
    img = Image.fromarray(pixels, "P")
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    photo = decode_photo(png_bytes(img, transparency=0))
    assert_close(quadrant_colour(photo.image, "tl"), WHITE, tol=0)
    assert_close(quadrant_colour(photo.image, "tr"), RED, tol=0)


def test_rgba_and_la_pngs_are_composited_on_white():
    rgba = Image.new("RGBA", (40, 40), (255, 0, 0, 128))
    assert_close(quadrant_colour(decode_photo(png_bytes(rgba)).image, "tl"), (255, 127, 127), 2)
    la = Image.new("LA", (40, 40), (0, 0))
    assert_close(quadrant_colour(decode_photo(png_bytes(la)).image, "tl"), WHITE, 0)


def test_one_bit_png_becomes_rgb():
    photo = decode_photo(png_bytes(Image.new("1", (40, 40), 1)))
    assert_close(quadrant_colour(photo.image, "tl"), WHITE, 0)


# ---------------------------------------------------------------- damaged files → 422


def spoken_detail(exc: pytest.ExceptionInfo[UnprocessablePhotoError]) -> str:
    detail = exc.value.detail
    assert exc.value.status_code == 422
    for library_words in ("cannot identify", "(", "errno", "bytes not processed", "PIL"):
        assert library_words not in detail, detail
    return detail


def test_truncated_jpeg_is_422_incomplete(vizwiz_photos: list[Path]):
    data = vizwiz_photos[3].read_bytes()
    with pytest.raises(UnprocessablePhotoError) as exc:
        decode_photo(data[: len(data) * 6 // 10])
    assert spoken_detail(exc) == MSG_TRUNCATED


def test_jpeg_header_only_is_422(vizwiz_photos: list[Path]):
    data = vizwiz_photos[0].read_bytes()
    with pytest.raises(UnprocessablePhotoError) as exc:
        decode_photo(data[:300])
    assert spoken_detail(exc) in (MSG_TRUNCATED, MSG_DAMAGED)


def test_garbage_after_jpeg_magic_is_422():
    garbage = b"\xff\xd8\xff" + np.random.default_rng(7).bytes(20_000)
    with pytest.raises(UnprocessablePhotoError) as exc:
        decode_photo(garbage)
    assert spoken_detail(exc) in (MSG_TRUNCATED, MSG_DAMAGED)


def test_truncated_png_is_422_incomplete():
    noisy = Image.fromarray(np.random.default_rng(3).integers(0, 255, (200, 200, 3), np.uint8))
    data = png_bytes(noisy)
    with pytest.raises(UnprocessablePhotoError) as exc:
        decode_photo(data[: len(data) // 2])
    assert spoken_detail(exc) == MSG_TRUNCATED


def test_png_with_broken_crc_is_422_damaged():
    data = bytearray(png_bytes(arrow_image()))
    data[50] ^= 0xFF  # inside the IDAT payload (it starts at byte 41)
    with pytest.raises(UnprocessablePhotoError) as exc:
        decode_photo(bytes(data))
    assert spoken_detail(exc) in (MSG_DAMAGED, MSG_TRUNCATED)


def test_empty_upload_is_422():
    with pytest.raises(UnprocessablePhotoError) as exc:
        decode_photo(b"")
    assert spoken_detail(exc) == MSG_EMPTY
