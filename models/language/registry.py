"""The set of languages Sightline speaks: every catalogue found, loaded once.

A language is supported when `models/language/catalogues/<tag>.po` exists;
nothing else lists the languages. The set is built on first use (or by
`load_languages()` at start-up, which makes a broken catalogue fail the
start rather than a request) and is immutable afterwards, so lookups are
thread-safe without locks.

Tests may serve extra catalogues from their own folders with
`languages_from(...)`; production code never changes the set.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from models.language.catalogue import Catalogue
from models.language.tags import best_match, fallback_chain, negotiate

SHIPPED_CATALOGUES = Path(__file__).with_name("catalogues")
DEFAULT_LANGUAGE = "en"


class Languages:
    """Loaded catalogues by tag, the default language, and tag resolution."""

    def __init__(self, catalogues: Sequence[Catalogue], *, default: str = DEFAULT_LANGUAGE) -> None:
        self._by_tag = {catalogue.tag: catalogue for catalogue in catalogues}
        if default not in self._by_tag:
            raise ValueError(f"no catalogue for the default language {default!r}")
        self.default = default
        self._resolve = lru_cache(maxsize=256)(self._resolve_uncached)

    @classmethod
    def load(cls, *folders: Path, default: str = DEFAULT_LANGUAGE) -> Languages:
        """Read every `*.po` in `folders`; a later folder's language replaces an earlier one's."""
        found: dict[str, Catalogue] = {}
        for folder in folders:
            for path in sorted(folder.glob("*.po")):
                catalogue = Catalogue.read(path)
                found[catalogue.tag] = catalogue
        return cls(list(found.values()), default=default)

    @property
    def tags(self) -> tuple[str, ...]:
        """The supported tags, default first."""
        return (self.default, *sorted(tag for tag in self._by_tag if tag != self.default))

    def catalogue(self, tag: str) -> Catalogue:
        """The catalogue of a supported tag (as returned by `resolve`)."""
        return self._by_tag[tag]

    def resolve(self, tag: str | None) -> str:
        """The supported language that serves `tag` (`ja-JP` → `ja`), else the default."""
        return self._resolve(tag or "")

    def _resolve_uncached(self, tag: str) -> str:
        if not tag:
            return self.default
        return best_match(tag, self._by_tag) or self.default

    def serves(self, tag: str | None) -> bool:
        """True when `tag` is served by its own language rather than by the default fallback."""
        if not tag:
            return False
        resolved = self.resolve(tag)
        return resolved.lower() in {candidate.lower() for candidate in fallback_chain(tag)}

    def negotiate(self, *, explicit: str | None, accept_language: str | None) -> str:
        """The answer language for a request (see `models.language.tags.negotiate`)."""
        return negotiate(
            explicit=explicit,
            accept_language=accept_language,
            available=self._by_tag,
            default=self.default,
        )


_lock = threading.Lock()
_current: Languages | None = None


def load_languages() -> Languages:
    """The shipped languages, read on the first call and kept for the process."""
    global _current
    with _lock:
        if _current is None:
            _current = Languages.load(SHIPPED_CATALOGUES)
        return _current


def current_languages() -> Languages:
    """The languages in use (loads the shipped ones on first use)."""
    languages = _current
    return languages if languages is not None else load_languages()


@contextmanager
def languages_from(*folders: Path) -> Iterator[Languages]:
    """Tests: serve the shipped catalogues plus those in `folders`, then restore."""
    global _current
    extended = Languages.load(SHIPPED_CATALOGUES, *folders)
    with _lock:
        previous, _current = _current, extended
    try:
        yield extended
    finally:
        with _lock:
            _current = previous
