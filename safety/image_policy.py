"""The image policy: explicit photos, CAPTCHAs and harmful instructions read in the photo.

* Explicit: refused when `explicit_score` (open_nsfw probability, 0..1) is at
  least `EXPLICIT_THRESHOLD` = 0.9 and the photo is sharp and unobstructed.
  open_nsfw scores swimwear, babies in the bath and medical photos in the
  0.3-0.7 band, and skin-coloured blurs far higher: on the 70 shared photos by
  blind users a finger over a blurred lens scored 0.91, a photo card 0.86 and
  a wooden spoon 0.84, while explicit photos score above 0.9. Refusing a blind
  user's blurred photo as "explicit" is worse than useless, so a blurry or
  obstructed photo gets its photo guidance instead. A missing score (the
  analyzer failed) does not refuse: the text checks still run and the user
  loses nothing they did not have before.
* Text read in the photo is moderated like a question: harmful instructions
  printed in the image are refused as illicit; a CAPTCHA page gets the CAPTCHA
  answer (with the audio option when the page shows one). Self-harm rules are
  not applied to image text: a crisis-line poster says "suicide" to help.
* Split requests: a harm topic in the image ("pipe bomb") plus a request for
  instructions in the question ("how do I make this?") is illicit.
"""

from __future__ import annotations

from models.types import ImageAnalysis
from safety.messages import MessageKey, reason_for, refusal_message
from safety.normalize import contains_japanese, normalize_english, normalize_japanese
from safety.rules.common import first_match
from safety.rules.moderation import (
    AUDIO_OPTION,
    CAPTCHA_PAGE,
    HARM_TOPIC,
    ILLICIT_EN,
    ILLICIT_JA,
    INSTRUCTION_REQUEST,
)
from safety.types import Refusal

EXPLICIT_THRESHOLD = 0.9
# open_nsfw's false positives on smooth skin-coloured blur (see the docstring).
_UNRELIABLE_FOR_EXPLICIT = frozenset({"blurry", "obstructed"})

_IMAGE_ILLICIT_EN = tuple(r for r in ILLICIT_EN if r.name != "self_harm")
_IMAGE_ILLICIT_JA = tuple(r for r in ILLICIT_JA if r.name != "self_harm_ja")


def _image_text(analysis: ImageAnalysis) -> tuple[str, str]:
    raw = analysis.full_text
    japanese = normalize_japanese(raw) if contains_japanese(raw) else ""
    return normalize_english(raw), japanese


def _question_asks_for_instructions(question: str | None) -> bool:
    if not question:
        return False
    english = normalize_english(question)
    japanese = normalize_japanese(question) if contains_japanese(question) else ""
    return bool(
        INSTRUCTION_REQUEST.pattern.search(english)
        or (japanese and INSTRUCTION_REQUEST.pattern.search(japanese))
    )


def _looks_explicit(analysis: ImageAnalysis) -> bool:
    if analysis.explicit_score is None or analysis.explicit_score < EXPLICIT_THRESHOLD:
        return False
    return not any(issue.kind in _UNRELIABLE_FOR_EXPLICIT for issue in analysis.quality.issues)


def find_image_refusal(analysis: ImageAnalysis, *, question: str | None) -> MessageKey | None:
    """Return the refusal message key for this image, or None when it may be described."""
    if _looks_explicit(analysis):
        return "explicit"
    if not analysis.text_lines:
        return None
    english, japanese = _image_text(analysis)
    if first_match(_IMAGE_ILLICIT_EN, english) or (
        japanese and first_match(_IMAGE_ILLICIT_JA, japanese)
    ):
        return "illicit"
    harm_topic = HARM_TOPIC.pattern.search(english) or (
        japanese and HARM_TOPIC.pattern.search(japanese)
    )
    if harm_topic and _question_asks_for_instructions(question):
        return "illicit"
    if first_match(CAPTCHA_PAGE, english) or (japanese and first_match(CAPTCHA_PAGE, japanese)):
        has_audio = AUDIO_OPTION.pattern.search(english) or (
            japanese and AUDIO_OPTION.pattern.search(japanese)
        )
        return "captcha_audio" if has_audio else "captcha"
    return None


def check_image(
    analysis: ImageAnalysis, *, language: str, question: str | None = None
) -> Refusal | None:
    """Refuse explicit images, CAPTCHA pages and harmful instructions; None otherwise."""
    key = find_image_refusal(analysis, question=question)
    if key is None:
        return None
    return Refusal(reason=reason_for(key), message=refusal_message(key, language=language))
