"""Photo ingest: turn uploaded bytes into a clean, upright, metadata-free pixel array.

Order matters for safety and speed:

1. sniff the format from magic bytes (JPEG, PNG, HEIC/HEIF; anything else → 415);
2. read only the header and refuse images with too many pixels (→ 413) before
   any pixel is decoded; Pillow's DecompressionBombWarning is an error here;
3. decode — JPEGs at a reduced DCT scale (libjpeg's 1/2, 1/4, 1/8) when the
   analysis size allows it — then downscale to ``analysis_max_side``;
4. apply the EXIF orientation, convert to sRGB RGB (alpha composited on white);
5. return a fresh numpy array: EXIF, GPS, XMP, ICC and thumbnails cannot survive.

ICC profiles: when the photo carries one (iPhones tag photos Display P3, CMYK
JPEGs usually carry one) the pixels are converted to sRGB with LittleCMS so
that colour answers are right; the profile itself is then dropped. If the
profile is unreadable it is ignored and the pixels are used as they are.

Truncated images are never "repaired": ``ImageFile.LOAD_TRUNCATED_IMAGES`` is
left off and an incomplete file is a 422 that asks the user to retake it.
"""

from __future__ import annotations

import io
import math
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageCms, UnidentifiedImageError

from app.errors import PayloadTooLargeError, UnprocessablePhotoError, UnsupportedMediaTypeError
from app.ingest_sniff import PhotoFormat, sniff_format

DEFAULT_MAX_PIXELS = 50_000_000
DEFAULT_ANALYSIS_MAX_SIDE = 1600

# Antialiased (triangle) filter: close to Lanczos for the ≤ 2× that is left after
# DCT scaling, at half its cost. reducing_gap lets Pillow box-reduce large
# non-JPEG images by an integer factor first.
_RESAMPLE = Image.Resampling.BILINEAR
_REDUCING_GAP = 2.0

_PIL_FORMATS: dict[PhotoFormat, list[str]] = {
    "jpeg": ["JPEG"],  # Pillow's JPEG factory also yields MPO (multi-picture) files
    "png": ["PNG"],
    "heif": ["HEIF"],
}

# EXIF orientation → the transpose that makes the image upright
# (the same table as ImageOps.exif_transpose).
_ORIENTATION_TRANSPOSE: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_EXIF_ORIENTATION = 0x0112

# The English of the catalogue keys error.photo.* (models/language/catalogues; raised
# with the key, so each is said in the request's language, issue 11).
MSG_EMPTY = "No photo was received: the file is empty. Please take the photo again."
MSG_TRUNCATED = "The photo could not be read: the file is incomplete. Please take the photo again."
MSG_DAMAGED = "The photo could not be read: the file is damaged. Please take the photo again."

_heif_lock = threading.Lock()
_heif_registered = False
# warnings.catch_warnings swaps process-wide state; the lock keeps two decoding
# threads from restoring each other's filters. Only header parsing runs under it.
_warnings_lock = threading.Lock()


@dataclass(frozen=True, slots=True, eq=False)
class DecodedPhoto:
    """An upright RGB photo ready for analysis, with no metadata left.

    ``image`` is a read-only, C-contiguous uint8 array of shape (height, width, 3);
    copy it before drawing on it. ``original_width``/``original_height`` are the
    full-resolution size, upright (after the EXIF orientation), like ``width``/``height``.
    """

    image: npt.NDArray[np.uint8]
    width: int
    height: int
    original_width: int
    original_height: int
    format: PhotoFormat


def register_heif_opener_once() -> None:
    """Register pillow-heif's Pillow plugin (HEIC/HEIF), once per process; idempotent."""
    global _heif_registered
    with _heif_lock:
        if _heif_registered:
            return
        import pillow_heif

        # Thumbnails, depth maps and auxiliary images are never used: skip them.
        pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
        _heif_registered = True


