"""Photo guidance a blind person can act on, in the request's language.

Guidance is phrased as an action ("move the phone back a little and up"), never
as a visual judgement alone. Directions assume the phone points at the item:
moving the phone up shows more of what is above the frame. Rotation advice
turns the item, not the phone, because the app already rotates photos by the
phone's orientation sensor, so sideways text means the item itself is sideways.

The sentences live in the message catalogues (`guidance.*`, `edge.*`,
`direction.*`); this module only decides which ones to say. The same sentence
is the JSON `quality.guidance` and the spoken text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from models.language import format_list, message, plural_message, supported_languages
from models.types import BlurCause, Edge, QualityIssue, QualityIssueKind

Subject = Literal["text", "item", "face"]
_SUBJECTS: tuple[Subject, ...] = ("text", "item", "face")

_EDGE_ORDER: tuple[Edge, ...] = ("top", "bottom", "left", "right")
_OPPOSITE: dict[Edge, Edge] = {"top": "bottom", "bottom": "top", "left": "right", "right": "left"}
_DIRECTION: dict[Edge, str] = {"top": "up", "bottom": "down", "left": "left", "right": "right"}


def guidance_for(
    issue_kind: QualityIssueKind,
    *,
    language: str = "en",
    edges: Sequence[Edge] = (),
    rotation_degrees: int = 0,
    subject: Subject = "text",
    cause: BlurCause = "",
) -> str:
    """Return the spoken guidance for one quality issue in `language`.

    `edges` names where the text or item is cut off (for `cut_off`),
    `rotation_degrees` how far the text is turned clockwise (for `rotated`),
    `cause` why a photo is blurry ("motion": the phone moved, so "hold it still").
    """
    if issue_kind == "cut_off":
        return _cut_off(language, edges, subject)
    if issue_kind == "rotated":
        return _rotated(language, rotation_degrees)
    if issue_kind == "blurry" and cause == "motion":
        return message("guidance.blurry.motion", language=language)
    return message(f"guidance.{issue_kind}", language=language)


def guidance_in(issue: QualityIssue, *, language: str) -> str:
    """The guidance of an analyzed issue, said in `language`.

    The analysis phrases guidance in the request's language, but a follow-up
    question may come in another language and reuse the stored analysis, so
    the sentence is rebuilt from the issue's fields. What was cut off (text, an
    item, a face) is not a field: it is recovered from the stored sentence.
    """
    subject: Subject = "text"
    if issue.kind == "cut_off":
        subject = next(
            (
                candidate
                for candidate in _SUBJECTS
                for tag in supported_languages()
                if issue.guidance
                == guidance_for("cut_off", language=tag, edges=issue.edges, subject=candidate)
            ),
            "text",
        )
    return guidance_for(
        issue.kind,
        language=language,
        edges=issue.edges,
        rotation_degrees=issue.rotation_degrees,
        subject=subject,
        cause=issue.cause,
    )


def _cut_off(language: str, edges: Sequence[Edge], subject: Subject) -> str:
    ordered = [edge for edge in _EDGE_ORDER if edge in edges]
    # Moving towards a cut edge helps only when the opposite edge is not cut too.
    moves = [edge for edge in ordered if _OPPOSITE[edge] not in ordered]
    if ordered:
        names = [message(f"edge.{edge}", language=language) for edge in ordered]
        problem = plural_message(
            f"guidance.cut_off.{subject}",
            len(ordered),
            language=language,
            edges=format_list(names, language=language, kind="edges"),
        )
    else:
        problem = message(f"guidance.cut_off.{subject}.no_edge", language=language)
    action = _move(language, moves)
    return message("guidance.cut_off.sentence", language=language, problem=problem, action=action)


def _move(language: str, moves: Sequence[Edge]) -> str:
    directions = {
        edge: message(f"direction.{_DIRECTION[edge]}", language=language) for edge in moves
    }
    vertical = [directions[edge] for edge in moves if edge in ("top", "bottom")]
    horizontal = [directions[edge] for edge in moves if edge in ("left", "right")]
    if vertical and horizontal:
        return message(
            "guidance.cut_off.move_toward_two",
            language=language,
            vertical=vertical[0],
            horizontal=horizontal[0],
        )
    if moves:
        return message(
            "guidance.cut_off.move_toward", language=language, direction=directions[moves[0]]
        )
    return message("guidance.cut_off.move_back", language=language)


def _rotated(language: str, rotation_degrees: int) -> str:
    rotation = rotation_degrees % 360
    key = "180" if rotation == 180 else "270" if rotation == 270 else "90"
    return message(f"guidance.rotated.{key}", language=language)
