"""Find the object a question names in the photo, and its colours.

"What colour are my shoes?" is about the shoe, not the carpet that fills most
of the frame. The scene classifier is run on nine overlapping tiles (half of
each side, a quarter apart); the tile where the named object's classes score
highest is where it is, and its colours (centre-weighted, like the frame's)
are the object's. Run only for a question that names a known object
(`models.compose.objects`), so other requests pay nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from models.analyzers.base import RGBImage
from models.analyzers.faces import describe_position
from models.types import BoundingBox, ColourName, ObjectRegion

TILE_SHARE = 0.5  # each tile is half of the photo's width and height
TILE_STEPS = (0.0, 0.25, 0.5)  # tile origins, as shares of each side


def find_region(
    image: RGBImage,
    *,
    noun: str,
    labels: Sequence[str],
    classify: Callable[[RGBImage], dict[str, float]],
    colours: Callable[[RGBImage], tuple[ColourName, ...]],
) -> ObjectRegion | None:
    """The tile where `labels` score highest, with its colours; None without any score."""
    height, width = (int(side) for side in image.shape[:2])
    tile_h, tile_w = max(1, int(height * TILE_SHARE)), max(1, int(width * TILE_SHARE))
    best: tuple[float, str, BoundingBox] | None = None
    for fy in TILE_STEPS:
        for fx in TILE_STEPS:
            y, x = int(height * fy), int(width * fx)
            probabilities = classify(image[y : y + tile_h, x : x + tile_w])
            label = max(labels, key=lambda name: probabilities.get(name, 0.0))
            score = probabilities.get(label, 0.0)
            if best is None or score > best[0]:
                best = (score, label, BoundingBox(x, y, tile_w, tile_h))
    if best is None or best[0] <= 0.0:
        return None
    score, label, box = best
    tile = image[box.y : box.y + box.height, box.x : box.x + box.width]
    return ObjectRegion(
        noun=noun,
        label=label,
        probability=round(score, 4),
        box=box,
        position=describe_position(box, width, height),
        colours=colours(tile),
    )