def too_many_pixels_message(max_pixels: int) -> str:
    """The spoken message for a photo over the pixel cap."""
    megapixels = max(1, max_pixels // 1_000_000)
    unit = "megapixel" if megapixels == 1 else "megapixels"
    return (
        f"The photo is too large to process: it has more than {megapixels} {unit}. "
        "Please take the photo again with the camera's normal settings."
    )


def unsupported_message(description: str) -> str:
    """The spoken message for a file that is not JPEG, PNG or HEIC."""
    return (
        f"This file is {description}, which Sightline cannot read. "
        "Please send a photo in JPEG, PNG or HEIC format."
    )


def decode_photo(
    data: bytes,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    analysis_max_side: int = DEFAULT_ANALYSIS_MAX_SIDE,
) -> DecodedPhoto:
    """Decode, orient, strip and downscale an uploaded photo.

    Raises UnsupportedMediaTypeError (415) for formats other than JPEG/PNG/HEIF,
    PayloadTooLargeError (413) for more than ``max_pixels`` pixels (or Pillow's
    ``Image.MAX_IMAGE_PIXELS``, whichever is lower) before decoding them, and
    UnprocessablePhotoError (422) for truncated or corrupt files.
    """
    if max_pixels <= 0 or analysis_max_side <= 0:
        raise ValueError("max_pixels and analysis_max_side must be positive")
    if not data:
        raise UnprocessablePhotoError(key="error.photo.empty")
    sniffed = sniff_format(data[:64])
    if sniffed.format is None:
        raise UnsupportedMediaTypeError(unsupported_message(sniffed.description))
    photo_format = sniffed.format
    if photo_format == "heif":
        register_heif_opener_once()

    with _open_checked(data, photo_format, max_pixels) as img:
        original_width, original_height = img.size
        try:
            array, orientation = _decode_to_array(img, analysis_max_side)
        except (PayloadTooLargeError, UnprocessablePhotoError, MemoryError):
            raise
        except Exception as exc:
            raise UnprocessablePhotoError(key=_unreadable_key(exc)) from exc
    if orientation >= 5:  # 5–8 swap the axes: report the upright size
        original_width, original_height = original_height, original_width
    height, width = array.shape[:2]
    return DecodedPhoto(
        image=array,
        width=width,
        height=height,
        original_width=original_width,
        original_height=original_height,
        format=photo_format,
    )


def encode_jpeg(image: npt.NDArray[np.uint8], *, quality: int = 85) -> bytes:
    """Encode an RGB (H, W, 3) uint8 array as a baseline JPEG with no metadata at all."""
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError("encode_jpeg expects an RGB uint8 array of shape (H, W, 3)")
    buffer = io.BytesIO()
    # A fresh image has an empty info dict: no EXIF, XMP, ICC or comment is written.
    Image.fromarray(image).save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


@contextmanager
def _open_checked(data: bytes, photo_format: PhotoFormat, max_pixels: int) -> Iterator[Image.Image]:
    """Open lazily (header only) and refuse too many pixels before any decoding."""
    limit = max_pixels
    if Image.MAX_IMAGE_PIXELS is not None:
        limit = min(limit, Image.MAX_IMAGE_PIXELS)
    try:
        with _warnings_lock, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=_PIL_FORMATS[photo_format])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PayloadTooLargeError(too_many_pixels_message(limit)) from exc
    except UnidentifiedImageError as exc:
        raise UnprocessablePhotoError(key="error.photo.damaged") from exc
    except Exception as exc:
        raise UnprocessablePhotoError(key=_unreadable_key(exc)) from exc
    try:
        width, height = img.size
        # Our own check, independent of the warnings machinery.
        if width * height > limit:
            raise PayloadTooLargeError(too_many_pixels_message(limit))
        if width <= 0 or height <= 0:
            raise UnprocessablePhotoError(key="error.photo.damaged")
        yield img
    finally:
        img.close()


def _decode_to_array(img: Image.Image, analysis_max_side: int) -> tuple[npt.NDArray[np.uint8], int]:
    """Decode (DCT-scaled for JPEG), downscale, colour-convert, orient.

    Returns a read-only array and the EXIF orientation that was applied.
    """
    if img.format in ("JPEG", "MPO"):
        img.draft("RGB", _draft_size(img.size, analysis_max_side))
    img.load()
    orientation = _read_orientation(img)
    icc_profile = img.info.get("icc_profile")
    pixels = _to_resizable_mode(img)
    pixels = _downscale(pixels, analysis_max_side)
    pixels = _to_srgb(pixels, icc_profile if isinstance(icc_profile, bytes) else None)
    transpose = _ORIENTATION_TRANSPOSE.get(orientation)
    if transpose is not None:
        pixels = pixels.transpose(transpose)
    # A fresh array: no EXIF, GPS, XMP, ICC or thumbnail can come along.
    array = np.array(pixels, dtype=np.uint8, order="C")
    array.setflags(write=False)
    return array, orientation


