"""Dominant colours of the main region, in the plain names people use.

The photo is reduced to 96 px, pixels are weighted by a Gaussian centred on
the frame (sigma = 20 % of each side; the item a blind user photographs is usually near the centre and
the edges hold background), clustered with k-means in CIE Lab (distances there
follow perceived colour differences), and each cluster centre is named from
its hue, saturation and value. Clusters with the same name are merged.
"""

from __future__ import annotations

import colorsys

import cv2
import numpy as np

from models.analyzers.base import RGBImage
from models.language import MissingMessageError, message
from models.types import ColourName

WORK_SIDE = 96
CLUSTERS = 5
MIN_FRACTION = 0.08


def colour_name(name: str, language: str = "en") -> str:
    """A colour name from `name_rgb` ("dark blue") in `language`, from the message
    catalogues (`colour.*`); a name without an entry is returned as it is."""
    try:
        return message(f"colour.{name}", language=language)
    except MissingMessageError:
        return name


def name_rgb(rgb: tuple[int, int, int]) -> str:
    """Name an sRGB colour in plain words ("dark blue", "beige", "light grey")."""
    hue, saturation, value = colorsys.rgb_to_hsv(*(channel / 255 for channel in rgb))
    degrees = hue * 360
    if value < 0.2:
        return "black"
    if saturation < 0.16 or (value < 0.35 and saturation < 0.3):
        if value > 0.85:
            return "white"
        if value > 0.62:
            return "light grey"
        return "grey" if value > 0.38 else "dark grey"
    if 15 <= degrees < 50 and value < 0.6:
        return "dark brown" if value < 0.35 else "brown"
    if 20 <= degrees < 55 and saturation < 0.4 and value >= 0.6:
        return "beige"
    if degrees < 12 or degrees >= 340:
        base = "red"
        if saturation < 0.5 and value > 0.7:
            return "pink"
    elif degrees < 42:
        base = "orange"
    elif degrees < 68:
        base = "yellow"
    elif degrees < 165:
        base = "green"
    elif degrees < 195:
        base = "turquoise"
    elif degrees < 255:
        base = "blue"
    elif degrees < 290:
        base = "purple"
    else:
        base = "pink"
    # Saturated blues and purples look dark at a high HSV value, hence the luma test.
    luma = 0.2126 * rgb[0] / 255 + 0.7152 * rgb[1] / 255 + 0.0722 * rgb[2] / 255
    if value < 0.45 or luma < 0.18:
        return f"dark {base}"
    if value > 0.85 and saturation < 0.45:
        return f"light {base}"
    return base


class ColourAnalyzer:
    """Centre-weighted k-means in Lab; stateless, hence thread-safe."""

    name = "colours"

    def __init__(self, *, clusters: int = CLUSTERS, min_fraction: float = MIN_FRACTION) -> None:
        self._clusters = clusters
        self._min_fraction = min_fraction

    def analyze(self, image: RGBImage) -> tuple[ColourName, ...]:
        """Return the dominant colour names with their weighted share, largest first."""
        height, width = image.shape[:2]
        scale = WORK_SIDE / max(height, width)
        small = cv2.resize(
            image,
            (max(1, round(width * scale)), max(1, round(height * scale))),
            interpolation=cv2.INTER_AREA,
        )
        lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float32)
        weights = _centre_weights(small.shape[0], small.shape[1]).reshape(-1)
        clusters = min(self._clusters, len(lab))
        criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 1.0)
        # A fixed seed keeps answers stable for the same photo.
        cv2.setRNGSeed(7)
        _compactness, labels, centres = cv2.kmeans(
            lab, clusters, np.zeros((len(lab), 1), np.int32), criteria, 2, cv2.KMEANS_PP_CENTERS
        )
        labels = labels.reshape(-1)
        centre_rgb = cv2.cvtColor(centres.reshape(1, -1, 3).astype(np.uint8), cv2.COLOR_LAB2RGB)[0]
        totals: dict[str, float] = {}
        rgb_sum: dict[str, np.ndarray] = {}
        for index in range(clusters):
            share = float(weights[labels == index].sum() / weights.sum())
            rgb = tuple(int(channel) for channel in centre_rgb[index])
            name = name_rgb((rgb[0], rgb[1], rgb[2]))
            totals[name] = totals.get(name, 0.0) + share
            rgb_sum[name] = rgb_sum.get(name, np.zeros(3)) + share * np.asarray(
                rgb, dtype=np.float64
            )
        found = [
            ColourName(
                name=name,
                fraction=round(share, 3),
                rgb=_as_rgb(rgb_sum[name] / max(share, 1e-9)),
            )
            for name, share in totals.items()
            if share >= self._min_fraction
        ]
        return tuple(sorted(found, key=lambda colour: colour.fraction, reverse=True))


def _as_rgb(values: np.ndarray) -> tuple[int, int, int]:
    red, green, blue = (round(float(v)) for v in values)
    return (red, green, blue)


def _centre_weights(height: int, width: int) -> np.ndarray:
    ys = (np.arange(height) - (height - 1) / 2) / (0.2 * height)
    xs = (np.arange(width) - (width - 1) / 2) / (0.2 * width)
    return np.exp(-0.5 * (ys[:, None] ** 2 + xs[None, :] ** 2)).astype(np.float64)
