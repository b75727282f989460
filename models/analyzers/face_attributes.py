"""Visible face attributes from MediaPipe's face mesh: expression, eyes, glasses,
head turn, and the colours of hair and clothing around the face.

Model: MediaPipe Face Mesh (`face_landmark.tflite`, Apache-2.0, 468 3-D
landmarks and a face probability from a 192x192 crop), converted to ONNX once
(`models/convert/face_landmark.py`) and shipped in `weights/`; it runs on ONNX
Runtime. No identity, no embeddings: the landmarks are turned into a handful of
visible judgements and then dropped.

For each detected face (largest first, at most `MAX_FACES`): the square around
the detector's box, 1.5x its size as MediaPipe crops it, is read upright and
turned 90° each way when the first read finds no face (photos taken sideways);
the landmarks then give the roll, and a second read on the crop turned upright
around the landmarks gives the final mesh. From the mesh, in eye-distance units:

- smiling: mouth width plus the lift of the mouth corners above the lip centre;
- eyes closed: eyelid gap / eye width, both eyes;
- facing the camera: yaw and pitch from the mesh's depth (cheek to cheek,
  forehead to chin);
- glasses: dark lenses over both eyes (sunglasses, goggles) only; clear glasses
  are not judged (see `_glasses`);
- hair and clothing colour: the dominant colour of a band above the forehead
  and of the chest below the chin, named with the colour analyzer's names.

Thresholds are in `AttributeThresholds`; which photos set each one is in
tests/models/test_face_attributes.py (a table), the measurements in
docs/vision.md. Age group is not reported: no permissively licensed model that
ships in a package was found, and geometry alone does not tell a child reliably.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from models.analyzers.base import RGBImage
from models.analyzers.colours import name_rgb
from models.analyzers.runtime import create_session
from models.types import FaceAttributes, FaceBox

MODEL_PATH = Path(__file__).resolve().parent / "weights" / "face_landmark.onnx"
INPUT_SIDE = 192
ROI_SCALE = 1.5
MAX_FACES = 6
# Mesh indices (MediaPipe canonical face mesh).
_EYE_OUTER = (33, 263)  # image-left eye's outer corner, image-right eye's outer corner
_LEFT_EYE = (33, 133, 159, 145)  # outer, inner, upper lid, lower lid
_RIGHT_EYE = (263, 362, 386, 374)
_MOUTH_CORNERS = (61, 291)
_LIP_CENTRE = (13, 14)
_CHEEKS = (234, 454)
_FOREHEAD, _CHIN, _NOSE_BRIDGE = 10, 152, 168

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class AttributeThresholds:
    """Decision thresholds (see the test table for the photos that set them)."""

    min_face_probability: float = 0.5  # face-mesh sigmoid; below it, no attributes
    min_face_side: int = 40  # px in the photo; smaller faces get no expression/eyes
    smile: float = 0.72  # smile score at or above: smiling
    no_smile: float = 0.62  # at or below: not smiling; between: cannot tell
    eyes_closed: float = 0.12  # eye openness below: closed
    eyes_open: float = 0.2  # above: open; between: cannot tell
    facing_yaw: float = 25.0  # |yaw| in degrees at or below: facing the camera
    turned_yaw: float = 35.0  # above: turned away; between: cannot tell
    facing_pitch: float = 30.0
    dark_lenses: float = 0.45  # eye-region brightness / cheek brightness: sunglasses
    min_region_inside: float = 0.6  # share of a colour region inside the photo


class FaceAttributeAnalyzer:
    """Visible attributes of detected faces; thread-safe (one ONNX session)."""

    name = "face_attributes"
    model_name = "mediapipe-face-mesh"

    def __init__(
        self, *, model_path: Path = MODEL_PATH, thresholds: AttributeThresholds | None = None
    ) -> None:
        if not model_path.is_file():
            raise RuntimeError(f"face-mesh model missing at {model_path}")
        self._session: Any = create_session(model_path, name=self.model_name)
        self._input = self._session.get_inputs()[0].name
        self._thresholds = thresholds or AttributeThresholds()
        self._lock = threading.Lock()

    @property
    def thresholds(self) -> AttributeThresholds:
        """The thresholds in use."""
        return self._thresholds

    def describe(self, image: RGBImage, faces: Sequence[FaceBox]) -> tuple[FaceBox, ...]:
        """Return `faces` with `attributes` filled in for the largest `MAX_FACES`."""
        out = []
        for index, face in enumerate(faces):
            attributes = self.attributes(image, face) if index < MAX_FACES else None
            out.append(replace(face, attributes=attributes))
        return tuple(out)

    def attributes(self, image: RGBImage, face: FaceBox) -> FaceAttributes | None:
        """The attributes of one face, or None when the mesh finds no face there."""
        mesh = self.mesh(image, face)
        if mesh is None:
            return None
        points, probability = mesh
        return judge(image, points, probability, face, self._thresholds)

    def mesh(self, image: RGBImage, face: FaceBox) -> tuple[Matrix, float] | None:
        """The 468 landmarks (x, y in photo pixels, z in the same scale) and the
        face probability, or None when no orientation gives a face."""
        box = face.box
        centre = (box.x + box.width / 2, box.y + box.height / 2)
        side = ROI_SCALE * max(box.width, box.height)
        best: tuple[Matrix, float] | None = None
        for roll in (0.0, 90.0, -90.0):
            found = self._run(image, centre, side, roll)
            if best is None or found[1] > best[1]:
                best = found
            if found[1] >= self._thresholds.min_face_probability:
                break
        assert best is not None
        points, probability = best
        if probability < self._thresholds.min_face_probability:
            return None
        # Second read: the crop turned so that the eyes are level, around the mesh.
        left, right = points[_EYE_OUTER[0], :2], points[_EYE_OUTER[1], :2]
        roll = math.degrees(math.atan2(right[1] - left[1], right[0] - left[0]))
        low, high = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
        centre2 = ((low[0] + high[0]) / 2, (low[1] + high[1]) / 2)
        side2 = ROI_SCALE * float(np.hypot(*(high - low))) / math.sqrt(2)
        refined, probability2 = self._run(image, centre2, side2, roll)
        if probability2 >= probability:
            return refined, probability2
        return points, probability

    def _run(
        self, image: RGBImage, centre: tuple[float, float], side: float, roll: float
    ) -> tuple[Matrix, float]:
        """Run the mesh on the square crop (centre, side, turned by `roll` degrees
        clockwise); landmarks come back in photo coordinates."""
        matrix = _crop_matrix(centre, side, roll)
        crop = cv2.warpAffine(
            image,
            matrix[:2],
            (INPUT_SIDE, INPUT_SIDE),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
        )
        tensor = np.ascontiguousarray(
            (crop.astype(np.float32) / 255.0).transpose(2, 0, 1)[None], dtype=np.float32
        )
        with self._lock:
            landmarks, flag = self._session.run(None, {self._input: tensor})
        local = np.asarray(landmarks, dtype=np.float64).reshape(-1, 3)
        homogeneous = np.concatenate([local[:, :2], np.ones((len(local), 1))], axis=1)
        points = np.empty_like(local)
        points[:, :2] = homogeneous @ matrix[:2].T
        points[:, 2] = local[:, 2] * side / INPUT_SIDE
        probability = 1.0 / (1.0 + math.exp(-float(np.asarray(flag).reshape(-1)[0])))
        return points, probability


def _crop_matrix(centre: tuple[float, float], side: float, roll: float) -> Matrix:
    """3x3 affine map from crop pixels (0..INPUT_SIDE) to photo pixels."""
    scale = side / INPUT_SIDE
    angle = math.radians(roll)
    a, b = math.cos(angle) * scale, math.sin(angle) * scale
    half = INPUT_SIDE / 2
    return np.array(
        [
            [a, -b, centre[0] - a * half + b * half],
            [b, a, centre[1] - b * half - a * half],
            [0.0, 0.0, 1.0],
        ]
    )


def _upright(points: Matrix) -> Matrix:
    """Landmarks in the face's own frame: eyes level, x to the image-right eye,
    in units of the outer-eye-corner distance (z scaled alike)."""
    left, right = points[_EYE_OUTER[0]], points[_EYE_OUTER[1]]
    axis = right[:2] - left[:2]
    distance = float(np.hypot(*axis)) or 1.0
    cos, sin = axis / distance
    rotation = np.array([[cos, sin], [-sin, cos]])
    flat = (points[:, :2] - left[:2]) @ rotation.T / distance
    return np.concatenate([flat, points[:, 2:3] / distance], axis=1)


def measure(points: Matrix) -> dict[str, float]:
    """The geometric measurements behind the judgements (face frame)."""
    face = _upright(points)

    def gap(i: int, j: int) -> float:
        return float(np.hypot(*(face[i, :2] - face[j, :2])))

    openness = [gap(up, down) / max(gap(outer, inner), 1e-6) for outer, inner, up, down in (_LEFT_EYE, _RIGHT_EYE)]
    corners = face[list(_MOUTH_CORNERS)]
    lip_centre = face[list(_LIP_CENTRE), 1].mean()
    width = gap(*_MOUTH_CORNERS)
    lift = float(lip_centre - corners[:, 1].mean())
    cheek_l, cheek_r = face[_CHEEKS[0]], face[_CHEEKS[1]]
    top, chin = face[_FOREHEAD], face[_CHIN]
    yaw = math.degrees(math.atan2(cheek_r[2] - cheek_l[2], cheek_r[0] - cheek_l[0]))
    pitch = math.degrees(math.atan2(top[2] - chin[2], chin[1] - top[1]))
    return {
        "eye_openness": float(np.mean(openness)),
        "eye_openness_min": float(min(openness)),
        "mouth_width": width,
        "corner_lift": lift,
        "smile_score": width + lift,
        "yaw_degrees": yaw,
        "pitch_degrees": pitch,
    }


def judge(
    image: RGBImage,
    points: Matrix,
    probability: float,
    face: FaceBox,
    t: AttributeThresholds,
) -> FaceAttributes:
    """Turn the mesh into visible attributes, leaving out what cannot be told."""
    m = measure(points)
    big_enough = min(face.box.width, face.box.height) >= t.min_face_side
    facing: bool | None = None
    if abs(m["yaw_degrees"]) <= t.facing_yaw and abs(m["pitch_degrees"]) <= t.facing_pitch:
        facing = True
    elif abs(m["yaw_degrees"]) > t.turned_yaw or abs(m["pitch_degrees"]) > t.facing_pitch:
        facing = False
    smiling: bool | None = None
    eyes_closed: bool | None = None
    # Expression and eyes are read only on faces large enough and turned little:
    # a profile's mouth and eyelids are foreshortened.
    if big_enough and abs(m["yaw_degrees"]) <= t.turned_yaw:
        if m["smile_score"] >= t.smile:
            smiling = True
        elif m["smile_score"] <= t.no_smile:
            smiling = False
        if m["eye_openness"] < t.eyes_closed:
            eyes_closed = True
        elif m["eye_openness_min"] > t.eyes_open:
            eyes_closed = False
    glasses = _glasses(image, points, t) if big_enough and facing else None
    return FaceAttributes(
        smiling=smiling,
        smile_score=round(m["smile_score"], 3),
        eyes_closed=eyes_closed,
        eye_openness=round(m["eye_openness"], 3),
        glasses=glasses,
        facing_camera=facing,
        yaw_degrees=round(m["yaw_degrees"], 1),
        pitch_degrees=round(m["pitch_degrees"], 1),
        hair_colour=_region_colour(image, points, "hair", t),
        clothing_colour=_region_colour(image, points, "clothing", t),
        landmark_score=round(probability, 3),
    )


def _sample(
    image: npt.NDArray[Any], points: Matrix, box: tuple[float, float, float, float]
) -> tuple[npt.NDArray[Any], float]:
    """Pixels of a rectangle given in face units (x across from the face centre,
    y down from the forehead top, both in face heights), and the share inside."""
    left, right = points[_CHEEKS[0], :2], points[_CHEEKS[1], :2]
    top, chin = points[_FOREHEAD, :2], points[_CHIN, :2]
    height = float(np.hypot(*(chin - top))) or 1.0
    down = (chin - top) / height
    across = np.array([-down[1], down[0]])
    if float(np.dot(across, right - left)) < 0:
        across = -across
    centre = top + across * float(np.dot((left + right) / 2 - top, across))
    x0, y0, x1, y1 = box
    us, vs = np.meshgrid(np.linspace(x0, x1, 24), np.linspace(y0, y1, 16))
    xy = centre[None, None, :] + (us[..., None] * across + vs[..., None] * down) * height
    xs, ys = xy[..., 0].ravel(), xy[..., 1].ravel()
    h, w = image.shape[:2]
    inside = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
    pixels = image[ys[inside].astype(int), xs[inside].astype(int)]
    return np.asarray(pixels), float(inside.mean())


# Regions in face heights (forehead top at y = 0, chin at y = 1); _SKIN is the cheeks and nose.
_SKIN = (-0.2, 0.45, 0.2, 0.6)
SKIN_DISTANCE = 14.0  # Lab distance under which a pixel counts as the face's skin colour
_REGIONS = {
    "hair": (-0.25, -0.22, 0.25, -0.02),
    "clothing": (-0.55, 1.45, 0.55, 2.0),
}


def _region_colour(
    image: RGBImage, points: Matrix, region: str, t: AttributeThresholds
) -> str | None:
    """The dominant colour name of a region around the face, or None when the
    region is mostly outside the photo or looks like the face's own skin."""
    pixels, inside = _sample(image, points, _REGIONS[region])
    if inside < t.min_region_inside or len(pixels) < 20:
        return None
    skin_pixels, skin_inside = _sample(image, points, _SKIN)
    skin = _dominant(skin_pixels) if skin_inside > 0.5 and len(skin_pixels) >= 20 else None
    if region == "clothing" and skin is not None:
        # A neckline or bare arms are skin, not clothing: leave skin-coloured pixels out.
        distance = _lab_distances(pixels, skin)
        if float((distance >= SKIN_DISTANCE).mean()) < 0.3:
            return None
        pixels = pixels[distance >= SKIN_DISTANCE]
    colour = _dominant(pixels)
    if region == "hair" and skin is not None and _lab_distances(np.array([colour], np.uint8), skin)[0] < SKIN_DISTANCE:
        return None  # the band above the forehead is skin: bald, or hair pulled back
    return name_rgb(colour)


