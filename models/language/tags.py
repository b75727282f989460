"""BCP 47 tags: fallback chains and `Accept-Language` negotiation.

Babel parses and canonicalises the tags (case, `_` or `-`, likely subtags, so
`zh-TW` is understood as `zh-Hant-TW`) and picks the first supported candidate
(`negotiate_locale`). Two small pieces are ours, because Babel has neither:

* the fallback chain of one tag (RFC 4647 "lookup": drop subtags from the end,
  `zh-Hant-TW` → `zh-Hant` → `zh`);
* splitting an `Accept-Language` header into weighted ranges (RFC 9110 §12.5.4).
  Babel has no header parser, and werkzeug's would bring a web framework into
  `models/` for twenty lines.

Everything here is pure: the set of available languages is passed in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError, negotiate_locale

WILDCARD = "*"


@dataclass(frozen=True)
class LanguageRange:
    """One entry of an `Accept-Language` header: a tag (or `*`) and its weight."""

    tag: str
    weight: float


def normalize_tag(tag: str) -> str:
    """`ja_JP` / `JA-jp` / ` ja-JP ` → `ja-JP` spelling with hyphens, stripped."""
    return tag.strip().replace("_", "-")


@lru_cache(maxsize=512)
def fallback_chain(tag: str) -> tuple[str, ...]:
    """Candidate tags for one requested tag, most specific first, no duplicates.

    `zh-TW` → (`zh-TW`, `zh-Hant-TW`, `zh-Hant`, `zh`); `ja-JP` → (`ja-JP`, `ja`).
    A tag Babel cannot parse still falls back by dropping subtags.
    """
    tag = normalize_tag(tag)
    if not tag:
        return ()
    requested = list(_truncations(tag))
    try:
        locale = Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        locale = None
    canonical: list[str] = []
    if locale is not None:
        parts = [locale.language]
        if locale.script:
            parts.append(locale.script)
        if locale.territory:
            parts.append(locale.territory)
        canonical = list(_truncations("-".join(parts)))
    # The request's own subtags first, then Babel's reading of it (with likely
    # subtags), the bare language last: zh-TW, zh-Hant-TW, zh-Hant, zh.
    candidates = requested[:-1] + canonical + requested[-1:]
    seen: dict[str, str] = {}
    for candidate in candidates:
        seen.setdefault(candidate.lower(), candidate)
    bare = requested[-1].lower()
    return (*(c for c in seen.values() if c.lower() != bare), seen[bare])


def _truncations(tag: str) -> Iterable[str]:
    parts = [part for part in tag.split("-") if part]
    for end in range(len(parts), 0, -1):
        # RFC 4647 §3.4: never leave a single-letter subtag (an extension marker) at the end.
        if end > 1 and len(parts[end - 1]) == 1:
            continue
        yield "-".join(parts[:end])


def parse_accept_language(header: str | None) -> tuple[LanguageRange, ...]:
    """The header's ranges by weight, heaviest first (ties keep header order).

    Entries with an unreadable weight are skipped; `q=0` ("not this one") is kept
    so that a wildcard can exclude it.
    """
    ranges: list[tuple[float, int, LanguageRange]] = []
    for position, item in enumerate((header or "").split(",")):
        tag, *params = (part.strip() for part in item.split(";"))
        if not tag:
            continue
        weight = 1.0
        readable = True
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    readable = False
        if readable and 0.0 <= weight <= 1.0:
            ranges.append((-weight, position, LanguageRange(normalize_tag(tag), weight)))
    return tuple(entry for _, _, entry in sorted(ranges, key=lambda r: (r[0], r[1])))


def best_match(tag: str, available: Collection[str]) -> str | None:
    """The available language that serves `tag` through its fallback chain, or None."""
    if not available:
        return None
    found = negotiate_locale(list(fallback_chain(tag)), list(available), sep="-", aliases={})
    if found is None:
        return None
    by_lower = {language.lower(): language for language in available}
    return by_lower.get(found.lower())


def negotiate(
    *,
    explicit: str | None,
    accept_language: str | None,
    available: Collection[str],
    default: str,
) -> str:
    """The answer language: the explicit tag if some language serves it, else the
    heaviest `Accept-Language` range that one serves, else `default`."""
    if explicit:
        found = best_match(explicit, available)
        if found is not None:
            return found
    ranges = parse_accept_language(accept_language)
    excluded = {match for r in ranges if r.weight == 0 and (match := best_match(r.tag, available))}
    for language_range in ranges:
        if language_range.weight == 0:
            continue
        if language_range.tag == WILDCARD:
            # "Any other language": the default unless it was refused.
            others = [default, *sorted(available)]
            for language in others:
                if language in available and language not in excluded:
                    return language
            continue
        found = best_match(language_range.tag, available)
        if found is not None and found not in excluded:
            return found
    return default
