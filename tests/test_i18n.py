"""Answer-language negotiation."""

from __future__ import annotations

import pytest

from app.i18n import negotiate_language


@pytest.mark.parametrize(
    ("explicit", "header", "expected"),
    [
        (None, None, "en"),
        ("ja", "en", "ja"),
        ("ja-JP", None, "ja"),
        ("fr", "ja;q=0.8, en;q=0.9", "en"),
        (None, "fr-FR, ja;q=0.5", "ja"),
        (None, "ja;q=0, en", "en"),
        (None, "de, fr", "en"),
        (None, "ja;q=abc, en;q=0.1", "en"),
    ],
)
def test_negotiate_language(explicit: str | None, header: str | None, expected: str) -> None:
    assert negotiate_language(explicit, header) == expected
