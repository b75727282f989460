"""BCP 47 fallback chains and Accept-Language negotiation (pure functions, any language set)."""

from __future__ import annotations

import pytest

from models.language.tags import best_match, fallback_chain, negotiate, parse_accept_language

AVAILABLE = ("en", "ja", "zh-Hant", "pt-BR")


@pytest.mark.parametrize(
    ("tag", "chain"),
    [
        ("ja-JP", ("ja-JP", "ja")),
        ("zh-Hant-TW", ("zh-Hant-TW", "zh-Hant", "zh")),
        # Babel's likely subtags: Taiwan writes Traditional Chinese.
        ("zh-TW", ("zh-TW", "zh-Hant-TW", "zh-Hant", "zh")),
        ("en_GB", ("en-GB", "en")),
        ("de-CH-1996", ("de-CH-1996", "de-CH", "de")),
        # A private-use or unknown tag still falls back by its subtags.
        ("xx-YY", ("xx-YY", "xx")),
        ("en-a-ext", ("en-a-ext", "en")),  # never end on a singleton ("en-a")
        ("", ()),
    ],
)
def test_fallback_chain(tag: str, chain: tuple[str, ...]) -> None:
    assert fallback_chain(tag) == chain


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("zh-Hant-TW", "zh-Hant"),
        ("zh-TW", "zh-Hant"),
        ("ZH-hant-hk", "zh-Hant"),
        ("zh-CN", None),  # Simplified Chinese is not Traditional: no match, not a wrong one
        ("zh", None),
        ("pt-BR", "pt-BR"),
        ("pt-PT", None),
        ("ja-JP-u-ca-japanese", "ja"),
        ("fr", None),
    ],
)
def test_best_match(tag: str, expected: str | None) -> None:
    assert best_match(tag, AVAILABLE) == expected


def test_accept_language_ranges_by_weight() -> None:
    ranges = parse_accept_language("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5, ja;q=bad")
    assert [(r.tag, r.weight) for r in ranges] == [
        ("fr-CH", 1.0), ("fr", 0.9), ("en", 0.8), ("de", 0.7), ("*", 0.5),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("explicit", "header", "expected"),
    [
        (None, "zh-TW, en;q=0.5", "zh-Hant"),
        (None, "zh-CN, en;q=0.5", "en"),
        ("pt-BR", "ja", "pt-BR"),
        ("pt-PT", "ja", "ja"),
        (None, "de;q=0.9, *;q=0.1", "en"),
        (None, "*, en;q=0, ja;q=0", "pt-BR"),
    ],
)
def test_negotiate(explicit: str | None, header: str | None, expected: str) -> None:
    assert (
        negotiate(explicit=explicit, accept_language=header, available=AVAILABLE, default="en")
        == expected
    )
