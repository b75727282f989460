"""Image-quality analysis: what is wrong with the photo and how to retake it.

Two steps. `QualityAnalyzer.analyze` measures pixels only (blur, exposure,
glare, a finger over the lens, an empty frame). `finalize_quality` then adds
what needs OCR and faces (text turned on its side, text cut off at an edge),
withdraws "no subject" when text or a face was found, and phrases the guidance
in the user's language.

Calibration (how the thresholds below were chosen): every number was set by
measuring the 70 shared VizWiz photos (`../shared/photos/vizwiz`, EXIF-rotated,
measured on a copy whose longer side is 512 px) and comparing with what a person
sees in them; photo numbers in the comments are the last two digits of
VizWiz_test_000000NN.jpg.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from models.analyzers.base import RGBImage
from models.analyzers.motion import measure_motion
from models.guidance import Subject, guidance_for
from models.types import Edge, FaceBox, QualityIssue, QualityIssueKind, QualityReport, TextLine

ANALYSIS_SIDE = 512
_PRIORITY: tuple[QualityIssueKind, ...] = (
    "obstructed",
    "too_dark",
    "too_bright",
    "no_subject",
    "blurry",
    "glare",
    "cut_off",
    "rotated",
)


@dataclass(frozen=True)
class QualityThresholds:
    """Decision thresholds; see the module docstring for how they were calibrated."""

    # Canny edge density (share of edge pixels): < 0.008 on every out-of-focus
    # photo (01 05 10 13 30 38 44 47 64 65), >= 0.010 on all in-focus ones.
    min_edge_density: float = 0.008
    # 90th percentile of the Laplacian variance over a 4x4 grid of tiles, for
    # soft photos that still have edges: 46 (83), 54 (84), 26 (89) are visibly
    # blurred; the softest sharp photo (34) has 140. Only applies when edge
    # density is below `soft_edge_density`.
    min_tile_sharpness: float = 90.0
    soft_edge_density: float = 0.03
    # 95th-percentile grey level: 27 (45, black) and 00 (102, dim) are too dark;
    # photos with a lit item on a dark background (16, 23, 24) have p95 > 200,
    # so a dark background alone is not flagged.
    dark_p95: float = 120.0
    # Mean grey level above which the photo is washed out (none of the 70; the
    # white screenshot 68 has 214 and must not be flagged).
    bright_mean: float = 220.0
    # Largest clipped (grey >= 250) blob as a share of the frame: >= 0.02 on
    # 16 19 23 25 29 38 47 54 57 59 (flash or lamp highlights); <= 0.017 on
    # photos without glare. Above `glare_max_blob` it is a white page or
    # screen (68: 0.67), not glare.
    glare_min_blob: float = 0.02
    glare_max_blob: float = 0.4
    # Finger over the lens (01, 07): a smooth (mean |Laplacian| < 0.8 on an 8x8
    # grid), lit (grey >= 110), skin-hued blob touching the border that covers
    # >= 8 % of the frame and is >= 3x smoother than the rest. The overexposed
    # white table in 19 has the same shape but no hue (saturation 6).
    obstruction_min_blob: float = 0.08
    obstruction_min_contrast: float = 3.0
    # Empty frame: the 95th percentile of the gradient of a 32x32 copy is < 118
    # on 27 (26, black), 65 (80, red blur), 44 (98), 64 (114, grey blur), and
    # >= 120 on every photo with an item (47, a blurred page, is the lowest).
    no_subject_coarse_gradient: float = 118.0
    # Text within this share of the width/height from an edge is cut off.
    cut_off_margin: float = 0.015
    # A face touching an edge counts when it covers at least this share of the
    # frame (smaller ones are bystanders, not the subject).
    cut_off_min_face: float = 0.02
    # Rotation is reported when the lines that agree hold this share of the
    # confidently read characters and there are at least `rotated_min_chars`.
    rotated_min_agreement: float = 0.7
    rotated_min_chars: int = 6
    # ... and the lines read cover at least this share of the frame: a sticker on a
    # laptop (r08: 0.003) or a small logo (shared 00: 0.029) does not say how the
    # photo is turned; turned labels, signs and pages cover 0.14-0.84 (test table
    # in tests/models/test_compose_objects.py).
    rotated_min_text_area: float = 0.05
    # A photo whose text was read this well is not called blurry (21: soft, but
    # every line of the bill was read).
    well_read_chars: int = 25
    # Motion blur (models/analyzers/motion.py): a dip of the derivative's
    # autocorrelation along one direction, at least `motion_min_lag` px long, much
    # deeper than across it, in a photo whose centre is not sharp. The photos that
    # set each value are in tests/models/test_motion.py.
    motion_max_dip: float = -0.2
    motion_max_anisotropy: float = -0.13
    motion_min_lag: int = 5
    motion_max_centre_sharpness: float = 120.0


class QualityAnalyzer:
    """Measures sharpness, exposure, glare, obstruction and emptiness on a
    downscaled copy. Stateless, hence thread-safe."""

    name = "quality"

    def __init__(self, *, thresholds: QualityThresholds | None = None) -> None:
        self._thresholds = thresholds or QualityThresholds()

    @property
    def thresholds(self) -> QualityThresholds:
        """The thresholds in use."""
        return self._thresholds

    def analyze(self, image: RGBImage) -> QualityReport:
        """Return the pixel-level issues (English guidance) and the raw metrics."""
        metrics = measure(image)
        t = self._thresholds
        kinds: dict[QualityIssueKind, float] = {}
        if metrics["p95_grey"] < t.dark_p95:
            kinds["too_dark"] = 1 - metrics["p95_grey"] / t.dark_p95
        elif metrics["mean_grey"] > t.bright_mean:
            kinds["too_bright"] = (metrics["mean_grey"] - t.bright_mean) / (255 - t.bright_mean)
        uniform = metrics["coarse_gradient"] < t.no_subject_coarse_gradient
        if uniform and metrics["edge_density"] < t.min_edge_density:
            kinds["no_subject"] = 1 - metrics["coarse_gradient"] / t.no_subject_coarse_gradient
        elif metrics["edge_density"] < t.min_edge_density:
            kinds["blurry"] = 1 - metrics["edge_density"] / t.min_edge_density
        elif (
            metrics["tile_sharpness"] < t.min_tile_sharpness
            and metrics["edge_density"] < t.soft_edge_density
        ):
            kinds["blurry"] = 0.5 * (1 - metrics["tile_sharpness"] / t.min_tile_sharpness)
        moved = is_motion_blurred(metrics, t)
        if moved and "blurry" not in kinds and "no_subject" not in kinds:
            kinds["blurry"] = round(min(1.0, -metrics["motion_dip"]), 3)
        if metrics["obstruction"] >= t.obstruction_min_blob:
            kinds["obstructed"] = min(1.0, metrics["obstruction"] / 0.3)
        elif t.glare_min_blob <= metrics["clipped_blob"] <= t.glare_max_blob:
            kinds["glare"] = min(1.0, metrics["clipped_blob"] / 0.2)
        issues = [
            QualityIssue(
                kind,
                round(float(score), 3),
                guidance_for(
                    kind, language="en", cause="motion" if moved and kind == "blurry" else ""
                ),
                cause=("motion" if moved else "focus") if kind == "blurry" else "",
            )
            for kind, score in kinds.items()
        ]
        return QualityReport(issues=_by_priority(issues), metrics=metrics)


def is_motion_blurred(metrics: dict[str, float], t: QualityThresholds) -> bool:
    """The motion-blur rule on the measurements of `measure`."""
    return (
        metrics["motion_dip"] <= t.motion_max_dip
        and metrics["motion_dip"] - metrics["motion_perpendicular_dip"] <= t.motion_max_anisotropy
        and metrics["motion_lag_px"] >= t.motion_min_lag
        and metrics["centre_sharpness"] < t.motion_max_centre_sharpness
    )


def measure(image: RGBImage) -> dict[str, float]:
    """The raw measurements the decisions are based on (see QualityThresholds)."""
    small = _downscale(image, ANALYSIS_SIDE)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    laplacian = cv2.Laplacian(grey, cv2.CV_64F)
    height, width = grey.shape
    tiles = [
        float(
            laplacian[
                i * height // 4 : (i + 1) * height // 4, j * width // 4 : (j + 1) * width // 4
            ].var()
        )
        for i in range(4)
        for j in range(4)
    ]
    edges = cv2.Canny(cv2.GaussianBlur(grey, (3, 3), 0), 50, 150)
    tiny = cv2.resize(grey, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
    gradient = np.hypot(cv2.Sobel(tiny, cv2.CV_32F, 1, 0), cv2.Sobel(tiny, cv2.CV_32F, 0, 1))
    # The subject is usually in the middle: the sharpness of the central tiles of a
    # 6x6 grid, so that a sharp background does not hide a shaken subject.
    centre_tiles = [
        float(
            laplacian[
                i * height // 6 : (i + 1) * height // 6, j * width // 6 : (j + 1) * width // 6
            ].var()
        )
        for i in range(1, 5)
        for j in range(1, 5)
    ]
    motion = measure_motion(small)
    return {
        "centre_sharpness": round(float(np.percentile(centre_tiles, 75)), 2),
        "motion_dip": motion.dip,
        "motion_perpendicular_dip": motion.perpendicular_dip,
        "motion_lag_px": float(motion.lag_px),
        "motion_direction_degrees": float(motion.direction_degrees),
        "mean_grey": round(float(grey.mean()), 2),
        "p95_grey": round(float(np.percentile(grey, 95)), 2),
        "sharpness": round(float(laplacian.var()), 2),
        "tile_sharpness": round(float(np.percentile(tiles, 90)), 2),
        "edge_density": round(float((edges > 0).mean()), 4),
        "coarse_gradient": round(float(np.percentile(gradient[1:-1, 1:-1], 95)), 2),
        "clipped_blob": round(_largest_blob((grey >= 250).astype(np.uint8)), 4),
        "obstruction": round(_obstruction(small), 4),
    }


def _downscale(image: RGBImage, side: int) -> RGBImage:
    scale = side / max(image.shape[:2])
    if scale >= 1:
        return image
    resized = np.asarray(
        cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), dtype=np.uint8
    )
    return resized


def _largest_blob(mask: np.ndarray) -> float:
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    if count <= 1:
        return 0.0
    return float(stats[1:, cv2.CC_STAT_AREA].max()) / float(mask.size)


def _obstruction(small: RGBImage) -> float:
    """Share of the frame covered by a smooth, lit, skin-hued blob touching the
    border that is much smoother than the rest of the photo (0 when none)."""
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    detail_map = np.abs(cv2.Laplacian(cv2.GaussianBlur(grey, (3, 3), 0), cv2.CV_32F))
    grid = 8
    detail = cv2.resize(detail_map, (grid, grid), interpolation=cv2.INTER_AREA)
    level = cv2.resize(grey.astype(np.float32), (grid, grid), interpolation=cv2.INTER_AREA)
    mask = ((detail < 0.8) & (level >= 110)).astype(np.uint8)
    count, labels, _stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    best = 0.0
    for label in range(1, count):
        region = labels == label
        touches = bool(
            region[0].any() or region[-1].any() or region[:, 0].any() or region[:, -1].any()
        )
        share = float(region.mean())
        if not touches or share <= best or region.all():
            continue
        contrast = (float(np.median(detail[~region])) + 1e-3) / (
            float(detail[region].mean()) + 1e-3
        )
        full = cv2.resize(
            region.astype(np.uint8), (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_NEAREST
        ).astype(bool)
        pixels = hsv[full & (grey < 245)]
        if contrast < QualityThresholds.obstruction_min_contrast or len(pixels) == 0:
            continue
        hue, saturation = float(np.median(pixels[:, 0])), float(pixels[:, 1].mean())
        if (hue <= 30 or hue >= 160) and saturation >= 10:
            best = share
    return best


def finalize_quality(
    report: QualityReport,
    *,
    lines: Sequence[TextLine],
    rotation_degrees: int,
    rotation_agreement: float,
    faces: Sequence[FaceBox],
    width: int,
    height: int,
    language: str = "en",
    thresholds: QualityThresholds | None = None,
    text_area_fraction: float = 1.0,
) -> QualityReport:
    """Combine the pixel report with OCR and faces; phrase guidance in `language`.

    Adds `rotated` (text turned 90/180/270) and `cut_off` (confidently read text
    touching an edge, else a face of 2 %+ of the frame touching one; naming the
    edges); drops `no_subject` when text or faces
    were found and `blurry` when the text was read well anyway.
    """
    t = thresholds or QualityThresholds()
    issues = [issue for issue in report.issues if issue.kind not in ("rotated", "cut_off")]
    confident = [line for line in lines if line.confidence >= 0.8 and len(line.text) >= 3]
    read_chars = sum(len(line.text) for line in confident)
    if lines or faces:
        issues = [issue for issue in issues if issue.kind != "no_subject"]
    if read_chars >= t.well_read_chars:
        issues = [issue for issue in issues if issue.kind != "blurry"]
    if (
        rotation_degrees % 360 != 0
        and rotation_agreement >= t.rotated_min_agreement
        and read_chars >= t.rotated_min_chars
        and text_area_fraction >= t.rotated_min_text_area
    ):
        issues.append(
            QualityIssue(
                "rotated", round(rotation_agreement, 3), "", rotation_degrees=rotation_degrees % 360
            )
        )
    localized = [
        replace(
            issue,
            guidance=guidance_for(
                issue.kind,
                language=language,
                edges=issue.edges,
                rotation_degrees=issue.rotation_degrees,
                cause=issue.cause,
            ),
        )
        for issue in issues
    ]
    cut = _cut_off_issue(
        confident,
        faces,
        width=width,
        height=height,
        margin=t.cut_off_margin,
        min_face=t.cut_off_min_face,
        language=language,
    )
    if cut is not None:
        localized.append(cut)
    metrics = {
        **report.metrics,
        "text_chars": float(read_chars),
        "text_rotation_degrees": float(rotation_degrees % 360),
        "text_rotation_agreement": round(float(rotation_agreement), 3),
    }
    return QualityReport(issues=_by_priority(localized), metrics=metrics)


def _cut_off_issue(
    lines: Sequence[TextLine],
    faces: Sequence[FaceBox],
    *,
    width: int,
    height: int,
    margin: float,
    min_face: float,
    language: str,
) -> QualityIssue | None:
    """Text touching an edge, else a sizeable face touching one (the text matters
    more: it is what the user usually wants read)."""
    edges = cut_off_edges(lines, width=width, height=height, margin=margin)
    subject: Subject = "text"
    if not edges:
        big = [
            TextLine(text="", confidence=1.0, box=face.box)
            for face in faces
            if face.relative_size >= min_face
        ]
        edges = cut_off_edges(big, width=width, height=height, margin=margin)
        subject = "face"
    if not edges:
        return None
    guidance = guidance_for("cut_off", language=language, edges=edges, subject=subject)
    return QualityIssue("cut_off", round(len(edges) / 4, 3), guidance, edges=edges)


def cut_off_edges(
    lines: Sequence[TextLine], *, width: int, height: int, margin: float
) -> tuple[Edge, ...]:
    """Edges of the frame that a text line touches (within `margin` of the size)."""
    found: set[Edge] = set()
    dx, dy = max(2.0, width * margin), max(2.0, height * margin)
    for line in lines:
        box = line.box
        if box is None:
            continue
        if box.x <= dx:
            found.add("left")
        if box.x + box.width >= width - dx:
            found.add("right")
        if box.y <= dy:
            found.add("top")
        if box.y + box.height >= height - dy:
            found.add("bottom")
    return tuple(edge for edge in ("top", "bottom", "left", "right") if edge in found)


def _by_priority(issues: list[QualityIssue]) -> tuple[QualityIssue, ...]:
    return tuple(sorted(issues, key=lambda issue: _PRIORITY.index(issue.kind)))
