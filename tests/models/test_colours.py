"""Colour names: plain words, centre-weighted, Japanese names for the composer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from models.analyzers.colours import ColourAnalyzer, colour_name, name_rgb


def load_photo(photos_dir: Path, number: int) -> np.ndarray:
    with Image.open(photos_dir / f"VizWiz_test_{number:08d}.jpg") as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))


@pytest.mark.parametrize(
    ("rgb", "name"),
    [
        ((200, 20, 30), "red"),
        ((20, 30, 120), "dark blue"),
        ((40, 90, 220), "blue"),
        ((250, 250, 250), "white"),
        ((190, 190, 190), "light grey"),
        ((10, 10, 10), "black"),
        ((225, 205, 165), "beige"),
        ((120, 70, 30), "brown"),
        ((30, 140, 40), "green"),
        ((240, 200, 20), "yellow"),
        ((240, 130, 20), "orange"),
        ((245, 170, 190), "pink"),
        ((110, 40, 150), "purple"),
    ],
)
def test_plain_names(rgb: tuple[int, int, int], name: str) -> None:
    assert name_rgb(rgb) == name


def test_the_centre_outweighs_the_border() -> None:
    image = np.zeros((300, 300, 3), np.uint8)
    image[:] = (200, 20, 30)  # red border...
    image[75:225, 75:225] = (40, 90, 220)  # ...around a blue item covering a quarter of the frame
    colours = ColourAnalyzer().analyze(image)
    assert colours[0].name == "blue"
    assert colours[0].fraction > 0.5
    assert {colour.name for colour in colours} == {"blue", "red"}
    assert abs(sum(colour.fraction for colour in colours) - 1) < 0.02


@pytest.mark.parametrize(("number", "name"), [(13, "green"), (65, "red"), (52, "blue"), (8, "red")])
def test_main_colour_of_real_photos(photos_dir: Path, number: int, name: str) -> None:
    # 13: green cartoon wall; 65: red blur; 52: blue TV cartoon; 08: can under red light.
    colours = ColourAnalyzer().analyze(load_photo(photos_dir, number))
    assert colours[0].name == name, colours


def test_japanese_names() -> None:
    assert colour_name("dark blue", "ja") == "紺色"
    assert colour_name("red", "ja-JP") == "赤"
    assert colour_name("red", "en") == "red"
