"""The labelled examples the learned stage is trained on, with the groups that keep
paraphrases of one item in the same cross-validation fold.

Sources: the hand-written files in ``safety/learned/data/`` and the question and
generated-text lines of the tuning set. Sealed rounds (``safety/eval/sealed/``)
are never read here; `load_questions` refuses a line that a sealed round holds.

Augmentation adds, per English example, a typed-in-a-hurry variant and a
speech-to-text variant (fixed seed), and per Japanese example a spoken variant;
each stays in its example's group.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from safety.eval.gate import find_rounds
from safety.evaluation import default_eval_path, read_lines
from safety.question_policy import NormalizedQuestion, match_policy

DATA_DIR = Path(__file__).resolve().parent / "data"
QUESTION_FILES = ("questions.jsonl",)
SENTENCE_FILES = ("sentences.jsonl",)
SEED = 20261130

QUESTION_CLASSES = (
    "answer",
    "identity",
    "sensitive_trait",
    "ungrounded_inference",
    "illicit",
    "self_harm",
    "captcha",
)
SENTENCE_CLASSES = ("ok", "sensitive_inference", "identification")


@dataclass(frozen=True)
class Example:
    """One labelled text; `group` ties paraphrases together, `topic` marks people questions."""

    text: str
    lang: str
    label: str
    group: str
    source: str
    topic: str = ""
    disclaimers: tuple[str, ...] = ()


def data_files() -> tuple[Path, ...]:
    """Every file the model is trained from (for the provenance hash)."""
    own = [DATA_DIR / name for name in QUESTION_FILES + SENTENCE_FILES]
    return (*own, default_eval_path())


def data_sha256() -> str:
    """One hash over the training files, in a fixed order."""
    digest = hashlib.sha256()
    for path in data_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _sealed_texts() -> frozenset[str]:
    texts: set[str] = set()
    for round_ in find_rounds():
        if round_.sealed:
            texts.update(
                str(line.get("q") or line.get("generated")) for line in read_lines(round_.path)
            )
    return frozenset(texts)


def _tuning_label(line: dict[str, object]) -> str | None:
    """The question-only label of a tuning line, or None when the photo decides it."""
    if "ocr" in line or "explicit_score" in line:
        return None  # the refusal (or not) depends on the image, not on the words
    expect = str(line["expect"])
    if expect == "illicit":
        found = match_policy(NormalizedQuestion.of(str(line["q"])))
        if found is not None and found.key == "self_harm":
            return "self_harm"
    return expect


def load_questions() -> list[Example]:
    """Hand-written questions and the tuning set's question lines (not augmented)."""
    sealed = _sealed_texts()
    examples: list[Example] = []
    for name in QUESTION_FILES:
        for line in read_lines(DATA_DIR / name):
            examples.append(
                Example(
                    text=str(line["q"]),
                    lang=str(line["lang"]),
                    label=str(line["label"]),
                    group=str(line["group"]),
                    source=name,
                    topic=str(line.get("topic", "")),
                    disclaimers=tuple(str(d) for d in line.get("disclaimers", ())),
                )
            )
    for number, line in enumerate(read_lines(default_eval_path()), start=1):
        if "q" not in line:
            continue
        label = _tuning_label(line)
        if label is None:
            continue
        examples.append(
            Example(
                text=str(line["q"]),
                lang=str(line.get("lang", "en")),
                label=label,
                group=f"tuning-{number}",
                source="tuning",
                topic=str(line.get("topic", "")),
                disclaimers=tuple(str(d) for d in line.get("disclaimers", ())),
            )
        )
    leaked = [e.text for e in examples if e.text in sealed]
    if leaked:
        raise ValueError(f"{len(leaked)} training questions are in a sealed round")
    return examples


_SENTENCE = re.compile(r"[^.!?。！？]+[.!?。！？]*")


def _contains(text: str, needle: str) -> bool:
    return needle.casefold() in text.casefold()