def _dominant(pixels: npt.NDArray[np.uint8]) -> tuple[int, int, int]:
    """The centre of the larger of two k-means clusters in Lab."""
    lab = cv2.cvtColor(pixels.reshape(-1, 1, 3), cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float32)
    if len(lab) < 4:
        centre = lab.mean(axis=0)
    else:
        cv2.setRNGSeed(7)
        criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 10, 1.0)
        _c, labels, centres = cv2.kmeans(lab, 2, np.zeros((len(lab), 1), np.int32), criteria, 1, cv2.KMEANS_PP_CENTERS)
        counts = np.bincount(labels.ravel(), minlength=2)
        centre = centres[int(np.argmax(counts))]
    rgb = cv2.cvtColor(np.clip(centre, 0, 255).astype(np.uint8).reshape(1, 1, 3), cv2.COLOR_LAB2RGB)[0, 0]
    return int(rgb[0]), int(rgb[1]), int(rgb[2])


def _lab_distances(pixels: npt.NDArray[np.uint8], colour: tuple[int, int, int]) -> npt.NDArray[np.float32]:
    """Lab distance of each RGB pixel to one colour."""
    both = np.concatenate([pixels.reshape(-1, 3), np.array([colour], np.uint8)]).reshape(-1, 1, 3)
    lab = cv2.cvtColor(both.astype(np.uint8), cv2.COLOR_RGB2LAB).reshape(-1, 3).astype(np.float32)
    return np.asarray(np.linalg.norm(lab[:-1] - lab[-1], axis=1), dtype=np.float32)


