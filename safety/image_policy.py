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

from collections.abc import Callable

from models.types import ImageAnalysis
from safety.messages import MessageKey, reason_for, refusal_message
from safety.rules.common import Rule, first_match
from safety.rules.language import LanguageRules, PreparedText, language_rules, prepare_text
from safety.types import Refusal

EXPLICIT_THRESHOLD = 0.9
# open_nsfw's false positives on smooth skin-coloured blur (see the docstring).
_UNRELIABLE_FOR_EXPLICIT = frozenset({"blurry", "obstructed"})


def _image_illicit(rules: LanguageRules) -> tuple[Rule, ...]:
    # Self-harm rules are not applied to text in the photo (a crisis-line poster).
    return tuple(r for r in rules.rules("illicit") if rules.refusal_for.get(r.name) != "self_harm")


def _occurs(text: PreparedText, pick: Callable[[LanguageRules], Rule | None]) -> bool:
    """True when some language's rule (as `pick` chooses it) occurs in its form of the text."""
    for rules in language_rules():
        form, found = text.get(rules.tag), pick(rules)
        if form and found is not None and found.pattern.search(form):
            return True
    return False


def _matches(text: PreparedText, pick: Callable[[LanguageRules], tuple[Rule, ...]]) -> bool:
    """True when some language's rules (as `pick` chooses them) match its form of the text."""
    return any(
        first_match(pick(rules), form) is not None
        for rules in language_rules()
        if (form := text.get(rules.tag))
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
    printed = prepare_text(analysis.full_text)
    if _matches(printed, _image_illicit):
        return "illicit"
    if _occurs(printed, lambda rules: rules.harm_topic) and question:
        asked = prepare_text(question)
        if _occurs(asked, lambda rules: rules.instruction_request):
            return "illicit"
    if _matches(printed, lambda rules: rules.captcha_page):
        has_audio = _occurs(printed, lambda rules: rules.audio_option)
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
