"""What the configured backend can say about a person, and the refusals built from it.

A refusal about a person (identity, sensitive trait, ungrounded inference)
offers an alternative: "but I can describe ...". That offer must be true for
the backend that will answer: the local describer cannot say what someone is
doing, and a describer without face attributes cannot say whether anyone is
smiling. So the caller (the app, which knows its analyzers and backend) passes
the list of person capabilities in; safety/ never imports app/.

Each capability has a phrase in the message catalogues
(`safety.capability.<name>`), joined by the language's list pattern into
`safety.refusal.<reason>.offer`; with no capability at all, the refusal offers
what is always available (reading text, a volunteer): `safety.refusal.<reason>.none`.
At most `MAX_OFFERED` capabilities are named, in the order given, so that the
refusal stays one short sentence (30 words, 80 characters in Japanese).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

from models.language import format_list, message

PersonCapability = Literal[
    "smiling",  # the local face attributes: smiling or not
    "expression",  # the expression in words (a generative backend)
    "eyes_closed",
    "sunglasses",  # dark lenses: the local analyzer does not judge clear glasses
    "glasses",
    "facing_camera",
    "hair_colour",
    "clothing_colour",
    "hair",
    "clothing",
    "actions",  # what they are doing
    "held_objects",
    "count",  # how many people
    "position",  # where they are in the photo
]
ALL_CAPABILITIES: tuple[PersonCapability, ...] = get_args(PersonCapability)
MAX_OFFERED = 3

# The local describer with MediaPipe face attributes (models/analyzers/face_attributes.py).
LOCAL_FACE_ATTRIBUTES: tuple[PersonCapability, ...] = (
    "smiling",
    "hair_colour",
    "clothing_colour",
    "eyes_closed",
    "sunglasses",
    "facing_camera",
    "count",
    "position",
)
# The local describer with the face detector only: how many faces, and where.
LOCAL_FACES_ONLY: tuple[PersonCapability, ...] = ("count", "position")
# A generative (vision-language) backend describes what it sees.
GENERATIVE: tuple[PersonCapability, ...] = (
    "clothing",
    "expression",
    "actions",
    "hair",
    "held_objects",
    "glasses",
    "count",
    "position",
)

# Which capabilities each person refusal offers first (the most useful instead of what was
# asked); the rest of the backend's list follows.
_PREFERRED: dict[str, tuple[PersonCapability, ...]] = {
    "identity": ("hair", "hair_colour", "clothing", "clothing_colour", "expression", "smiling"),
    "sensitive_trait": ("clothing", "clothing_colour", "actions", "expression", "smiling"),
    "ungrounded_inference": ("expression", "smiling", "clothing", "clothing_colour", "actions"),
}
PERSON_REASONS = frozenset(_PREFERRED)


def normalise_capabilities(capabilities: Iterable[str]) -> tuple[PersonCapability, ...]:
    """The known capabilities in the order given, without repeats; unknown names raise, so a
    typo in the app fails at start-up instead of silently dropping an offer."""
    found: list[PersonCapability] = []
    for name in capabilities:
        if name not in ALL_CAPABILITIES:
            raise ValueError(f"unknown person capability: {name!r}")
        if name not in found:
            found.append(name)
    return tuple(found)


def offered(reason: str, capabilities: Iterable[PersonCapability]) -> tuple[PersonCapability, ...]:
    """The capabilities a refusal for `reason` names: its preferred ones first, at most
    `MAX_OFFERED`, only ones the backend has."""
    available = list(dict.fromkeys(capabilities))
    preferred = [c for c in _PREFERRED.get(reason, ()) if c in available]
    rest = [c for c in available if c not in preferred]
    return tuple((preferred + rest)[:MAX_OFFERED])


def person_refusal_message(
    reason: str, capabilities: Iterable[PersonCapability], *, language: str
) -> str:
    """The refusal sentence for a person question, offering only what the backend can describe."""
    if reason not in PERSON_REASONS:
        raise ValueError(f"not a person refusal: {reason}")
    names = offered(reason, capabilities)
    if not names:
        return message(f"safety.refusal.{reason}.none", language=language)
    phrases = [message(f"safety.capability.{name}", language=language) for name in names]
    return message(
        f"safety.refusal.{reason}.offer",
        language=language,
        offer=format_list(phrases, language=language),
    )
