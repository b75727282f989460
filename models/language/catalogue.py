"""One language's message catalogue: a gettext `.po` file, read once at start-up.

The `.po` file is the only artefact: it is read with Babel's `read_po` and
compiled in memory to a gettext `Translations` object (Babel's `write_mo`),
which gives the standard gettext runtime: plural forms from the file's
`Plural-Forms` header, message contexts. No `.mo` file is built or shipped, so a
catalogue cannot be out of date with its source, and adding a language needs
no build step; reading and compiling both shipped catalogues takes about 25 ms
(once, at start-up).

Messages are keyed by a dotted id (`guidance.too_dark`) rather than by their
English text, so that the English wording can be edited without touching the
other languages, and the code says what a sentence is for. Placeholders are
Python `str.format` fields: `{count}`, `{text}`.

Fuzzy entries are treated as untranslated (gettext's rule), empty ones too.
"""

from __future__ import annotations

import io
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

MessageKey = tuple[str | None, str]  # (msgctxt, msgid)


class CatalogueError(ValueError):
    """A `.po` file that cannot be used (no Language header, malformed placeholders)."""


@dataclass(frozen=True)
class CatalogueEntry:
    """One translated message as written in the file, for checks and tooling."""

    context: str | None
    key: str
    forms: tuple[str, ...]  # one string, or one per plural form
    plural: bool
    developer_comments: tuple[str, ...]  # "#." lines: what the sentence is for, its fields
    translator_comments: tuple[str, ...]  # "#" lines

    def placeholders(self) -> frozenset[str]:
        """The `{name}` fields used in any of the forms."""
        return frozenset(name for form in self.forms for name in placeholder_names(form))


def placeholder_names(text: str) -> frozenset[str]:
    """Names of the `str.format` fields in `text` (`{count}` → `count`)."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise CatalogueError(f"malformed placeholder in {text!r}") from error
    return frozenset(name for _, name, _, _ in parsed if name)


class Catalogue:
    """The messages of one language, immutable after loading."""

    def __init__(self, *, tag: str, catalog: Catalog, source: str) -> None:
        if catalog.locale is None:
            raise CatalogueError(f"{source}: the header has no Language field")
        self.tag = tag
        # The CLDR locale for plural rules and number/date/list formats (the
        # English catalogue is written in British English: en_GB).
        self.locale: Locale = catalog.locale
        self.source = source
        entries: dict[MessageKey, CatalogueEntry] = {}
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            string = message.string
            forms = tuple(string) if isinstance(string, (tuple, list)) else (string or "",)
            if not all(forms):
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            entry = CatalogueEntry(
                context=message.context,
                key=key,
                forms=forms,
                plural=message.pluralizable,
                developer_comments=tuple(message.auto_comments),
                translator_comments=tuple(message.user_comments),
            )
            entry.placeholders()  # fail at start-up on a malformed field, not in a request
            entries[(message.context, key)] = entry
        self._entries: Mapping[MessageKey, CatalogueEntry] = entries
        self._plural_forms = catalog.num_plurals
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        self._translations = Translations(fp=buffer)

    @classmethod
    def read(cls, path: Path, *, tag: str | None = None) -> Catalogue:
        """Read `path` (a `.po` file); the served tag defaults to the file name (`ja.po` → ja)."""
        with path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
        return cls(tag=tag or path.stem, catalog=catalog, source=str(path))

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    @property
    def plural_forms(self) -> int:
        """How many plural forms this language's `Plural-Forms` header declares."""
        return self._plural_forms

    def entries(self) -> Iterator[CatalogueEntry]:
        """Every translated entry, in file order."""
        return iter(self._entries.values())

    def has(self, key: str, *, context: str | None = None) -> bool:
        """True when this catalogue translates `key` (no fallback)."""
        return (context, key) in self._entries

    def text(self, key: str, *, context: str | None = None) -> str | None:
        """The singular form of `key`, or None when this catalogue lacks it."""
        if not self._has_kind(key, context, plural=False):
            return None
        if context is None:
            return self._translations.gettext(key)
        return str(self._translations.pgettext(context, key))

    def plural(self, key: str, count: int, *, context: str | None = None) -> str | None:
        """The form of `key` for `count` by this language's plural rule, or None."""
        if not self._has_kind(key, context, plural=True):
            return None
        if context is None:
            return self._translations.ngettext(key, key, count)
        return self._translations.npgettext(context, key, key, count)

    def _has_kind(self, key: str, context: str | None, *, plural: bool) -> bool:
        entry = self._entries.get((context, key))
        if entry is None:
            return False
        if entry.plural != plural:
            # gettext would quietly return the key itself; say which call to use instead.
            wanted = "plural_message" if entry.plural else "message"
            raise CatalogueError(f"{self.source}: {key!r} must be read with {wanted}()")
        return True
