"""What a question asks about a person, and which faces an answer talks about.

The face analyzer gives each face visible attributes (`models.types.FaceAttributes`:
expression, eyes, dark glasses, head turn, hair and clothing colours). A question
such as "is he smiling?" or "what is she wearing?" asks about one of them (an
*aspect*); "describe the person" asks about all. The answer never says who a
person is or any trait inferred from the face (age, gender, ethnicity, mood as
a fact): only what a sighted person would see, hedged ("seems to").
"""

from __future__ import annotations

import re
from typing import Literal

from models.types import FaceBox

Aspect = Literal["smiling", "eyes", "glasses", "facing", "hair", "clothing"]
ASPECTS: tuple[Aspect, ...] = ("smiling", "eyes", "glasses", "facing", "hair", "clothing")

_ASPECT_PATTERNS: dict[Aspect, re.Pattern[str]] = {
    "smiling": re.compile(r"smil|laugh|grin|expression|笑|表情", re.IGNORECASE),
    "eyes": re.compile(
        r"\beyes?\b.{0,20}\b(open|closed|shut)\b|\b(open|close|closed|shut)\b.{0,20}\beyes\b"
        r"|blink|目を(閉|開|つぶ)|目は|目が",
        re.IGNORECASE,
    ),
    "glasses": re.compile(
        r"glasses|spectacles|sunglasses|\bshades\b|眼鏡|めがね|メガネ|サングラス", re.IGNORECASE
    ),
    "facing": re.compile(
        r"look(s|ing)? (at|into|towards?) (the |my )?(camera|lens|me)\b|facing|eye contact"
        r"|カメラ(を|の方)|こっちを|正面",
        re.IGNORECASE,
    ),
    "hair": re.compile(r"\bhair\b(?!\s*(dryer|spray|brush|gel|clip|tie|band))|髪", re.IGNORECASE),
    "clothing": re.compile(
        r"\bwear|clothes|clothing|dressed|outfit|\b(his|her|their|my friend'?s?) "
        r"(shirt|t-?shirt|jacket|sweater|dress|coat|hoodie|top|hat|scarf|tie)\b"
        r"|着て|服|シャツ|上着",
        re.IGNORECASE,
    ),
}

# At most this many faces are described one by one (the largest first); a crowd
# gets its count and positions only.
MAX_DESCRIBED_FACES = 3


def asked_aspects(question: str | None) -> tuple[Aspect, ...]:
    """The visible attributes a question asks about, in a fixed order; () = all."""
    if not question:
        return ()
    return tuple(aspect for aspect in ASPECTS if _ASPECT_PATTERNS[aspect].search(question))


def described_faces(faces: tuple[FaceBox, ...]) -> tuple[FaceBox, ...]:
    """The faces an answer describes one by one: the largest few, left to right."""
    largest = sorted(faces, key=lambda face: face.relative_size, reverse=True)
    chosen = largest[:MAX_DESCRIBED_FACES]
    return tuple(sorted(chosen, key=lambda face: face.box.x))
