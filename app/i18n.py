"""Language negotiation for answers.

Two languages and a q-value parser do not justify Babel here; the parser follows
RFC 9110 §12.5.4 (weights, wildcards) and falls back to English."""

from __future__ import annotations

SUPPORTED_LANGUAGES = ("en", "ja")
DEFAULT_LANGUAGE = "en"


def primary_subtag(tag: str) -> str:
    """`ja-JP` → `ja`."""
    return tag.strip().split("-")[0].split("_")[0].lower()


def negotiate_language(explicit: str | None, accept_language: str | None) -> str:
    """The answer language: the explicit field if supported, else the best Accept-Language match."""
    if explicit and primary_subtag(explicit) in SUPPORTED_LANGUAGES:
        return primary_subtag(explicit)
    candidates: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        language = primary_subtag(tag)
        if language in SUPPORTED_LANGUAGES and weight > 0:
            candidates.append((-weight, position, language))
    return min(candidates)[2] if candidates else DEFAULT_LANGUAGE