def _glasses(image: RGBImage, points: Matrix, t: AttributeThresholds) -> bool | None:
    """True for dark lenses over both eyes (sunglasses, goggles); None otherwise.

    Clear glasses are not judged: the frame-bridge edge test fired on 5 of 16
    held-out faces without glasses (hair and shadows across the nose bridge),
    and no labelled face wears clear glasses, so "no glasses" is never said."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    cheek, _ = _sample_grey(grey, points, (0.18, 0.55, 0.3, 0.67))
    eyes = np.concatenate(
        [
            _sample_grey(grey, points, box)[0].ravel()
            for box in ((-0.3, 0.32, -0.12, 0.42), (0.12, 0.32, 0.3, 0.42))
        ]
    )
    if cheek.size < 4 or eyes.size < 4:
        return None
    dark = float(eyes.mean()) / (float(cheek.mean()) + 1.0)
    return True if dark <= t.dark_lenses else None


def _sample_grey(
    grey: npt.NDArray[np.float32], points: Matrix, box: tuple[float, float, float, float]
) -> tuple[npt.NDArray[np.float32], float]:
    """Like `_sample` on a grey image, keeping the 2-D grid (rows down the face)."""
    pixels, inside = _sample(grey, points, box)
    if inside < 1.0:
        return np.zeros((0, 0), np.float32), inside
    return pixels.astype(np.float32).reshape(16, 24), inside
