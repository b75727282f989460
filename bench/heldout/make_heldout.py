"""Build the held-out photo set (bench/heldout/photos) from package photos and renders.

    python bench/heldout/make_heldout.py --opencv-doc DIR --skimage-data DIR \
        --face-recognition DIR --insightface DIR

Package photos are copied as they are (see README.md for where each comes from
and its licence). Rendered photos are product labels, signs and displays drawn
with fonts from Debian packages, then put through what a phone camera and an
unsteady hand do: perspective, rotation, defocus, motion blur, glare, noise and
JPEG compression. Everything is seeded: the same fonts give the same photos.
Variants of package photos (turned, motion-blurred) are made here too.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent / "photos"
FONTS = {
    "sans_bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "serif_bold_italic": "/usr/share/fonts/opentype/urw-base35/C059-BdIta.otf",
    "script": "/usr/share/fonts/opentype/urw-base35/Z003-MediumItalic.otf",
    "gothic": "/usr/share/fonts/opentype/urw-base35/URWGothic-Demi.otf",
    "narrow_bold": "/usr/share/fonts/opentype/urw-base35/NimbusSansNarrow-Bold.otf",
    "bookman": "/usr/share/fonts/opentype/urw-base35/URWBookman-Demi.otf",
    "mono_bold": "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "ja": "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
}

PACKAGE_PHOTOS = {
    # opencv-doc (Debian), samples/data
    "opencv-doc": [
        "messi5.jpg",
        "licenseplate_motion.jpg",
        "text_motion.jpg",
        "text_defocus.jpg",
        "fruits.jpg",
        "orange.jpg",
        "apple.jpg",
        "butterfly.jpg",
        "basketball1.png",
        "squirrel_cls.jpg",
        "stuff.jpg",
        "smarties.png",
        "baboon.jpg",
        "board.jpg",
    ],
    "skimage": [
        "astronaut.png",
        "camera.png",
        "coffee.png",
        "chelsea.png",
        "rocket.jpg",
        "clock_motion.png",
        "page.png",
        "motorcycle_left.png",
    ],
    "face_recognition": ["obama.jpg", "obama2.jpg", "biden.jpg", "obama_partial_face.jpg"],
    "insightface": ["t1.jpg", "Tom_Hanks_54745.png"],
}


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONTS[name], size)


def surface(
    rng: np.random.Generator, width: int, height: int, base: tuple[int, int, int]
) -> Image.Image:
    """A table or counter top: a colour with low-frequency shading and grain."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    grain = np.sin(x / rng.uniform(7, 15) + 3 * np.sin(y / rng.uniform(40, 90))) * 10
    shade = 1.0 - 0.35 * ((x - width * 0.6) ** 2 + (y - height * 0.4) ** 2) / (width**2 + height**2)
    noise = rng.normal(0, 6, (height, width))
    out = np.stack([(c + grain + noise) * shade for c in base], axis=-1)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def label_card(
    size: tuple[int, int],
    colour: tuple[int, int, int],
    lines: list[tuple[str, str, int, tuple[int, int, int]]],
) -> Image.Image:
    """A flat label: lines of (text, font, size, colour), centred, stacked."""
    card = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(card)
    heights = [draw.textbbox((0, 0), t, font=font(f, s))[3] + s // 4 for t, f, s, _ in lines]
    y = (size[1] - sum(heights)) // 2
    for (text, face, points, ink), h in zip(lines, heights, strict=True):
        width = draw.textlength(text, font=font(face, points))
        draw.text(((size[0] - width) / 2, y), text, font=font(face, points), fill=ink)
        y += h
    return card


def place(
    background: Image.Image,
    card: Image.Image,
    *,
    tilt: float,
    skew: float,
    rng: np.random.Generator,
    centre: tuple[float, float] = (0.5, 0.5),
) -> np.ndarray:
    """Warp the card with a perspective (skew) and rotation (tilt, degrees) onto the background."""
    bg = np.asarray(background).copy()
    h, w = card.height, card.width
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jitter = rng.uniform(-skew, skew, (4, 2)).astype(np.float32) * np.float32([w, h])
    dst = src + jitter
    angle = np.radians(tilt)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], np.float32)
    dst = (dst - [w / 2, h / 2]) @ rot.T + [bg.shape[1] * centre[0], bg.shape[0] * centre[1]]
    matrix = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    warped = cv2.warpPerspective(np.asarray(card), matrix, (bg.shape[1], bg.shape[0]))
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, (bg.shape[1], bg.shape[0]))
    mask = cv2.GaussianBlur(mask, (3, 3), 0)[..., None] / 255.0
    return (bg * (1 - mask) + warped * mask).astype(np.uint8)


