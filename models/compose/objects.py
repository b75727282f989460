"""The object a question names ("what colour are my shoes?") and where the
classifier saw it.

The classifier knows ImageNet classes, not the words people use; this table
maps the everyday nouns blind users ask about to the classes that show them.
A question that names one of these is answered about that object when the
classifier saw it (in the frame or its centre crop), or with "I can't find
your shoes" when it did not, instead of about whatever fills the photo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.types import ImageAnalysis

NAMED_OBJECTS: dict[str, tuple[str, ...]] = {
    "shoes": ("loafer", "running shoe", "sandal", "clog", "cowboy boot", "sock"),
    "shirt": ("jersey", "sweatshirt", "cardigan", "suit"),
    "mug": ("coffee mug", "cup", "measuring cup"),
    "bottle": ("pill bottle", "water bottle", "wine bottle", "beer bottle", "soda bottle",
               "water jug", "lotion"),
    "laptop": ("laptop", "notebook", "computer keyboard"),
    "phone": ("mobile phone", "dial telephone", "iPod"),
    "bag": ("backpack", "purse", "plastic bag", "mailbag", "wallet"),
    "hat": ("cowboy hat", "sombrero", "bonnet", "bathing cap"),
    "watch": ("digital watch", "analog clock", "stopwatch"),
    "remote": ("remote control",),
    "pen": ("ballpoint", "fountain pen"),
    "coat": ("fur coat", "lab coat", "trench coat", "poncho", "cardigan"),
}  # fmt: skip
_NOUNS: dict[str, re.Pattern[str]] = {
    "shoes": re.compile(r"\b(shoes?|sneakers?|boots?|sandals?|slippers?|loafers?)\b|靴", re.I),
    "shirt": re.compile(r"\b(shirt|t-?shirt|sweater|sweatshirt|top|blouse)\b|シャツ", re.I),
    "mug": re.compile(r"\b(mug|cup)\b|マグ|カップ", re.I),
    "bottle": re.compile(r"\bbottle\b|ボトル|瓶", re.I),
    "laptop": re.compile(r"\b(laptop|computer|keyboard)\b|パソコン", re.I),
    "phone": re.compile(r"\b(phone|iphone|cellphone)\b|スマホ|携帯|電話", re.I),
    "bag": re.compile(r"\b(bag|backpack|purse|wallet|handbag)\b|かばん|バッグ|財布", re.I),
    "hat": re.compile(r"\b(hat|cap)\b|帽子", re.I),
    "watch": re.compile(r"\bwatch\b|時計", re.I),
    "remote": re.compile(r"\bremote\b|リモコン", re.I),
    "pen": re.compile(r"\bpen\b|ペン", re.I),
    "coat": re.compile(r"\b(coat|jacket)\b|コート|上着", re.I),
}
# A class counts as seen when the frame or the centre crop gives it this much
# (the loafer in shared photo 56: 0.37 / 0.33; see tests/models/test_compose_objects.py).
SEEN = 0.1


def asked_noun(question: str | None) -> str | None:
    """The known object a question names ("shoes" for "what colour are my shoes?")."""
    if not question:
        return None
    return next((noun for noun, pattern in _NOUNS.items() if pattern.search(question)), None)


@dataclass(frozen=True)
class NamedObject:
    """The noun the question used, and the classifier's class for it (None = not seen)."""

    noun: str
    label: str | None


def named_object(question: str | None, analysis: ImageAnalysis) -> NamedObject | None:
    """The object a question names and whether the classifier saw it; None when the
    question names none of the known objects (or the scene analyzer did not run)."""
    if not question or not analysis.scene:
        return None
    noun = asked_noun(question)
    if noun is None:
        return None
    seen = [
        label for label in analysis.scene
        if label.label in NAMED_OBJECTS[noun]
        and max(label.probability, label.centre_probability or 0.0) >= SEEN
    ]  # fmt: skip
    best = max(seen, key=lambda label: max(label.probability, label.centre_probability or 0.0),
               default=None)  # fmt: skip
    return NamedObject(noun, best.label if best else None)
