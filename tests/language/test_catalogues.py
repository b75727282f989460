"""Every message has a translation in every shipped language, with the right fields.

English (`en.po`) is the source. A translation may use the fields the code
supplies (the English entry's fields, plus any named in braces in its `#.`
comment) and must use all of the English entry's fields unless a translator
comment says `# unused: name` (Japanese says an amount as printed, so it does
not need the English unit name).
"""

from __future__ import annotations

import re
import string

import pytest

from models.language import (
    LIST_JOINER,
    OBJECT_LABEL,
    Catalogue,
    CatalogueEntry,
    current_languages,
    placeholder_names,
)

# Open sets a language translates only in part (see docs/languages.md).
OPTIONAL_CONTEXTS = {OBJECT_LABEL, LIST_JOINER}
SHIPPED = current_languages().tags


def _source() -> Catalogue:
    return current_languages().catalogue("en")


def _entries(catalogue: Catalogue) -> dict[str, CatalogueEntry]:
    return {entry.key: entry for entry in catalogue.entries() if entry.context is None}


def _declared(entry: CatalogueEntry) -> frozenset[str]:
    named = {
        name for comment in entry.developer_comments for name in re.findall(r"\{(\w+)\}", comment)
    }
    return entry.placeholders() | frozenset(named)


def _unused(entry: CatalogueEntry) -> frozenset[str]:
    return frozenset(
        name.strip()
        for comment in entry.translator_comments
        if comment.startswith("unused:")
        for name in comment.removeprefix("unused:").split(",")
    )


def test_english_is_the_default_and_both_languages_ship() -> None:
    assert SHIPPED == ("en", "ja")


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_is_translated(language: str) -> None:
    source = _entries(_source())
    translated = _entries(current_languages().catalogue(language))
    missing = sorted(set(source) - set(translated))
    stray = sorted(set(translated) - set(source))
    assert not missing, f"{language}.po lacks {missing}"
    assert not stray, f"{language}.po has keys English does not: {stray}"


@pytest.mark.parametrize("language", SHIPPED)
def test_placeholders_match_the_english(language: str) -> None:
    source = _entries(_source())
    for key, entry in _entries(current_languages().catalogue(language)).items():
        english = source[key]
        used = entry.placeholders()
        assert used <= _declared(english), (
            f"{language} {key}: unknown fields {used - _declared(english)}"
        )
        forgotten = english.placeholders() - used - _unused(entry)
        assert not forgotten, f"{language} {key}: fields {forgotten} unused (say '# unused: ...')"


@pytest.mark.parametrize("language", SHIPPED)
def test_plural_messages_have_every_form(language: str) -> None:
    catalogue = current_languages().catalogue(language)
    source = _entries(_source())
    for key, entry in _entries(catalogue).items():
        assert entry.plural == source[key].plural, f"{language} {key}: plural in one language only"
        if entry.plural:
            assert len(entry.forms) == catalogue.plural_forms, f"{language} {key}"


@pytest.mark.parametrize("language", SHIPPED)
def test_only_known_contexts(language: str) -> None:
    for entry in current_languages().catalogue(language).entries():
        assert entry.context is None or entry.context in OPTIONAL_CONTEXTS, entry


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_formats(language: str) -> None:
    # A brace typo ("{count" or "{ count}") would fail in a request; fail here instead.
    for entry in current_languages().catalogue(language).entries():
        for form in entry.forms:
            fields = {name: "x" for name in placeholder_names(form)}
            rendered = form.format(**fields)
            assert "{" not in rendered and "}" not in rendered, (language, entry.key, form)
            assert all(
                name.isidentifier() for _, name, _, _ in string.Formatter().parse(form) if name
            ), (language, entry.key)
