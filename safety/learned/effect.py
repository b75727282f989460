"""The out-of-fold effect of the learned stage on its own training questions.

    python -m safety.learned.effect [--out effect.json]

Grouped 5-fold cross-validation (the same folds as `safety.learned.train`)
gives each training question a probability from a head that never saw it or
its paraphrases. Applying the combination rule of `safety.second_stage` to
those probabilities, with the thresholds that `train.py` calibrates, says what
the rules plus the learned stage would do on questions like the training data:
recall per refusal class, and how many benign questions (people, general,
health) are refused. Figures are on the hand-written and tuning questions only
(the augmented variants are left out), per language. This is the evidence a
change to the calibration or the combination rule is judged on; the sealed
rounds are never used here.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from safety.learned.dataset import QUESTION_CLASSES, Example, load_questions
from safety.learned.embedder import E5Embedder
from safety.learned.train import (
    Matrix,
    _must_answer,
    calibrate_question_thresholds,
    embed_cached,
    out_of_fold,
    regroup,
    rules_refuse,
)


def effect(
    examples: Sequence[Example], oof: Matrix, thresholds: dict[str, float]
) -> dict[str, Any]:
    """Rules alone vs rules plus the learned stage, out of fold, per language."""
    figures: dict[str, Any] = {}
    for language in ("en", "ja"):
        total: Counter[str] = Counter()
        rules_hit: Counter[str] = Counter()
        both_hit: Counter[str] = Counter()
        for example, row in zip(examples, oof, strict=True):
            if example.lang != language or "+" in example.source:
                continue  # augmented variants are not counted
            key = (
                example.label if example.label != "answer" else f"answer:{example.topic or 'other'}"
            )
            total[key] += 1
            by_rules = rules_refuse(example)
            index = int(row.argmax())
            label = QUESTION_CLASSES[index]
            threshold = thresholds.get(f"{label}@{language}", thresholds.get(label, 2.0))
            by_classifier = (
                label != "answer" and row[index] >= threshold and not _must_answer(example)
            )
            # For a refusal class: refused at all (recall); for answer:*: wrongly refused.
            rules_hit[key] += int(by_rules)
            both_hit[key] += int(by_rules or by_classifier)
        figures[language] = {
            key: {"n": n, "rules": rules_hit[key], "rules+learned": both_hit[key]}
            for key, n in sorted(total.items())
        }
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    """Print the out-of-fold effect table (JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        examples = regroup(load_questions())
        features = embed_cached(E5Embedder.load(threads=1), [e.text for e in examples])
        labels = [e.label for e in examples]
        oof = out_of_fold(features, labels, [e.group for e in examples], QUESTION_CLASSES)
        thresholds = calibrate_question_thresholds(examples, oof)
    result = {"thresholds": thresholds, "effect": effect(examples, oof, thresholds)}
    text = json.dumps(result, indent=1)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