def load_sentences() -> list[Example]:
    """Hand-written sentences, and the tuning set's generated texts split into sentences."""
    examples = [
        Example(
            text=str(line["text"]),
            lang=str(line["lang"]),
            label=str(line["label"]),
            group=str(line["group"]),
            source=name,
        )
        for name in SENTENCE_FILES
        for line in read_lines(DATA_DIR / name)
    ]
    for number, line in enumerate(read_lines(default_eval_path()), start=1):
        if "generated" not in line:
            continue
        absent = [str(s) for s in line.get("absent", ())]
        inference = line.get("kind") == "sensitive_inference"
        for sentence in _SENTENCE.findall(str(line["generated"])):
            sentence = sentence.strip()
            if not sentence:
                continue
            flagged = any(_contains(sentence, needle) for needle in absent)
            label = ("sensitive_inference" if inference else "identification") if flagged else "ok"
            examples.append(
                Example(
                    text=sentence,
                    lang=str(line.get("lang", "en")),
                    label=label,
                    group=f"tuning-gen-{number}",
                    source="tuning",
                )
            )
    return examples


# Speech-to-text and hurried typing, word for word (deliberately not the normaliser's map).
_SPOKEN_EN = {
    "you": "u",
    "are": "r",
    "your": "ur",
    "what is": "whats",
    "who is": "whos",
    "is he": "is he like",
    "can you": "can you please",
    "their": "there",
    "to": "too",
    "wearing": "wear in",
    "picture": "pitcher",
    "photo": "foto",
}
_FILLERS_EN = ("um ", "uh ", "hey ", "so ", "ok so ", "")
_FILLERS_JA = ("えっと", "あの", "ねえ", "")


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _hurried(text: str, rng: random.Random) -> str:
    words = re.sub(r"[^\w\s']", "", text.lower()).split()
    if not words:
        return text
    position = rng.randrange(len(words))
    words[position] = _typo(words[position], rng)
    return " ".join(words)


def _spoken(text: str, rng: random.Random) -> str:
    spoken = re.sub(r"[^\w\s']", "", text.lower())
    for written, said in _SPOKEN_EN.items():
        if rng.random() < 0.5:
            spoken = re.sub(rf"\b{written}\b", said, spoken)
    return rng.choice(_FILLERS_EN) + spoken


def _spoken_ja(text: str, rng: random.Random) -> str:
    spoken = re.sub(r"[？?。！!、]", "", text)
    spoken = spoken.replace("ですか", "") if rng.random() < 0.5 else spoken
    return rng.choice(_FILLERS_JA) + spoken


def augment(examples: Iterable[Example], *, seed: int = SEED) -> list[Example]:
    """The examples plus noisy variants in the same group (deterministic for a seed)."""
    rng = random.Random(seed)  # noqa: S311 - data augmentation, not security
    out: list[Example] = []
    for example in examples:
        out.append(example)
        if example.lang == "ja":
            variant = _spoken_ja(example.text, rng)
            if variant != example.text:
                out.append(replace(example, text=variant, source=example.source + "+spoken"))
            continue
        for make, tag in ((_hurried, "+typo"), (_spoken, "+spoken")):
            variant = make(example.text, rng)
            if variant != example.text:
                out.append(replace(example, text=variant, source=example.source + tag))
    return out


def merge_similar_groups(examples: Sequence[Example], *, threshold: float = 0.7) -> list[str]:
    """Group ids where near-identical texts (character 3-gram cosine >= threshold) share one
    group, so a paraphrase in the tuning set cannot sit in another fold than its twin."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # training-time only

    texts = [e.text.lower() for e in examples]
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3)).fit_transform(texts)
    similar = (matrix @ matrix.T).tocoo()
    parent = list(range(len(examples)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_group: dict[str, int] = {}
    for index, example in enumerate(examples):
        first = by_group.setdefault(example.group, index)
        parent[find(index)] = find(first)
    for i, j, value in zip(similar.row, similar.col, similar.data, strict=True):
        if i < j and value >= threshold:
            parent[find(int(i))] = find(int(j))
    return [f"g{find(index)}" for index in range(len(examples))]
