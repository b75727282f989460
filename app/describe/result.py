"""Builds the description contract (`app.schemas.answer.Answer`) from the pipeline's parts.

What each field means is documented on the model; this module decides only
what goes into it (docs/pipeline.md, step 6).
"""

from __future__ import annotations

from app.schemas.answer import (
    Answer,
    BackendInfo,
    ColourOut,
    DisclaimerOut,
    FaceOut,
    ObjectOut,
    People,
    Quality,
    RedactionOut,
    RefusalOut,
    SafetyReport,
    TextLineOut,
)
from models.types import Detail, FaceBox, GeneratedAnswer, ImageAnalysis
from safety.types import SafetyOutcome

# Refusals after which the photo's content must not leak through other fields.
HIDE_TEXT_ON_REFUSAL = frozenset({"captcha", "explicit", "illicit"})
HIDE_PEOPLE_ON_REFUSAL = frozenset({"explicit"})
# Classifier labels below this probability are noise, not findings; they stay out of `objects`.
MIN_OBJECT_PROBABILITY = 0.15


def build_result(
    *,
    analysis: ImageAnalysis,
    outcome: SafetyOutcome,
    answer: GeneratedAnswer | None,
    backend_name: str,
    analysis_models: tuple[str, ...],
    language: str,
    detail: Detail,
) -> Answer:
    """The answer with the findings that may be shown after what safety decided.

    `backend.models` names the analyzers' models and then the backend's own
    (a refusal ran no backend, so it names only the analyzers')."""
    reason = outcome.refusal.reason if outcome.refusal else None
    hide_text = reason in HIDE_TEXT_ON_REFUSAL
    hide_people = reason in HIDE_PEOPLE_ON_REFUSAL
    return Answer(
        text=outcome.text,
        language=answer.language if answer else language,
        detail=detail,
        text_read=[]
        if hide_text
        else [TextLineOut(text=line.text, confidence=line.confidence) for line in analysis.text_lines],
        people=People(
            count=0 if hide_people else len(analysis.faces),
            faces=[]
            if hide_people
            else [_face_out(face) for face in analysis.faces],
        ),
        quality=Quality(
            issues=[issue.kind for issue in analysis.quality.issues],
            guidance=[issue.guidance for issue in analysis.quality.issues],
        ),
        colours=[]
        if hide_people
        else [
            ColourOut(name=colour.name, fraction=round(colour.fraction, 3))
            for colour in analysis.colours
        ],
        objects=[]
        if hide_people
        else [
            ObjectOut(label=label.label, probability=round(label.probability, 3))
            for label in analysis.scene
            if label.probability >= MIN_OBJECT_PROBABILITY
        ],
        safety=SafetyReport(
            refusal=RefusalOut(reason=outcome.refusal.reason, message=outcome.refusal.message)
            if outcome.refusal
            else None,
            disclaimers=[DisclaimerOut(category=d.category, text=d.text) for d in outcome.disclaimers],
            redactions=[RedactionOut(kind=r.kind, count=r.count) for r in outcome.redactions],
        ),
        backend=BackendInfo(
            name=answer.backend if answer else backend_name,
            models=list(dict.fromkeys((*analysis_models, *(answer.models if answer else ())))),
            fallback_from=answer.fallback_from if answer else None,
        ),
    )


def _face_out(face: FaceBox) -> FaceOut:
    """A face for the contract: position, size and its visible attributes (never identity)."""
    attributes = face.attributes
    if attributes is None:
        return FaceOut(position=face.position, relative_size=round(face.relative_size, 4))
    return FaceOut(
        position=face.position,
        relative_size=round(face.relative_size, 4),
        smiling=attributes.smiling,
        eyes_closed=attributes.eyes_closed,
        dark_glasses=attributes.glasses or None,
        facing_camera=attributes.facing_camera,
        hair_colour=attributes.hair_colour,
        clothing_colour=attributes.clothing_colour,
    )
