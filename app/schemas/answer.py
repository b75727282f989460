"""The description contract: what Sightline says about a photo and what it found.

`Answer` holds the fields shared by a description and a follow-up; the
pipeline builds it (app/describe/result.py) and stored rows are validated back
into it. Defaults let rows written before a field existed still load.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from models.types import Detail, QualityIssueKind
from safety.types import DisclaimerCategory, RefusalReason


class TextLineOut(BaseModel):
    """One line of text read from the photo by OCR."""

    text: str = Field(description="The line as read.", examples=["KIRKLAND SLICED PEACHES"])
    confidence: float = Field(
        description="OCR confidence from 0 to 1.", examples=[0.93]
    )


class FaceOut(BaseModel):
    """A detected face: where it is and how large, never who it is."""

    position: str = Field(
        description="Where the face is in the frame, e.g. `left`, `centre`, `top right`.",
        examples=["centre"],
    )
    relative_size: float = Field(
        description="Face area as a fraction (0 to 1) of the photo's area.", examples=[0.0412]
    )
    # Visible attributes (issue 12): what a sighted person sees, never who it is and
    # never a trait inferred from the face. null = the analyzer cannot tell.
    smiling: bool | None = Field(
        default=None, description="The face seems to smile; null when it cannot tell.",
        examples=[True],
    )
    eyes_closed: bool | None = Field(
        default=None, description="The eyes seem closed; null when it cannot tell.",
        examples=[False],
    )
    dark_glasses: bool | None = Field(
        default=None,
        description="Dark lenses seem to cover the eyes; only `true` or null (clear glasses "
        "are not judged).",
        examples=[None],
    )
    facing_camera: bool | None = Field(
        default=None,
        description="The head seems turned towards the camera (within about 20 degrees); "
        "null when it cannot tell.",
        examples=[True],
    )
    hair_colour: str | None = Field(
        default=None,
        description="Approximate hair colour from the band above the face (the colour names "
        "of `colours`); weak on short or white hair, say it hedged. null when unknown.",
        examples=["brown"],
    )
    clothing_colour: str | None = Field(
        default=None,
        description="Approximate colour of the clothing just below the face; null when unknown.",
        examples=["dark blue"],
    )


class People(BaseModel):
    """People counted from detected faces."""

    count: int = Field(ge=0, description="How many faces were detected.", examples=[1])
    faces: list[FaceOut] = Field(
        default_factory=list, description="Each detected face, largest findings first."
    )


class Quality(BaseModel):
    """Problems with the photo and what to do about each, in the answer's language."""

    issues: list[QualityIssueKind] = Field(
        default_factory=list,
        description="Problems found, most important first.",
        examples=[["cut_off"]],
    )
    guidance: list[str] = Field(
        default_factory=list,
        description="One spoken suggestion per issue, in the same order as `issues`.",
        examples=[["Move the phone back a little; the top of the label is cut off."]],
    )


class ColourOut(BaseModel):
    """A named dominant colour of the photo's main region."""

    name: str = Field(description="Colour name in plain words.", examples=["orange"])
    fraction: float = Field(
        description="Share (0 to 1) of the main region in this colour.", examples=[0.412]
    )


class ObjectOut(BaseModel):
    """A scene or object class from the image classifier (said hedged in the text)."""

    label: str = Field(description="Class name.", examples=["can"])
    probability: float = Field(
        description="Classifier probability (0 to 1); labels below 0.15 are left out.",
        examples=[0.31],
    )


class RefusalOut(BaseModel):
    """Why Sightline declined to answer, and the short sentence it said instead."""

    reason: RefusalReason = Field(description="Why the question or photo was refused.")
    message: str = Field(
        description="The refusal as spoken (also in `text`).",
        examples=["I can't identify people from their appearance."],
    )


class DisclaimerOut(BaseModel):
    """A short health or safety disclaimer attached to the answer."""

    category: DisclaimerCategory = Field(description="The health or safety topic.")
    text: str = Field(
        description="The disclaimer sentence (also included in `text`).",
        examples=["Check the dose with a pharmacist or the label before taking it."],
    )


class RedactionOut(BaseModel):
    """What safety removed from a generated answer, counted by kind."""

    kind: str = Field(description="What was removed, e.g. `person_name`.", examples=["person_name"])
    count: int = Field(ge=0, description="How many were removed.", examples=[1])


class SafetyReport(BaseModel):
    """Everything the safety policies did to this answer."""

    refusal: RefusalOut | None = Field(
        default=None, description="Null when answered; otherwise why it was refused."
    )
    disclaimers: list[DisclaimerOut] = Field(
        default_factory=list, description="Health and safety disclaimers, in the order spoken."
    )
    redactions: list[RedactionOut] = Field(
        default_factory=list, description="What was removed from a generated answer."
    )


class BackendInfo(BaseModel):
    """Which backend wrote the answer and which models it and the analyzers used."""

    name: str = Field(
        description="The backend that wrote the answer: `local`, `onnx` or `openai`.",
        examples=["local"],
    )
    models: list[str] = Field(
        default_factory=list,
        description="Models that produced the analysis and the answer, by the `name` that "
        "`sightline models list --json` prints (a remote model by its configured name).",
        examples=[["PP-OCR text detection (rapidocr det)", "MTCNN ONet face verifier"]],
    )
    fallback_from: str | None = Field(
        default=None,
        description="The configured backend that failed, when `local` answered instead.",
        examples=[None],
    )


class Answer(BaseModel):
    """The answer about one photo and the grounded findings behind it."""

    model_config = ConfigDict(extra="ignore")

    text: str = Field(
        description="The answer to speak, disclaimers included.",
        examples=["A can of Kirkland sliced peaches. The label reads: KIRKLAND SLICED PEACHES."],
    )
    language: str = Field(description="BCP 47 tag of `text`.", examples=["en"])
    detail: Detail = Field(
        default="standard", description="How much was said: `brief`, `standard` or `detailed`."
    )
    text_read: list[TextLineOut] = Field(
        default_factory=list,
        description="Lines read from the photo, in reading order; empty when the photo was "
        "refused for a reason that forbids reading it (CAPTCHA, explicit, illicit).",
    )
    people: People = Field(
        default_factory=lambda: People(count=0), description="People counted from faces."
    )
    quality: Quality = Field(default_factory=Quality, description="Photo problems and guidance.")
    colours: list[ColourOut] = Field(
        default_factory=list, description="Dominant colours of the main region."
    )
    objects: list[ObjectOut] = Field(
        default_factory=list, description="Probable scene or object classes."
    )
    safety: SafetyReport = Field(
        default_factory=SafetyReport, description="Refusal, disclaimers and redactions."
    )
    backend: BackendInfo = Field(description="Which backend and models produced the answer.")
