"""Getting a sentence: message look-up, sentence joining and Babel formatting.

Every function takes the answer language as any BCP 47 tag (`ja-JP`); it is
served by the best catalogue (`ja`), and a message that catalogue lacks comes
from the default language's. A key missing from the default catalogue is a
bug and raises `MissingMessageError`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.lists import format_list as babel_format_list
from babel.numbers import format_decimal

from models.language.catalogue import Catalogue
from models.language.registry import current_languages

LIST_JOINER = "list joiner"
OBJECT_LABEL = "object label"


class MissingMessageError(KeyError):
    """A message key that the default catalogue does not have (a programming error)."""


def catalogue_for(language: str | None) -> Catalogue:
    """The catalogue that serves `language`."""
    languages = current_languages()
    return languages.catalogue(languages.resolve(language))


def _lookup(key: str, language: str | None, count: int | None) -> str:
    languages = current_languages()
    for tag in dict.fromkeys((languages.resolve(language), languages.default)):
        catalogue = languages.catalogue(tag)
        found = catalogue.text(key) if count is None else catalogue.plural(key, count)
        if found is not None:
            return found
    raise MissingMessageError(f"no message {key!r} in the {languages.default!r} catalogue")


def message(key: str, *, language: str | None, **values: object) -> str:
    """The sentence `key` in `language`, with `{placeholders}` filled from `values`.

    `message("guidance.too_dark", language="ja")`
    """
    template = _lookup(key, language, None)
    return template.format(**values) if values else template


def plural_message(key: str, count: int, *, language: str | None, **values: object) -> str:
    """The plural form of `key` for `count` (which fills `{count}`, formatted for the language).

    `plural_message("compose.more_lines", 3, language="en")` → "There are 3 more lines."
    """
    template = _lookup(key, language, count)
    return template.format(count=format_number(count, language=language), **values)


def optional_message(key: str, *, language: str | None, context: str | None = None) -> str | None:
    """The message in `language`'s own catalogue only (no default fallback), or None.

    For open sets where a language translates only some entries (object labels).
    """
    return catalogue_for(language).text(key, context=context)


def sentence_separator(*, language: str | None) -> str:
    """What goes between two sentences: a space in English, nothing in Japanese."""
    return message("grammar.sentence_join", language=language, before="", after="")


def join_sentences(sentences: Iterable[str], *, language: str | None) -> str:
    """Sentences joined the way the language writes them; empty ones are skipped."""
    return sentence_separator(language=language).join(s for s in sentences if s)


def finish_sentence(text: str, *, language: str | None) -> str:
    """`text` with the language's full stop, unless it already ends a sentence."""
    text = text.strip()
    endings = message("grammar.sentence_endings", language=language)
    if not text or text[-1] in endings:
        return text
    return text + message("grammar.full_stop", language=language)


def format_list(items: Sequence[str], *, language: str | None, kind: str | None = None) -> str:
    """A spoken "and" list by the language's CLDR pattern: "a, b and c", "a、b、c".

    A catalogue may join one kind of list its own way instead (context
    "list joiner", msgid `kind`): Japanese joins cut-off edges as 上・右.
    """
    if not items:
        return ""
    if kind is not None:
        joiner = optional_message(kind, language=language, context=LIST_JOINER)
        if joiner is not None:
            return joiner.join(items)
    return babel_format_list(list(items), locale=catalogue_for(language).locale)


def format_number(value: float, *, language: str | None) -> str:
    """A number with the language's grouping and decimal signs: 1,250 / 12.5."""
    return format_decimal(value, locale=catalogue_for(language).locale)


def format_calendar_date(*, year: int, month: int, day: int | None, language: str | None) -> str:
    """A date for speaking: "12 June 2024" / "2024年6月12日"; month and year without a day."""
    locale = catalogue_for(language).locale
    if day is None:
        return format_skeleton("yMMMM", datetime.date(year, month, 1), locale=locale)
    return babel_format_date(datetime.date(year, month, day), format="long", locale=locale)


def language_name(tag: str, *, in_language: str = "en", with_region: bool = True) -> str:
    """The name of the language `tag` in `in_language` ("ja" → "Japanese"), from CLDR.

    Without the region, the script is still named: "zh-Hant-TW" → "Chinese
    (Traditional)". An unknown tag is returned as it is.
    """
    try:
        locale = Locale.parse(tag.replace("_", "-"), sep="-")
        if not with_region:
            locale = Locale(locale.language, script=locale.script)
        name = locale.get_display_name(Locale.parse(in_language, sep="-"))
    except (UnknownLocaleError, ValueError, TypeError):
        return tag
    return name or tag
