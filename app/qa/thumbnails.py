"""Small, metadata-free JPEG thumbnails as `data:` URIs, with face and text boxes
drawn on them, for the self-contained HTML report."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

from app.qa.describers import Boxes

THUMBNAIL_SIDE = 320
JPEG_QUALITY = 72
# Colours with a contrast above 3:1 against white and black; the legend says which is which.
FACE_COLOUR = (230, 97, 0)
TEXT_COLOUR = (0, 90, 200)
FACE_LINE = 3
TEXT_LINE = 2


@dataclass(frozen=True)
class Thumbnail:
    """A thumbnail ready for <img src>: its data URI, size and what was drawn."""

    uri: str
    width: int
    height: int
    faces: int
    text_boxes: int


def _open_oriented(photo: Path) -> Image.Image:
    try:
        from pillow_heif import register_heif_opener

        register_heif_opener()
    except ImportError:  # HEIC photos then just show no thumbnail
        pass
    with Image.open(photo) as image:
        return ImageOps.exif_transpose(image).convert("RGB")


def _draw(image: Image.Image, boxes: Boxes) -> tuple[int, int]:
    scale_x, scale_y = image.width / boxes.width, image.height / boxes.height
    draw = ImageDraw.Draw(image)
    for group, colour, line in ((boxes.text, TEXT_COLOUR, TEXT_LINE),
                                (boxes.faces, FACE_COLOUR, FACE_LINE)):
        for x, y, w, h in group:
            draw.rectangle((x * scale_x, y * scale_y, (x + w) * scale_x, (y + h) * scale_y),
                           outline=colour, width=line)
    return len(boxes.faces), len(boxes.text)


def make_thumbnail(photo: Path, boxes: Boxes | None) -> Thumbnail | None:
    """Downscale the photo (oriented), draw the boxes, re-encode without any metadata;
    None when the photo cannot be decoded here."""
    try:
        image = _open_oriented(photo)
    except (OSError, UnidentifiedImageError):
        return None
    image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    # A fresh image carries pixels only: no EXIF, GPS, ICC profile or comments.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    faces = texts = 0
    if boxes and boxes.width and boxes.height:
        faces, texts = _draw(clean, boxes)
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    uri = "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return Thumbnail(uri=uri, width=clean.width, height=clean.height, faces=faces,
                     text_boxes=texts)