def motion_blur(image: np.ndarray, length: int, angle: float) -> np.ndarray:
    """A straight-line camera shake of `length` px at `angle` degrees."""
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1.0
    rot = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), angle, 1.0)
    kernel = cv2.warpAffine(kernel, rot, (length, length))
    kernel /= kernel.sum()
    return cv2.filter2D(image, -1, kernel)


def glare(
    image: np.ndarray, centre: tuple[float, float], radius: float, strength: float
) -> np.ndarray:
    h, w = image.shape[:2]
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    d2 = ((x - centre[0] * w) ** 2 + (y - centre[1] * h) ** 2) / (radius * max(h, w)) ** 2
    spot = strength * np.exp(-d2)[..., None]
    return np.clip(image + spot * 255, 0, 255).astype(np.uint8)


def camera(
    image: np.ndarray, rng: np.random.Generator, *, defocus: float = 0.8, noise: float = 4.0
) -> np.ndarray:
    if defocus > 0:
        image = cv2.GaussianBlur(image, (0, 0), defocus)
    image = image.astype(np.float32) + rng.normal(0, noise, image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


def save(name: str, image: np.ndarray, quality: int = 85) -> None:
    Image.fromarray(image).save(OUT / name, quality=quality)


def render(rng: np.random.Generator) -> None:
    """The rendered photos (file names start with r)."""
    # 1. Sweetener packet, big script brand, held sideways (text turned 90° clockwise).
    card = label_card(
        (900, 520),
        (236, 120, 160),
        [
            ("Sugarlite", "script", 190, (255, 255, 255)),
            ("ZERO CALORIE SWEETENER", "sans_bold", 42, (90, 20, 50)),
            ("1 PACKET", "sans", 34, (90, 20, 50)),
        ],
    )
    bg = surface(rng, 1000, 1300, (150, 110, 80))
    save("r01_sweetener_sideways.jpg", camera(place(bg, card, tilt=88, skew=0.03, rng=rng), rng))
    # 2. Coffee bag, condensed brand, perspective.
    card = label_card(
        (700, 900),
        (40, 28, 22),
        [
            ("MOUNTAIN", "narrow_bold", 150, (230, 190, 120)),
            ("ROAST", "narrow_bold", 150, (230, 190, 120)),
            ("DARK COFFEE", "gothic", 70, (250, 250, 250)),
            ("WHOLE BEAN", "sans", 40, (250, 250, 250)),
            ("NET WT 12 OZ (340 g)", "sans", 34, (250, 250, 250)),
        ],
    )
    bg = surface(rng, 1100, 1400, (200, 190, 175))
    save(
        "r02_coffee_bag.jpg", camera(place(bg, card, tilt=-6, skew=0.08, rng=rng), rng, defocus=1.0)
    )
    # 3. Microwave door: small silver brand on black, glare.
    card = label_card(
        (1300, 560),
        (22, 22, 24),
        [
            ("PANAWAVE", "gothic", 80, (200, 200, 205)),
            ("", "sans", 30, (0, 0, 0)),
            ("1100 W  INVERTER", "sans", 34, (170, 170, 175)),
        ],
    )
    bg = surface(rng, 1400, 1000, (210, 205, 195))
    image = camera(place(bg, card, tilt=2, skew=0.04, rng=rng), rng)
    save("r03_microwave.jpg", glare(image, (0.7, 0.4), 0.12, 0.6))
    # 4. Bus destination sign: amber on black, slight motion.
    card = label_card(
        (1200, 260), (10, 10, 10), [("42 DOWNTOWN", "mono_bold", 150, (255, 170, 20))]
    )
    bg = surface(rng, 1400, 900, (235, 235, 230))
    image = camera(place(bg, card, tilt=-3, skew=0.05, rng=rng, centre=(0.5, 0.35)), rng)
    save("r04_bus_sign.jpg", motion_blur(image, 7, 0))
    # 5. Milk carton label, upside down.
    card = label_card(
        (800, 900),
        (250, 250, 250),
        [
            ("Valley Farms", "serif_bold_italic", 100, (20, 60, 150)),
            ("2%", "sans_bold", 200, (220, 30, 40)),
            ("REDUCED FAT MILK", "sans_bold", 58, (20, 60, 150)),
            ("1 GAL (3.78 L)", "sans", 44, (20, 20, 20)),
        ],
    )
    bg = surface(rng, 1000, 1250, (120, 140, 160))
    save("r05_milk_upside_down.jpg", camera(place(bg, card, tilt=178, skew=0.04, rng=rng), rng))
    # 6. Supplement bottle label with glare.
    card = label_card(
        (900, 700),
        (245, 240, 225),
        [
            ("VITAMIN D3", "bookman", 120, (150, 60, 10)),
            ("DIETARY SUPPLEMENT", "sans_bold", 50, (40, 40, 40)),
            ("Take 1/2 tablet daily", "sans", 44, (40, 40, 40)),
            ("60 TABLETS", "sans", 40, (40, 40, 40)),
        ],
    )
    bg = surface(rng, 1200, 1100, (90, 80, 70))
    image = camera(place(bg, card, tilt=4, skew=0.06, rng=rng), rng)
    save("r06_supplement_glare.jpg", glare(image, (0.38, 0.42), 0.08, 0.85))
    # 7. Japanese green tea label, turned 90° anticlockwise (text at 270°).
    card = label_card(
        (900, 600),
        (30, 110, 60),
        [
            ("おいしい緑茶", "ja", 120, (255, 255, 255)),
            ("賞味期限 2026.03.01", "ja", 56, (255, 255, 255)),
            ("500ml", "ja", 60, (255, 255, 255)),
        ],
    )
    bg = surface(rng, 1000, 1200, (190, 180, 160))
    save("r07_ja_tea_sideways.jpg", camera(place(bg, card, tilt=-90, skew=0.03, rng=rng), rng))
    # 8. Laptop seen from above: a large grey lid, a tiny sticker with text.
    bg = surface(rng, 1400, 1050, (120, 85, 60))
    lid = Image.new("RGB", (1150, 800), (175, 178, 182))
    d = ImageDraw.Draw(lid)
    d.rounded_rectangle((0, 0, 1149, 799), 40, outline=(120, 120, 125), width=6)
    d.ellipse((520, 330, 630, 440), fill=(205, 208, 212))
    sticker = label_card((150, 70), (250, 250, 250), [("CORE i5", "sans_bold", 26, (20, 60, 160))])
    lid.paste(sticker, (900, 650))
    save("r08_laptop_sticker.jpg", camera(place(bg, lid, tilt=180, skew=0.02, rng=rng), rng))
    # 9. Book cover, strong motion blur (phone moving).
    card = label_card(
        (800, 1100),
        (180, 40, 40),
        [
            ("THE QUIET", "bookman", 110, (250, 240, 220)),
            ("RIVER", "bookman", 150, (250, 240, 220)),
            ("a novel", "serif_bold_italic", 60, (250, 240, 220)),
            ("ANNA MARSH", "sans_bold", 60, (250, 240, 220)),
        ],
    )
    bg = surface(rng, 1100, 1400, (60, 60, 70))
    image = camera(place(bg, card, tilt=3, skew=0.04, rng=rng), rng)
    save("r09_book_motion.jpg", motion_blur(image, 25, 20))
    # 10. The same cover sharp (negative for motion blur).
    save("r10_book_sharp.jpg", image)
    # 11. Medicine box, turned 90° clockwise, heavy JPEG.
    card = label_card(
        (1000, 500),
        (255, 255, 255),
        [
            ("IBUPROFEN", "sans_bold", 130, (200, 30, 30)),
            ("200 mg", "sans_bold", 70, (30, 30, 30)),
            ("Pain Reliever / Fever Reducer", "sans", 40, (30, 30, 30)),
        ],
    )
    bg = surface(rng, 900, 1300, (170, 160, 150))
    save(
        "r11_ibuprofen_sideways.jpg",
        camera(place(bg, card, tilt=92, skew=0.03, rng=rng), rng),
        quality=35,
    )
    # 12. Exit sign tilted 25°.
    card = label_card((700, 300), (20, 140, 70), [("EXIT", "sans_bold", 200, (255, 255, 255))])
    bg = surface(rng, 1200, 900, (200, 200, 195))
    save("r12_exit_tilted.jpg", camera(place(bg, card, tilt=25, skew=0.03, rng=rng), rng))
    # 13. Oven display "425" in seven-segment-like mono, motion blur vertical.
    card = label_card((600, 260), (5, 5, 5), [("425°F", "mono_bold", 150, (60, 220, 255))])
    bg = surface(rng, 1100, 800, (60, 60, 60))
    image = camera(place(bg, card, tilt=0, skew=0.03, rng=rng), rng)
    save("r13_oven_display_motion.jpg", motion_blur(image, 15, 90))


def curved(text: str, face: str, points: int, ink: tuple[int, int, int], size: tuple[int, int], bend: float) -> Image.Image:
    """Text on a transparent layer bent along an arc (a can or a bottle seen from the side)."""
    flat = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(flat)
    width = draw.textlength(text, font=font(face, points))
    draw.text(((size[0] - width) / 2, size[1] / 2 - points / 2), text, font=font(face, points), fill=(*ink, 255))
    array = np.asarray(flat)
    xs = np.arange(size[0], dtype=np.float32)
    offset = bend * ((xs - size[0] / 2) / (size[0] / 2)) ** 2
    map_x = np.tile(xs, (size[1], 1))
    map_y = np.arange(size[1], dtype=np.float32)[:, None] + offset[None, :]
    return Image.fromarray(cv2.remap(array, map_x, map_y.astype(np.float32), cv2.INTER_LINEAR))


def render_hard(rng: np.random.Generator) -> None:
    """A second batch (file names start with h), added before OCR tuning because the
    first renders were read almost perfectly: low contrast, curved, outlined,
    letter-spaced and cut-off brand text, small print under blur."""
    # 1. Silver brand on a grey appliance, low contrast, sideways.
    card = label_card((1200, 420), (120, 122, 126), [
        ("KELVINATOR", "gothic", 150, (168, 170, 174)),
        ("Cook Smart", "script", 80, (150, 152, 156)),
    ])
    bg = surface(rng, 1000, 1400, (90, 90, 95))
    save("h01_silver_brand_sideways.jpg", camera(place(bg, card, tilt=-92, skew=0.04, rng=rng), rng, defocus=1.2))
    # 2. Curved brand on a can, with a second smaller curved line.
    bg = Image.fromarray(camera(np.asarray(surface(rng, 1200, 1200, (200, 40, 40))), rng, defocus=0))
    layer = curved("ROSSO", "serif_bold_italic", 230, (255, 235, 200), (1200, 420), 70)
    bg.paste(layer, (0, 240), layer)
    layer = curved("SPARKLING ORANGE", "sans_bold", 70, (255, 255, 255), (1200, 200), 45)
    bg.paste(layer, (0, 640), layer)
    save("h02_curved_can.jpg", camera(np.asarray(bg), rng, defocus=1.0))
    # 3. Outlined letters with a drop shadow on a patterned box, tilted 180.
    card = Image.new("RGB", (1000, 700), (250, 210, 40))
    d = ImageDraw.Draw(card)
    for i in range(0, 1000, 40):
        d.line((i, 0, i - 300, 700), fill=(240, 190, 30), width=14)
    d.text((84, 114), "CRUNCHOS", font=font("sans_bold", 170), fill=(120, 60, 0))
    d.text((70, 100), "CRUNCHOS", font=font("sans_bold", 170), fill=(255, 255, 255), stroke_width=8, stroke_fill=(200, 30, 30))
    d.text((250, 380), "corn chips", font=font("script", 110), fill=(200, 30, 30))
    d.text((330, 560), "NET WT 9 OZ", font=font("sans", 50), fill=(60, 40, 0))
    bg = surface(rng, 1300, 1100, (110, 120, 130))
    save("h03_outlined_chips_upside_down.jpg", camera(place(bg, card, tilt=183, skew=0.07, rng=rng), rng))
    # 4. Letter-spaced logo, large, cut off at the right edge.
    card = label_card((1500, 500), (235, 235, 228), [
        ("B R E V I L L E", "sans", 120, (30, 30, 30)),
        ("barista express", "sans", 56, (90, 90, 90)),
    ])
    bg = surface(rng, 1200, 900, (60, 55, 50))
    save("h04_spaced_logo_cut_off.jpg", camera(place(bg, card, tilt=0, skew=0.03, rng=rng, centre=(0.62, 0.5)), rng))
    # 5. Small print under defocus and motion, strong perspective.
    card = label_card((1100, 800), (255, 255, 255), [
        ("DIRECTIONS", "sans_bold", 70, (0, 0, 0)),
        ("Adults: take 2 caplets", "sans", 54, (0, 0, 0)),
        ("every 6 hours with water.", "sans", 54, (0, 0, 0)),
        ("Do not exceed 6 caplets", "sans", 54, (0, 0, 0)),
        ("in 24 hours.", "sans", 54, (0, 0, 0)),
    ])
    bg = surface(rng, 1300, 1200, (150, 150, 160))
    image = camera(place(bg, card, tilt=8, skew=0.16, rng=rng), rng, defocus=1.6)
    save("h05_directions_blurred.jpg", motion_blur(image, 9, 30))
    # 6. Japanese brand in a brush-like weight on dark packaging, turned 90° clockwise.
    card = label_card((1000, 520), (30, 30, 60), [
        ("北海道ミルク", "ja", 140, (245, 230, 180)),
        ("キャラメル 12粒", "ja", 70, (245, 230, 180)),
    ])
    bg = surface(rng, 1000, 1300, (180, 170, 150))
    save("h06_ja_caramel_sideways.jpg", camera(place(bg, card, tilt=90, skew=0.05, rng=rng), rng, defocus=1.1))


def variants(rng: np.random.Generator) -> None:
    """Turned and shaken copies of package photos (file names start with v)."""

    def load(name: str) -> np.ndarray:
        return np.asarray(Image.open(OUT / name).convert("RGB"))

    save(
        "v01_astronaut_turned90.jpg",
        np.ascontiguousarray(np.rot90(load("skimage_astronaut.png"), k=-1)),
    )
    save("v02_coffee_motion.jpg", motion_blur(load("skimage_coffee.png"), 21, 0))
    save("v03_fruits_motion.jpg", motion_blur(load("opencv_fruits.jpg"), 17, 60))
    save("v04_t1_motion.jpg", motion_blur(load("insightface_t1.jpg"), 15, 0))
    save(
        "v05_motorcycle_defocus.jpg",
        cv2.GaussianBlur(load("skimage_motorcycle_left.png"), (0, 0), 4),
    )
    save("v06_page_turned270.jpg", np.ascontiguousarray(np.rot90(load("skimage_page.png"), k=1)))
    save("v07_obama_motion.jpg", motion_blur(load("face_recognition_obama.jpg"), 19, 100))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opencv-doc", type=Path, required=True, help="opencv-doc examples/data")
    parser.add_argument("--skimage-data", type=Path, required=True, help="skimage/data")
    parser.add_argument(
        "--face-recognition", type=Path, required=True, help="sdist tests/test_images"
    )
    parser.add_argument(
        "--insightface", type=Path, required=True, help="sdist insightface/data/images"
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    sources = {
        "opencv-doc": (args.opencv_doc, "opencv_"),
        "skimage": (args.skimage_data, "skimage_"),
        "face_recognition": (args.face_recognition, "face_recognition_"),
        "insightface": (args.insightface, "insightface_"),
    }
    for package, names in PACKAGE_PHOTOS.items():
        folder, prefix = sources[package]
        for name in names:
            shutil.copyfile(folder / name, OUT / f"{prefix}{name}")
    rng = np.random.default_rng(12)
    render(rng)
    variants(rng)
    render_hard(np.random.default_rng(1212))


if __name__ == "__main__":
    main()
