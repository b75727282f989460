"""Photo guidance a blind person can act on, in English and Japanese.

Guidance is phrased as an action ("move the phone back a little and up"), never
as a visual judgement alone. Directions assume the phone points at the item:
moving the phone up shows more of what is above the frame. Rotation advice
turns the item, not the phone, because the app already rotates photos by the
phone's orientation sensor, so sideways text means the item itself is sideways.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from models.types import Edge, QualityIssueKind

Subject = Literal["text", "item", "face"]

_SIMPLE: dict[str, dict[str, str]] = {
    "en": {
        "blurry": "The photo is blurry: hold the phone steady for a moment, "
        "or move it a little further from the item.",
        "too_dark": "It is very dark: turn on a light or the flash.",
        "too_bright": "The photo is washed out by bright light: "
        "move out of direct light or turn off the flash.",
        "glare": "There is a bright glare on the item: "
        "tilt the item or the phone slightly, away from the light.",
        "obstructed": "Something, probably a finger, is covering part of the lens: "
        "move your fingers away from the camera.",
        "no_subject": "I can't see anything in the photo: point the camera at the item "
        "and hold the phone about 30 centimetres (a foot) away.",
    },
    "ja": {
        "blurry": "写真がぼやけています。スマートフォンをしっかり持つか、品物から少し離してください。",
        "too_dark": "とても暗いです。明かりをつけるか、フラッシュを使ってください。",
        "too_bright": "光が強すぎて白っぽくなっています。直射日光を避けるか、フラッシュを切ってください。",
        "glare": "品物に光が反射しています。品物かスマートフォンを少し傾けて、光を避けてください。",
        "obstructed": "指などがレンズの一部をふさいでいるようです。カメラから指を離してください。",
        "no_subject": "何も写っていないようです。カメラを品物に向けて、"
        "30センチほど離して撮ってください。",
    },
}

_EDGE_NAMES: dict[str, dict[Edge, str]] = {
    "en": {"top": "top", "bottom": "bottom", "left": "left", "right": "right"},
    "ja": {"top": "上", "bottom": "下", "left": "左", "right": "右"},
}
_EDGE_ORDER: tuple[Edge, ...] = ("top", "bottom", "left", "right")
_JA_DIRECTION_ORDER: tuple[Edge, ...] = ("left", "right", "top", "bottom")
_OPPOSITE: dict[Edge, Edge] = {"top": "bottom", "bottom": "top", "left": "right", "right": "left"}


def primary_language(language: str) -> str:
    """Map a BCP 47 tag ("ja-JP", "en_GB") to a supported guidance language."""
    primary = language.replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in _SIMPLE else "en"


def guidance_for(
    issue_kind: QualityIssueKind,
    *,
    language: str = "en",
    edges: Sequence[Edge] = (),
    rotation_degrees: int = 0,
    subject: Subject = "text",
) -> str:
    """Return the spoken guidance for one quality issue in `language`.

    `edges` names where the text or item is cut off (for `cut_off`),
    `rotation_degrees` how far the text is turned clockwise (for `rotated`).
    """
    lang = primary_language(language)
    if issue_kind == "cut_off":
        return _cut_off(lang, edges, subject)
    if issue_kind == "rotated":
        return _rotated(lang, rotation_degrees)
    return _SIMPLE[lang][issue_kind]


def _cut_off(lang: str, edges: Sequence[Edge], subject: Subject) -> str:
    ordered = [edge for edge in _EDGE_ORDER if edge in edges]
    # Moving towards a cut edge helps only when the opposite edge is not cut too.
    moves = [edge for edge in ordered if _OPPOSITE[edge] not in ordered]
    names = _EDGE_NAMES[lang]
    if lang == "ja":
        what = {"text": "文字", "item": "品物", "face": "顔"}[subject]
        where = "・".join(names[edge] for edge in ordered) or "端"
        # Two directions combine the way Japanese says them: 右上 (up and right).
        move = "".join(names[edge] for edge in sorted(moves, key=_JA_DIRECTION_ORDER.index))
        action = (
            f"スマートフォンを少し離して、{move}に動かしてください。"
            if move
            else ("スマートフォンを少し離してください。")
        )
        return f"{what}の{where}側が切れています。{action}"
    what = {"text": "text", "item": "item", "face": "face"}[subject]
    if not ordered:
        return f"The {what} is cut off: move the phone back a little."
    where = _join_en([names[edge] for edge in ordered])
    if subject == "face":
        problem = f"The {where} of the face {'are' if len(ordered) > 1 else 'is'} cut off"
    else:
        problem = f"The {what}'s {where} {'edges are' if len(ordered) > 1 else 'edge is'} cut off"
    if moves:
        directions = _join_en([_en_direction(edge) for edge in moves])
        joiner = " and" if len(moves) == 1 else ","
        return f"{problem}: move the phone back a little{joiner} {directions}."
    return f"{problem}: move the phone back a little."


def _en_direction(edge: Edge) -> str:
    return {"top": "up", "bottom": "down", "left": "to the left", "right": "to the right"}[edge]


def _join_en(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _rotated(lang: str, rotation_degrees: int) -> str:
    rotation = rotation_degrees % 360
    if lang == "ja":
        if rotation == 180:
            return "文字が上下逆さまです。品物を180度回してください。"
        if rotation == 270:
            return "文字が横向きです。品物を時計回りに90度回してください。"
        return "文字が横向きです。品物を反時計回りに90度回してください。"
    if rotation == 180:
        return "The text is upside down: turn the item around, top to bottom."
    if rotation == 270:
        return "The text is on its side: turn the item a quarter turn clockwise (to the right)."
    return "The text is on its side: turn the item a quarter turn anticlockwise (to the left)."
