"""Getting sentences: fallback to English, plurals by the language's rule, Babel formats."""

from __future__ import annotations

import pytest

from models.language import (
    CatalogueEntry,
    MissingMessageError,
    finish_sentence,
    format_calendar_date,
    format_list,
    format_number,
    join_sentences,
    message,
    plural_message,
    resolve_language,
    text_language,
)
from models.language.catalogue import CatalogueError


def test_a_tag_is_served_by_its_language() -> None:
    assert message("guidance.too_dark", language="ja-JP") == message("guidance.too_dark", language="ja")
    assert message("guidance.too_dark", language="de-DE") == message("guidance.too_dark", language="en")
    assert resolve_language("ja-Jpan-JP") == "ja"
    assert text_language("ja-JP") == "ja-JP"  # served by its own language: reported as asked
    assert text_language("de") == "en"  # served by the fallback: reported as English
    assert text_language(None) == "en"


def test_plural_forms_follow_each_language() -> None:
    assert plural_message("compose.more_lines", 1, language="en") == "There is 1 more line."
    assert plural_message("compose.more_lines", 2, language="en") == "There are 2 more lines."
    assert plural_message("compose.more_lines", 2, language="ja") == "ほかに2行あります。"
    assert plural_message("compose.more_lines", 1250, language="en") == "There are 1,250 more lines."


def test_wrong_reader_and_unknown_key_fail_loudly() -> None:
    with pytest.raises(CatalogueError):
        message("compose.more_lines", language="en")
    with pytest.raises(CatalogueError):
        plural_message("compose.no_text", 2, language="en")
    with pytest.raises(MissingMessageError):
        message("compose.no_such_sentence", language="ja")


@pytest.mark.parametrize(
    ("language", "items", "expected"),
    [
        ("en", ["red"], "red"),
        ("en", ["red", "white"], "red and white"),
        ("en", ["red", "white", "blue"], "red, white and blue"),  # British: no serial comma
        ("ja", ["赤", "白", "青"], "赤、白、青"),
    ],
)
def test_lists_use_cldr_patterns(language: str, items: list[str], expected: str) -> None:
    assert format_list(items, language=language) == expected


def test_a_catalogue_may_join_one_kind_of_list_its_own_way() -> None:
    assert format_list(["赤", "白"], language="ja", kind="colours") == "赤と白"
    assert format_list(["上", "右"], language="ja", kind="edges") == "上・右"
    assert format_list(["red", "white"], language="en", kind="colours") == "red and white"


def test_numbers_and_dates() -> None:
    assert format_number(1250, language="en") == "1,250"
    assert format_number(12.5, language="ja") == "12.5"
    assert format_calendar_date(year=2024, month=6, day=12, language="en") == "12 June 2024"
    assert format_calendar_date(year=2025, month=5, day=None, language="en") == "May 2025"
    assert format_calendar_date(year=2024, month=6, day=12, language="ja") == "2024年6月12日"
    assert format_calendar_date(year=2025, month=5, day=None, language="ja") == "2025年5月"


def test_sentences_are_joined_and_finished_per_language() -> None:
    assert join_sentences(["One.", "", "Two."], language="en") == "One. Two."
    assert join_sentences(["一。", "二。"], language="ja") == "一。二。"
    assert finish_sentence("It says STOP", language="en") == "It says STOP."
    assert finish_sentence("It says STOP!", language="en") == "It says STOP!"
    assert finish_sentence("止まれ", language="ja") == "止まれ。"


def test_entries_expose_their_fields() -> None:
    entry = CatalogueEntry(
        context=None,
        key="k",
        forms=("{a} and {b}", "{a}"),
        plural=True,
        developer_comments=(),
        translator_comments=(),
    )
    assert entry.placeholders() == {"a", "b"}
