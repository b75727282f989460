"""Language negotiation for answers: a thin wrapper over the language layer.

The layer (`models.language`, see docs/languages.md) owns the catalogues and
the one negotiation function; routes call `negotiate_language` from here.
"""

from __future__ import annotations

from models.language import DEFAULT_LANGUAGE, negotiate_language, supported_languages

__all__ = ["DEFAULT_LANGUAGE", "negotiate_language", "supported_languages"]