def _draft_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """The smallest stored size that still gives ``max_side`` after DCT scaling."""
    width, height = size
    scale = max_side / max(width, height)
    if scale >= 1:
        return size
    return (max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale)))


def _read_orientation(img: Image.Image) -> int:
    """EXIF orientation 1–8; broken or missing EXIF counts as upright."""
    try:
        value = img.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception:
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _to_resizable_mode(img: Image.Image) -> Image.Image:
    """Bring any PNG/JPEG/HEIF mode to RGB, RGBA, L, LA or CMYK (all 8-bit)."""
    mode = img.mode
    if mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        return img
    if mode.startswith("I;16") or mode == "I":
        return _high_depth_to_l(img)
    if mode == "P":
        return img.convert("RGBA" if img.has_transparency_data else "RGB")
    if mode == "1":
        return img.convert("L")
    if mode in ("PA", "RGBa", "RGBX"):
        return img.convert("RGBA" if mode != "RGBX" else "RGB")
    if mode == "La":
        return img.convert("LA")
    return img.convert("RGB")


def _high_depth_to_l(img: Image.Image) -> Image.Image:
    """16-bit greyscale → 8-bit by keeping the high byte (Pillow's convert would clip)."""
    values = np.asarray(img)
    high = (values.astype(np.uint32) >> 8).clip(0, 255).astype(np.uint8)
    return Image.fromarray(high, "L")


def _downscale(img: Image.Image, max_side: int) -> Image.Image:
    """Shrink so that the longer side is at most ``max_side``; never enlarge."""
    width, height = img.size
    if max(width, height) <= max_side:
        return img
    scale = max_side / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return img.resize(size, _RESAMPLE, reducing_gap=_REDUCING_GAP)


def _to_srgb(img: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert to sRGB RGB with alpha composited on white; the ICC profile is dropped."""
    alpha: Image.Image | None = None
    if img.mode in ("RGBA", "LA"):
        alpha = img.getchannel("A")
        img = img.convert("RGB" if img.mode == "RGBA" else "L")
    converted = _apply_icc(img, icc_profile) if icc_profile else None
    rgb = converted if converted is not None else img.convert("RGB")
    if alpha is not None:
        background = Image.new("RGB", rgb.size, (255, 255, 255))
        background.paste(rgb, mask=alpha)
        rgb = background
    return rgb


def _apply_icc(img: Image.Image, icc_profile: bytes) -> Image.Image | None:
    """Colour-convert with the embedded profile; None when it cannot be used."""
    if img.mode not in ("RGB", "CMYK", "L"):
        return None
    transform = _srgb_transform(icc_profile, img.mode)
    if transform is None:
        return None
    try:
        return ImageCms.applyTransform(img, transform)
    except Exception:
        return None


@lru_cache(maxsize=32)
def _srgb_transform(icc_profile: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """Build (and cache) a transform from the embedded profile to sRGB; None if unusable."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        if mode == "RGB" and _is_srgb(source):
            return None  # already sRGB: nothing to do, save the transform's cost
        target = ImageCms.createProfile("sRGB")
        # NOCACHE: LittleCMS transforms are only thread-safe without their pixel cache,
        # and the decode pool shares this cached transform between threads.
        return ImageCms.buildTransform(source, target, mode, "RGB", flags=ImageCms.Flags.NOCACHE)
    except Exception:
        return None


def _is_srgb(profile: ImageCms.ImageCmsProfile) -> bool:
    """True for the common sRGB profiles, by their description."""
    try:
        description = ImageCms.getProfileDescription(profile)
    except Exception:
        return False
    return "srgb" in description.lower()


def _unreadable_key(exc: BaseException) -> str:
    """Pick between "incomplete" and "damaged" from the library error (never shown)."""
    text = str(exc).lower()
    if isinstance(exc, EOFError) or "truncated" in text or "premature" in text:
        return "error.photo.truncated"
    return "error.photo.damaged"
