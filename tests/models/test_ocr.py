"""OCR on the shared photos (what a person can read in them) and on rendered text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont, ImageOps

from models.analyzers.ocr import OcrReader

JAPANESE_FONTS = (
    Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
    Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)


@pytest.fixture(scope="module")
def reader() -> Iterator[OcrReader]:
    yield OcrReader()


def load_photo(photos_dir: Path, number: int) -> np.ndarray:
    """A shared photo as the app hands it over: EXIF-rotated RGB."""
    with Image.open(photos_dir / f"VizWiz_test_{number:08d}.jpg") as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))


def render(lines: list[str], font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> np.ndarray:
    image = Image.new("RGB", (960, 420), "white")
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((40, 40 + index * 110), line, fill="black", font=font)
    return np.asarray(image)


# Words checked by looking at each photo (see bench/data/ocr_labels.json).
LABELS = [
    (4, ["Sealtest", "HALF", "CREAM", "19:55"]),  # 19:55: the small date stamp on top
    (14, ["12 AMP MOTOR", "WINDTUNNEL"]),  # a 242x324 photo: read after enlarging
    (20, ["Student Edition", "6/5"]),
    (46, ["KIRKLAND", "SLICED", "PEACHES"]),
    (49, ["Each passenger must have a valid ticket", "Ticket Vendor"]),
    (67, ["Red River Farms", "MILK"]),
    (40, ["1141"]),
    (2, ["450"]),
]


@pytest.mark.parametrize(("number", "expected"), LABELS)
def test_reads_the_words_a_person_can_read(
    reader: OcrReader, photos_dir: Path, number: int, expected: list[str]
) -> None:
    reading = reader.read(load_photo(photos_dir, number))
    text = "\n".join(line.text for line in reading.lines)
    for words in expected:
        assert words.lower() in text.lower(), f"{words!r} not read from photo {number}: {text!r}"
    assert all(0.0 <= line.confidence <= 1.0 for line in reading.lines)


def test_upside_down_bill_is_read_from_its_first_line(reader: OcrReader, photos_dir: Path) -> None:
    reading = reader.read(load_photo(photos_dir, 21))
    texts = [line.text for line in reading.lines]
    assert reading.rotation_degrees == 180
    joined = " ".join(texts)
    assert "Amount Due" in joined and "Mastercard" in joined
    first = next(i for i, text in enumerate(texts) if "payment" in text)
    last = next(i for i, text in enumerate(texts) if "Mastercard" in text)
    assert first < last, texts


@pytest.mark.parametrize(
    ("number", "rotation", "words"),
    [(29, 270, "CHEESE"), (0, 90, "NEW Trent"), (69, 180, "with pasta")],
)
def test_sideways_and_upside_down_labels(
    reader: OcrReader, photos_dir: Path, number: int, rotation: int, words: str
) -> None:
    reading = reader.read(load_photo(photos_dir, number))
    assert reading.rotation_degrees == rotation
    assert words in " ".join(line.text for line in reading.lines)


@pytest.mark.parametrize("number", [27, 65, 9, 35])
def test_photos_without_text_read_nothing(reader: OcrReader, photos_dir: Path, number: int) -> None:
    # 09 (tacos) and 35 (a wreath) once produced a lone kanji from texture.
    assert reader.read(load_photo(photos_dir, number)).lines == ()


@pytest.mark.parametrize(("quarter_turns", "rotation"), [(0, 0), (1, 270), (2, 180), (3, 90)])
def test_rendered_text_is_read_in_any_orientation(
    reader: OcrReader, quarter_turns: int, rotation: int
) -> None:
    lines = ["BEST BEFORE 12 MAY 2027", "KEEP REFRIGERATED", "Net weight 500 g"]
    image = render(lines, ImageFont.load_default(size=44))
    # np.rot90 turns anticlockwise, so the text ends up turned clockwise by `rotation`.
    reading = reader.read(np.ascontiguousarray(np.rot90(image, quarter_turns)))
    assert [line.text for line in reading.lines] == lines
    assert reading.rotation_degrees == rotation


def test_boxes_are_in_the_callers_coordinates(reader: OcrReader) -> None:
    image = np.full((2400, 1800, 3), 255, np.uint8)
    text = np.asarray(render(["KEEP REFRIGERATED"], ImageFont.load_default(size=44)))
    image[1000:1420, 600:1560] = text
    (line,) = reader.read(image).lines
    assert line.box is not None
    assert 600 <= line.box.x <= 700 and 1000 <= line.box.y <= 1100


def test_japanese_text_is_read(reader: OcrReader) -> None:
    font_path = next((path for path in JAPANESE_FONTS if path.exists()), None)
    if font_path is None:
        pytest.skip(
            "no Japanese font installed to render test text (apt-get install fonts-ipafont-gothic)"
        )
    font = ImageFont.truetype(str(font_path), 44)
    image = render(["賞味期限 2027年5月12日", "牛乳 1000ミリリットル"], font)
    for turns in (0, 2):
        reading = reader.read(np.ascontiguousarray(np.rot90(image, turns)))
        joined = "".join(line.text for line in reading.lines).replace(" ", "")
        assert "賞味期限2027年5月12日" in joined
        assert "牛乳" in joined


def test_quantized_detector_reads_what_the_float_one_reads(reader: OcrReader) -> None:
    from models.analyzers.ocr import QUANTIZED_DETECTOR

    assert QUANTIZED_DETECTOR.is_file()
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 60)
    image = render(["VITAMIN D3", "Take 1/2 tablet daily"], font)
    int8_reader = OcrReader(quantized_detector=True)
    assert [line.text for line in int8_reader.read(image).lines] == [
        line.text for line in reader.read(image).lines
    ]


def test_lines_carry_plausibility_and_the_text_area(reader: OcrReader) -> None:
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 60)
    reading = reader.read(render(["REDUCED FAT MILK"], font))
    assert reading.lines and all(line.plausible for line in reading.lines)
    assert 0.0 < reading.area_fraction < 0.5
