"""Typed results of the grounded analyzers and of vision backends.

Every result is a frozen dataclass that can round-trip through JSON
(`to_dict` / `from_dict`, validated by pydantic against these same classes),
because a description's analysis is stored and follow-up questions are
answered from it when the photo is not retained.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any, Literal

from pydantic import TypeAdapter

QualityIssueKind = Literal[
    "blurry",
    "too_dark",
    "too_bright",
    "glare",
    "cut_off",
    "rotated",
    "obstructed",
    "no_subject",
]
Detail = Literal["brief", "standard", "detailed"]
Edge = Literal["top", "bottom", "left", "right"]
# Why a photo is blurred: the camera moved in one direction ("motion") or it is out of
# focus / soft in every direction ("focus"); "" when not known.
BlurCause = Literal["motion", "focus", ""]
# Where the main object sits, from classifying the centre crop as well as the frame:
# "frame" = fills most of the photo, "centre" = a smaller object in the middle,
# "unknown" = the two views disagree.
ObjectExtent = Literal["frame", "centre", "unknown"]


@dataclass(frozen=True)
class BoundingBox:
    """An axis-aligned box in pixels of the analysis image."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class QualityIssue:
    """One problem with the photo and what the user can do about it."""

    kind: QualityIssueKind
    score: float
    guidance: str
    edges: tuple[Edge, ...] = ()
    rotation_degrees: int = 0
    # For `blurry`: "motion" when the blur has one direction (the phone moved), so the
    # guidance can say "hold the phone still" rather than "move back / tap to focus".
    cause: BlurCause = ""


@dataclass(frozen=True)
class QualityReport:
    """Image-quality findings; `metrics` keeps the raw measurements for debugging."""

    issues: tuple[QualityIssue, ...] = ()
    metrics: Mapping[str, float] = field(default_factory=dict)

    def has(self, kind: QualityIssueKind) -> bool:
        """Return True when an issue of this kind was found."""
        return any(issue.kind == kind for issue in self.issues)


@dataclass(frozen=True)
class TextLine:
    """A line of text read from the photo, in reading order."""

    text: str
    confidence: float
    box: BoundingBox | None = None
    # False for a line that reads as nonsense: low confidence and no dictionary word
    # (English or Japanese), e.g. "CrWindowe; Lrepalr detaile". Hedge or drop it.
    plausible: bool = True


@dataclass(frozen=True)
class FaceAttributes:
    """What a sighted person can see of a face: expression, eyes, glasses, head
    turn and the colours of hair and clothing. Never identity, never a trait
    inferred from the face (age, gender, ethnicity, emotion as a fact).

    Each judgement is None when it cannot be made reliably (a small, blurred or
    half-hidden face); the scores are kept so that a describer can hedge.
    """

    smiling: bool | None = None
    smile_score: float = 0.0  # mouth width and corner lift, in eye-distance units
    eyes_closed: bool | None = None
    eye_openness: float = 0.0  # eyelid gap / eye width, mean of both eyes
    glasses: bool | None = None
    facing_camera: bool | None = None
    yaw_degrees: float = 0.0  # head turned: + towards the image's right
    pitch_degrees: float = 0.0  # head tilted: + chin down
    hair_colour: str | None = None  # colour name (models.analyzers.colours vocabulary)
    clothing_colour: str | None = None
    landmark_score: float = 0.0  # face-mesh model's face probability


@dataclass(frozen=True)
class FaceBox:
    """A detected face: where it is, never who it is."""

    box: BoundingBox
    position: str  # e.g. "left", "centre", "top right"
    relative_size: float  # face area / image area
    confidence: float = 1.0
    attributes: FaceAttributes | None = None


@dataclass(frozen=True)
class ColourName:
    """A named dominant colour and its share of the main region."""

    name: str
    fraction: float
    rgb: tuple[int, int, int] = (0, 0, 0)


