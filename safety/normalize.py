"""Normalise user text before the rules see it.

Questions arrive typed in a hurry or through speech-to-text: lowercase, no
punctuation, "whos", "r u", spelling slips ("celebraty", "religous"). The rules
are written against one canonical form, produced here:

* Unicode NFKC (full-width Latin and digits become ASCII), lowercase;
* contractions and chat spellings expanded ("who's", "whos" -> "who is");
* punctuation becomes spaces, whitespace collapsed;
* words of five letters or more that are one edit away from a word in
  `TYPO_VOCABULARY` are corrected to it (SymSpell-style delete index, so the
  cost is a few dictionary look-ups per word); real words one edit away from a
  rule word ("prison" next to "poison") are listed too, so they stay as they are.

Japanese text keeps its characters (NFKC only, spaces removed), since the
Japanese rules match on substrings. `normalize_words` is the plain form a new
language's rules can start from.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_IS_CONTRACTION = re.compile(r"\b(who|what|that|he|she|it|there|where|how|this)'s\b")
_NON_WORD = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")

# Chat and speech-to-text spellings, word for word.
_WORD_MAP = {
    "whos": "who is",
    "whats": "what is",
    "thats": "that is",
    "wheres": "where is",
    "hows": "how is",
    "hes": "he is",
    "shes": "she is",
    "im": "i am",
    "u": "you",
    "ur": "your",
    "r": "are",
    "ppl": "people",
    "pic": "picture",
    "pics": "pictures",
    "pls": "please",
    "plz": "please",
    "recognise": "recognize",
    "neighbour": "neighbor",
    "neighbours": "neighbors",
    "colour": "color",
    "gf": "girlfriend",
    "whod": "who would",
    "theyd": "they would",
    "youd": "you would",
    "bf": "boyfriend",
}

# Words the rules depend on; a near miss of one of these is corrected to it.
TYPO_VOCABULARY = frozenset(
    """
    celebrity celebrities famous identify identity recognize resemble instagram facebook profile
    religion religious muslim jewish christian catholic buddhist ethnicity ethnic
    orientation sexuality lesbian bisexual homosexual transgender pregnant disability
    autistic autism syndrome cancer depressed bipolar schizophrenic nationality
    immigrant political republican democrat conservative liberal hispanic latino asian
    african caucasian trustworthy trust criminal dangerous terrorist intelligent
    intelligence attractive attractiveness beautiful handsome personality honest
    educated wealthy lying thief captcha recaptcha robot verification squiggly distorted
    explosive explosives poison overdose methamphetamine suicide weapon
    medicine medication prescription tablets capsules dosage ibuprofen acetaminophen
    tylenol expiration expired allergy allergens peanuts gluten bleach ammonia
    crosswalk traffic breaker outlet electrical temperature
    prison
    """.split()
)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@lru_cache(maxsize=1)
def _typo_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for word in sorted(TYPO_VOCABULARY):
        index.setdefault(word, word)
        for deleted in _deletes(word):
            index.setdefault(deleted, word)
    return index


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    """Optimal-string-alignment distance <= 1 (one insert, delete, substitute or swap)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def correct_typo(word: str) -> str:
    """Return the vocabulary word one edit away from `word`, or `word` itself."""
    if len(word) < 5 or word in TYPO_VOCABULARY or not word.isalpha():
        return word
    index = _typo_index()
    candidates = [index.get(word)] + [index.get(deleted) for deleted in sorted(_deletes(word))]
    for candidate in candidates:
        if candidate is not None and candidate[0] == word[0]:
            if _edit_distance_at_most_one(word, candidate):
                return candidate
    return word


def contains_japanese(text: str) -> bool:
    """True when the text has kana or kanji."""
    return _JAPANESE.search(text) is not None


def normalize_japanese(text: str) -> str:
    """NFKC, lowercase Latin, no whitespace: the form the Japanese rules match."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text).lower())


def normalize_words(text: str) -> str:
    """NFKC, case-folded, punctuation as spaces, whitespace collapsed: a starting point
    for a new language's rules (English adds chat spellings and typo correction)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def normalize_english(text: str) -> str:
    """Canonical lowercase form for the English rules (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    text = _IS_CONTRACTION.sub(r"\1 is", text)
    text = text.replace("'", "")
    text = _NON_WORD.sub(" ", text)
    words = [_WORD_MAP.get(word, word) for word in text.split()]
    return " ".join(correct_typo(word) for word in " ".join(words).split())
