"""Answer-language negotiation through the app's wrapper (the routes' entry point)."""

from __future__ import annotations

import pytest

from app.i18n import negotiate_language, supported_languages


@pytest.mark.parametrize(
    ("explicit", "header", "expected"),
    [
        (None, None, "en"),
        ("ja", "en", "ja"),
        ("ja-JP", None, "ja"),
        ("ja_JP", None, "ja"),
        ("JA-jp", None, "ja"),
        ("fr", "ja;q=0.8, en;q=0.9", "en"),
        (None, "fr-FR, ja;q=0.5", "ja"),
        (None, "ja;q=0, en", "en"),
        (None, "de, fr", "en"),
        (None, "ja;q=abc, en;q=0.1", "en"),
        # Weights decide, not header order; equal weights keep header order.
        (None, "en;q=0.2, ja-JP;q=0.9", "ja"),
        (None, "ja, en", "ja"),
        (None, "en, ja", "en"),
        # Wildcards: "anything else" is English unless English was refused.
        (None, "fr, *;q=0.5", "en"),
        (None, "*;q=0.5, ja;q=0.3", "en"),
        (None, "*, en;q=0", "ja"),
        (None, "ja;q=0, *", "en"),
        # Out-of-range weights and empty entries are ignored.
        (None, "ja;q=2, , en", "en"),
        ("", "ja", "ja"),
        ("  ", "ja", "ja"),
    ],
)
def test_negotiate_language(explicit: str | None, header: str | None, expected: str) -> None:
    assert negotiate_language(explicit, header) == expected


def test_supported_languages_are_the_catalogues() -> None:
    assert supported_languages() == ("en", "ja")