@dataclass(frozen=True)
class SceneLabel:
    """A scene/object class from a classifier, with its probability.

    `centre_probability` is the same class's probability on the centre crop
    (None when the crop was not classified)."""

    label: str
    probability: float
    centre_probability: float | None = None


@dataclass(frozen=True)
class MainObject:
    """The classifier's best guess at the photographed object and where it is.

    `probability` is the larger of the frame's and the centre crop's; `extent`
    says whether it fills the frame or sits in the middle. A describer should
    prefer a large, confident object to a read of text that covers a tiny part
    of the photo (see `ImageAnalysis.text_area_fraction`)."""

    label: str
    probability: float
    extent: ObjectExtent = "unknown"


@dataclass(frozen=True)
class ObjectRegion:
    """Where the object a question names ("my shoes") was seen, and its colours.

    Found by classifying overlapping tiles of the photo (`models/analyzers/regions.py`)
    only when the question names an object; `colours` are that tile's, so "what
    colour are my shoes?" is answered about the shoe, not the carpet around it."""

    noun: str  # the question's word group, e.g. "shoes" (models.compose.objects)
    label: str  # the classifier's class for it, e.g. "loafer"
    probability: float
    box: BoundingBox
    position: str  # e.g. "bottom right" (same vocabulary as FaceBox.position)
    colours: tuple[ColourName, ...] = ()


@dataclass(frozen=True)
class ImageAnalysis:
    """Everything the grounded analyzers found in one photo."""

    width: int
    height: int
    quality: QualityReport = field(default_factory=QualityReport)
    text_lines: tuple[TextLine, ...] = ()
    faces: tuple[FaceBox, ...] = ()
    colours: tuple[ColourName, ...] = ()
    scene: tuple[SceneLabel, ...] = ()
    explicit_score: float | None = None
    failed_analyzers: tuple[str, ...] = ()
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    main_object: MainObject | None = None
    # Share of the frame covered by the boxes of the lines read (0-1): text that is a
    # tiny part of the photo (a sticker on a laptop) should neither name the object
    # nor decide that the photo is "upside down".
    text_area_fraction: float = 0.0
    # Analyzers not run because the question did not need them (a follow-up that
    # needs one must re-analyze the photo, or say it cannot tell).
    skipped_analyzers: tuple[str, ...] = ()
    # The object the question named, where it was seen and its colours (None: the
    # question named none, or it was not looked for).
    named_region: ObjectRegion | None = None

    @property
    def full_text(self) -> str:
        """All OCR lines joined with newlines, in reading order."""
        return "\n".join(line.text for line in self.text_lines)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImageAnalysis:
        """Rebuild an analysis stored with `to_dict`, validated field by field against
        these dataclasses (fields added since a row was stored take their defaults)."""
        return _analysis_adapter().validate_python(data)


@cache
def _analysis_adapter() -> TypeAdapter[ImageAnalysis]:
    """Built on first use: importing this module stays cheap."""
    return TypeAdapter(ImageAnalysis)


@dataclass(frozen=True)
class ConversationTurn:
    """An earlier question and answer about the same photo."""

    question: str
    answer: str


@dataclass(frozen=True)
class DescribeRequest:
    """What a vision backend gets: the decoded photo (if still available), the
    question, the requested detail and language, and the grounded analysis.

    `image` is an RGB uint8 array (H, W, 3), already oriented, metadata-free and
    downscaled for analysis; it is None for follow-up questions about a photo
    that was not retained, in which case backends answer from `analysis`.
    """

    image: Any  # numpy.ndarray | None; Any keeps numpy out of this module's import
    question: str | None
    detail: Detail
    language: str
    analysis: ImageAnalysis
    history: tuple[ConversationTurn, ...] = ()


@dataclass(frozen=True)
class GeneratedAnswer:
    """A backend's answer before safety post-processing."""

    text: str
    language: str
    backend: str
    models: tuple[str, ...] = ()
    fallback_from: str | None = None
