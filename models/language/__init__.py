"""Sightline's one language layer: negotiation, message catalogues, formatting.

Other code gets a sentence with `message(key, language=...)` (or
`plural_message`), joins sentences with `join_sentences`, and formats lists,
numbers and dates with the `format_*` functions here. See `docs/languages.md`.
"""

from models.language.catalogue import Catalogue, CatalogueEntry, placeholder_names
from models.language.registry import (
    DEFAULT_LANGUAGE,
    SHIPPED_CATALOGUES,
    Languages,
    current_languages,
    languages_from,
    load_languages,
)
from models.language.tags import fallback_chain, parse_accept_language
from models.language.text import (
    LIST_JOINER,
    OBJECT_LABEL,
    MissingMessageError,
    catalogue_for,
    finish_sentence,
    format_calendar_date,
    format_list,
    format_number,
    join_sentences,
    language_name,
    message,
    optional_message,
    plural_message,
    sentence_separator,
)


def negotiate_language(explicit: str | None, accept_language: str | None) -> str:
    """The answer language for a request: the explicit tag if a catalogue serves it,
    else the heaviest `Accept-Language` range one serves, else English."""
    return current_languages().negotiate(explicit=explicit, accept_language=accept_language)


def resolve_language(tag: str | None) -> str:
    """The supported language that serves `tag` (`ja-JP` → `ja`; unknown → `en`)."""
    return current_languages().resolve(tag)


def supported_languages() -> tuple[str, ...]:
    """The tags that have a catalogue, English first."""
    return current_languages().tags


def text_language(tag: str | None) -> str:
    """The tag to report for text written for `tag`: `tag` itself when its own
    language served it (`ja-JP`), else the default language that did."""
    languages = current_languages()
    return tag if tag and languages.serves(tag) else languages.resolve(tag)


__all__ = [
    "DEFAULT_LANGUAGE",
    "LIST_JOINER",
    "OBJECT_LABEL",
    "SHIPPED_CATALOGUES",
    "Catalogue",
    "CatalogueEntry",
    "Languages",
    "MissingMessageError",
    "catalogue_for",
    "current_languages",
    "fallback_chain",
    "finish_sentence",
    "format_calendar_date",
    "format_list",
    "format_number",
    "join_sentences",
    "language_name",
    "languages_from",
    "load_languages",
    "message",
    "negotiate_language",
    "optional_message",
    "parse_accept_language",
    "placeholder_names",
    "plural_message",
    "resolve_language",
    "sentence_separator",
    "supported_languages",
    "text_language",
]
