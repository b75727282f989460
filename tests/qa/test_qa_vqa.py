"""The VQA accuracy: the official normalization, our matching rule for sentences,
and the leave-one-out average, against hand-computed examples."""

from __future__ import annotations

import pytest

from app.qa.vqa import (
    contains_words,
    given_answers,
    leave_one_out_accuracy,
    normalize_answer,
    normalize_text,
    vqa_score,
)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("Yes", "yes"),
        ("The Red Can", "red can"),
        ("an apple", "apple"),
        ("Two", "2"),
        ("none", "0"),
        ("ten dollars", "10 dollars"),
        ("eleven", "eleven"),  # only zero to ten become digits
        ("dont know", "don't know"),
        ("isnt it", "isn't it"),
        ("couldntve", "couldn't've"),
        ("well done", "well done"),  # an ambiguous spelling stays a word
        ("black-beans", "black beans"),  # a hyphen inside a word becomes a space
        ("beans, rice", "beans rice"),  # a comma before a space is dropped
        ("1,000", "1000"),  # a comma between digits is dropped
        ("3.5 oz.", "3.5 oz"),  # a period before a digit stays, one that ends a word goes
        ("saxon math 6/5", "saxon math 6 5"),
        ("(room) 1141!", "room 1141"),
        ("line one\nline two", "line 1 line 2"),
    ],
)
def test_normalize_answer_follows_the_official_rules(raw: str, normalized: str) -> None:
    assert normalize_answer(raw) == normalized


def test_long_texts_lose_quotes_and_word_ending_colons_but_keep_times() -> None:
    assert normalize_text("It says: “SLICED PEACHES”.") == "it says sliced peaches"
    assert normalize_text("The clock shows 4:30.") == "clock shows 4:30"
    assert normalize_text("It’s a can") == "it's can"


@pytest.mark.parametrize(
    ("haystack", "needle", "expected"),
    [
        ("it is black beans not pinto", "black beans", True),
        ("it is blackbeans", "black beans", False),
        ("the oven reads 450", "450", True),
        ("the oven reads 4500", "450", False),  # whole words only
        ("beans black", "black beans", False),  # in order
        ("anything", "", False),  # an empty answer is never given
    ],
)
def test_contains_words_matches_whole_words_in_order(haystack: str, needle: str,
                                                      expected: bool) -> None:
    assert contains_words(haystack, needle) is expected


def test_leave_one_out_average_hand_computed() -> None:
    # 2 of 10 humans said "red". Leaving out one of those 2: 1 match left → 1/3;
    # leaving out one of the 8 others: 2 matches → 2/3. (2 × 1/3 + 8 × 2/3) / 10 = 0.6.
    humans = ["red"] * 2 + ["pink"] * 8
    assert leave_one_out_accuracy(humans, "red") == pytest.approx(0.6)
    # 3 of 10: leaving out a match leaves 2 → 2/3 (3 times); otherwise 3 → 1 (7 times).
    # (3 × 2/3 + 7 × 1) / 10 = 0.9, where the plain min(3/3, 1) would say 1.0.
    humans = ["red"] * 3 + ["pink"] * 7
    assert leave_one_out_accuracy(humans, "red") == pytest.approx(0.9)
    # 4 or more of 10: every subset keeps at least 3 → 1.0.
    assert leave_one_out_accuracy(["red"] * 4 + ["pink"] * 6, "red") == pytest.approx(1.0)
    # 1 of 10: (1 × 0 + 9 × 1/3) / 10 = 0.3.
    assert leave_one_out_accuracy(["red"] + ["pink"] * 9, "red") == pytest.approx(0.3)
    assert leave_one_out_accuracy(["pink"] * 10, "red") == 0.0


def test_leave_one_out_needs_two_answers() -> None:
    with pytest.raises(ValueError, match="two"):
        leave_one_out_accuracy(["red"], "red")


def test_a_sentence_scores_with_the_most_agreed_answer_it_contains() -> None:
    answers = ["sliced peaches"] * 6 + ["peaches"] * 4
    # The sentence contains both; "sliced peaches" (6 humans) is taken → 1.0.
    score = vqa_score("This is a can of Kirkland sliced peaches.", answers)
    assert score.matched == "sliced peaches"
    assert score.accuracy == pytest.approx(1.0)
    # Only "peaches" (4 humans) is given → every subset keeps ≥ 3 → 1.0.
    assert vqa_score("Peaches in a can.", answers).accuracy == pytest.approx(1.0)
    # Only 2 of 10 said "peach halves": (2 × 1/3 + 8 × 2/3) / 10 = 0.6.
    answers = ["peach halves"] * 2 + ["apricots"] * 8
    assert vqa_score("Peach halves, it seems.", answers).accuracy == pytest.approx(0.6)


def test_listing_every_option_earns_no_more_than_the_best_one() -> None:
    answers = ["yes"] * 2 + ["no"] * 2 + ["maybe"] * 6
    # "yes" and "no" each have 2 humans: the score is that of one 2-human answer.
    assert vqa_score("Yes or no, I cannot say.", answers).accuracy == pytest.approx(0.6)


def test_number_words_in_the_answer_match_digits_in_human_answers() -> None:
    answers = ["2"] * 10
    assert vqa_score("There are two connectors.", answers).accuracy == pytest.approx(1.0)


def test_unanswerable_counts_when_the_answer_says_it_cannot_tell_or_refuses() -> None:
    answers = ["unanswerable"] * 5 + ["blank"] * 5
    assert given_answers("I can't read any text; the photo is blurred.", answers) == {
        "unanswerable"}
    assert vqa_score("Sorry, I cannot tell what this is.", answers).accuracy == pytest.approx(1.0)
    assert vqa_score("I can't help with that.", answers, refused=True).accuracy == 1.0
    assert vqa_score("It is a can of peaches.", answers).accuracy == 0.0
