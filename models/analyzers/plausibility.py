"""Does an OCR line read as language, or as noise? ("CrWindowe; Lrepalr detaile")

A line is *plausible* when the recogniser was very sure of it, or when it holds
at least one dictionary word: an English word of 3+ letters from Webster's
Second word list (`english-words`, MIT), a Japanese content word of 2+
characters from IPADIC (`janome`, Apache-2.0 with the IPADIC licence), or a
number (a display's "450", "12 OZ", "2%"). Lines that fail both are flagged,
not dropped: the describer hedges or leaves them out.

Thresholds (`PlausibilityThresholds`) were set on the OCR lines of the 23
labelled shared photos (see tests/models/test_plausibility.py for the table).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

_LATIN_WORD = re.compile(r"[A-Za-z]+")
_NUMBER = re.compile(r"\d")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_CONTENT_POS = ("名詞", "動詞", "形容詞", "副詞")


@dataclass(frozen=True)
class PlausibilityThresholds:
    """Set on the shared photos' OCR lines (see the module docstring)."""

    # At or above this recogniser confidence a line is taken as read, words or not
    # (brand names such as "Cheerios" or "KIRKLAND" are in no dictionary).
    sure_confidence: float = 0.95
    min_latin_word: int = 3
    min_japanese_word: int = 2


class Plausibility:
    """Judges OCR lines; the word lists load once (about 1 s) and are shared.

    Thread-safe: janome's tokenizer is not documented as such, so it is locked.
    """

    def __init__(self, *, thresholds: PlausibilityThresholds | None = None) -> None:
        from english_words import get_english_words_set
        from janome.tokenizer import Tokenizer

        self._english: frozenset[str] = frozenset(get_english_words_set(["web2"], lower=True))
        self._tokenizer: Any = Tokenizer()
        self._lock = threading.Lock()
        self._thresholds = thresholds or PlausibilityThresholds()
        self.has_word("緑茶")  # janome reads its dictionary pages lazily: warm them now

    def is_plausible(self, text: str, confidence: float) -> bool:
        """True unless the line is both unsure and free of dictionary words."""
        return confidence >= self._thresholds.sure_confidence or self.has_word(text)

    def has_word(self, text: str) -> bool:
        """Whether the text holds a number, an English word or a Japanese word."""
        if _NUMBER.search(text):
            return True
        t = self._thresholds
        for word in _LATIN_WORD.findall(text):
            if len(word) >= t.min_latin_word and word.lower() in self._english:
                return True
        if _JAPANESE.search(text):
            with self._lock:
                tokens = list(self._tokenizer.tokenize(text))
            for token in tokens:
                if (
                    token.node_type == "SYS_DICT"
                    and len(token.surface) >= t.min_japanese_word
                    and _JAPANESE.search(token.surface)
                    and token.part_of_speech.startswith(_CONTENT_POS)
                ):
                    return True
        return False
