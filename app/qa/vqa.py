"""The standard VQA accuracy, adapted to answers that are sentences.

Normalization follows the official VQA evaluation script (`vqaEval.py`):
newlines and tabs become spaces; punctuation is removed or turned into a space
the way the script does it; a period that is not followed by a digit is
dropped; words are lower-cased; number words zero to ten become digits ("none"
becomes "0"); the articles a, an, the are dropped; contractions written without
their apostrophe get it back ("dont" → "don't"). We apply it to every answer,
where the script skips it when all ten humans agree (there it makes no
difference to the score).

Matching (our rule, because a generated sentence is not a short answer): a
human answer counts as given when its normalized words appear, in order and as
whole words, in the normalized answer text (or, for reading questions, in the
normalized text read). Before normalizing these long texts, typographic quotes
become straight ones and a colon that ends a word becomes a space ("says:
PEACHES"). The VizWiz codes "unanswerable" and "unsuitable" count as given when
the service refused or its answer contains a phrase of not knowing
(`NOT_KNOWING`). Of the human answers a text contains, the one most humans gave
is taken as the answer (ties: the longer one), so listing every option is not
rewarded. Accuracy is then the official one: for each of the N leave-one-out
subsets of the N human answers, min(#humans in the subset who gave that answer
/ 3, 1), averaged over the N subsets.

Why hand-written: no maintained package ships the VQA evaluation; the official
script is a Python 2 era file meant to be copied, not imported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PUNCTUATION = (";", "/", "[", "]", '"', "{", "}", "(", ")", "=", "+", "\\", "_", "-", ">", "<",
               "@", "`", ",", "?", "!")
COMMA_BETWEEN_DIGITS = re.compile(r"(\d)(,)(\d)")
# The official pattern, quirk included: the first group never looks behind, so any
# period that is not followed by a digit goes.
PERIOD_NOT_BEFORE_DIGIT = re.compile(r"(?!<=\d)(\.)(?!\d)")
NUMBER_WORDS = {"none": "0", "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4",
                "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10"}
ARTICLES = frozenset({"a", "an", "the"})
# English contractions. Those whose apostrophe-less spelling is itself a common word
# (ill, well, wed, shed, hell, id, its, were, lets, shell) are left out, as the
# official list does.
CONTRACTIONS = (
    "ain't", "aren't", "can't", "could've", "couldn't", "couldn't've", "didn't", "doesn't",
    "don't", "hadn't", "hadn't've", "hasn't", "haven't", "he'd", "he'd've", "he's", "how'd",
    "how'll", "how's", "i'd've", "i'm", "i've", "isn't", "it'd", "it'd've", "it'll", "ma'am",
    "mightn't", "mightn't've", "might've", "mustn't", "must've", "needn't", "not've", "o'clock",
    "oughtn't", "shan't", "she'd've", "she's", "should've", "shouldn't", "shouldn't've",
    "somebody'd", "somebody'd've", "somebody'll", "somebody's", "someone'd", "someone'd've",
    "someone'll", "someone's", "something'd", "something'd've", "something'll", "that's",
    "there'd", "there'd've", "there're", "there's", "they'd", "they'd've", "they'll", "they're",
    "they've", "'twas", "wasn't", "we'd've", "we've", "weren't", "what'll", "what're", "what's",
    "what've", "when's", "where'd", "where's", "where've", "who'd", "who'd've", "who'll",
    "who's", "who've", "why'll", "why're", "why's", "won't", "would've", "wouldn't",
    "wouldn't've", "y'all", "y'all'll", "y'all'd've", "you'd", "you'd've", "you'll", "you're",
    "you've",
)
VIZWIZ_NO_ANSWER = frozenset({"unanswerable", "unsuitable"})
# Phrases (normalized) by which an answer says that it cannot tell.
NOT_KNOWING = (
    "can't tell", "cannot tell", "can't read", "cannot read", "couldn't read", "can't see",
    "cannot see", "can't make out", "not sure", "unable to", "no text", "could not read",
    "not clear", "unclear",
)
TYPOGRAPHIC_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
                                    "‘": "'", "’": "'"})
COLON_ENDING_WORD = re.compile(r":(?=\s|$)")


def _spellings_without_apostrophes(form: str) -> set[str]:
    """'couldn't've' → {"couldntve", "couldnt've", "couldn'tve"}: every spelling that
    drops some of the apostrophes."""
    parts = form.split("'")
    spellings = {""}
    for index, part in enumerate(parts):
        if index == 0:
            spellings = {part}
            continue
        spellings = {s + sep + part for s in spellings for sep in ("", "'")}
    return spellings - {form}


CONTRACTION_FIXES = {
    spelling: form for form in CONTRACTIONS for spelling in _spellings_without_apostrophes(form)
}


def _strip_punctuation(text: str) -> str:
    out = text
    for mark in PUNCTUATION:
        if mark + " " in text or " " + mark in text or COMMA_BETWEEN_DIGITS.search(text):
            out = out.replace(mark, "")
        else:
            out = out.replace(mark, " ")
    return PERIOD_NOT_BEFORE_DIGIT.sub("", out)


def _digits_and_articles(text: str) -> str:
    words = [NUMBER_WORDS.get(word, word) for word in text.lower().split()]
    words = [word for word in words if word not in ARTICLES]
    return " ".join(CONTRACTION_FIXES.get(word, word) for word in words)


def normalize_answer(answer: str) -> str:
    """The official VQA answer normalization (see the module docstring)."""
    text = answer.replace("\n", " ").replace("\t", " ").strip()
    return _digits_and_articles(_strip_punctuation(text))


def normalize_text(text: str) -> str:
    """Normalize a long text (an answer sentence, the text read) for matching."""
    text = COLON_ENDING_WORD.sub(" ", text.translate(TYPOGRAPHIC_QUOTES))
    return normalize_answer(text)


def contains_words(haystack: str, needle: str) -> bool:
    """True when the words of `needle` appear in order, as whole words, in `haystack`
    (both already normalized)."""
    words, wanted = haystack.split(), needle.split()
    if not wanted:
        return False
    size = len(wanted)
    return any(words[i : i + size] == wanted for i in range(len(words) - size + 1))


@dataclass(frozen=True)
class VqaScore:
    """The VQA accuracy of one text against the human answers."""

    accuracy: float
    matched: str | None  # the normalized human answer taken as given, if any


def given_answers(text: str, answers: Iterable[str], *, refused: bool = False) -> set[str]:
    """The normalized human answers that `text` gives (see the module docstring)."""
    normalized_text = normalize_text(text)
    found: set[str] = set()
    for answer in {normalize_answer(a) for a in answers}:
        if answer in VIZWIZ_NO_ANSWER:
            if refused or any(contains_words(normalized_text, p) for p in NOT_KNOWING):
                found.add(answer)
        elif contains_words(normalized_text, answer):
            found.add(answer)
    return found


def leave_one_out_accuracy(humans: Sequence[str], answer: str) -> float:
    """The official accuracy of a normalized `answer` against normalized human answers:
    min(#matching humans / 3, 1), averaged over the leave-one-out subsets."""
    if len(humans) < 2:
        raise ValueError("the VQA accuracy needs at least two human answers")
    matches = [human == answer for human in humans]
    total = sum(matches)
    scores = [min(1.0, (total - int(left_out)) / 3) for left_out in matches]
    return sum(scores) / len(scores)


def vqa_score(text: str, answers: Sequence[str], *, refused: bool = False) -> VqaScore:
    """The VQA accuracy of a generated `text` against the human `answers`."""
    humans = [normalize_answer(a) for a in answers]
    found = given_answers(text, answers, refused=refused)
    if not found:
        return VqaScore(accuracy=0.0, matched=None)
    best = max(found, key=lambda a: (humans.count(a), len(a.split()), a))
    return VqaScore(accuracy=leave_one_out_accuracy(humans, best), matched=best)
