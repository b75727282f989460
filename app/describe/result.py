"""Builds the JSON description contract (DESIGN.md) from the pipeline's parts."""

from __future__ import annotations

from typing import Any

from models.types import GeneratedAnswer, ImageAnalysis
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
    backend_models: tuple[str, ...],
    language: str,
    detail: str,
) -> dict[str, Any]:
    """Return the contract fields: text, language, text_read, people, quality, safety, backend."""
    reason = outcome.refusal.reason if outcome.refusal else None
    hide_text = reason in HIDE_TEXT_ON_REFUSAL
    hide_people = reason in HIDE_PEOPLE_ON_REFUSAL
    return {
        "text": outcome.text,
        "language": answer.language if answer else language,
        "detail": detail,
        "text_read": []
        if hide_text
        else [{"text": line.text, "confidence": line.confidence} for line in analysis.text_lines],
        "people": {
            "count": 0 if hide_people else len(analysis.faces),
            "faces": []
            if hide_people
            else [
                {"position": face.position, "relative_size": round(face.relative_size, 4)}
                for face in analysis.faces
            ],
        },
        "quality": {
            "issues": [issue.kind for issue in analysis.quality.issues],
            "guidance": [issue.guidance for issue in analysis.quality.issues],
        },
        "colours": []
        if hide_people
        else [
            {"name": colour.name, "fraction": round(colour.fraction, 3)}
            for colour in analysis.colours
        ],
        "objects": []
        if hide_people
        else [
            {"label": label.label, "probability": round(label.probability, 3)}
            for label in analysis.scene
            if label.probability >= MIN_OBJECT_PROBABILITY
        ],
        "safety": {
            "refusal": {"reason": outcome.refusal.reason, "message": outcome.refusal.message}
            if outcome.refusal
            else None,
            "disclaimers": [{"category": d.category, "text": d.text} for d in outcome.disclaimers],
            "redactions": [{"kind": r.kind, "count": r.count} for r in outcome.redactions],
        },
        "backend": {
            "name": answer.backend if answer else backend_name,
            "models": list(answer.models if answer and answer.models else backend_models),
            "fallback_from": answer.fallback_from if answer else None,
        },
    }
