"""The trained heads of the second stage, read from ``model/second_stage.json`` (numpy only).

`safety.learned.train` writes the file; this module only reads it and turns
embeddings into class probabilities.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL_PATH = Path(__file__).resolve().parent / "model" / "second_stage.json"
Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class ClassScore:
    """The most likely class of one text, its probability, and whether it passed the class's
    calibrated threshold (the negative class never "passes")."""

    label: str
    probability: float
    above_threshold: bool


@dataclass(frozen=True)
class LinearHead:
    """Logistic regression weights: softmax over classes (sigmoid when there are two)."""

    classes: tuple[str, ...]
    weights: npt.NDArray[np.float64]
    bias: npt.NDArray[np.float64]
    thresholds: Mapping[str, float]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinearHead:
        """Read a head from the model file."""
        return cls(
            classes=tuple(str(c) for c in data["classes"]),
            weights=np.asarray(data["coef"], dtype=np.float64),
            bias=np.asarray(data["intercept"], dtype=np.float64),
            thresholds={str(k): float(v) for k, v in data["thresholds"].items()},
        )

    def probabilities(self, vectors: Vectors) -> npt.NDArray[np.float64]:
        """Class probabilities, one row per vector, columns in `classes` order."""
        logits = vectors.astype(np.float64) @ self.weights.T + self.bias
        if self.weights.shape[0] == 1:  # scikit-learn's binary form: one logit for class 1
            positive = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.stack([1.0 - positive, positive], axis=1)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        result: npt.NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
        return result

    def scores(self, vectors: Vectors, *, language: str = "") -> tuple[ClassScore, ...]:
        """The top class of each vector, with its threshold verdict (the language's own
        threshold, "class@ja", when the head has one)."""
        found = []
        for row in self.probabilities(vectors):
            index = int(row.argmax())
            label = self.classes[index]
            probability = float(row[index])
            threshold = self.thresholds.get(f"{label}@{language}", self.thresholds.get(label))
            above = threshold is not None and probability >= threshold
            found.append(ClassScore(label=label, probability=probability, above_threshold=above))
        return tuple(found)


@dataclass(frozen=True)
class SecondStageModel:
    """Every head of the learned stage, and where it came from."""

    question: LinearHead
    disclaimers: Mapping[str, LinearHead]
    sentence: LinearHead
    provenance: Mapping[str, Any]

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> SecondStageModel:
        """Read the committed model file."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != 1:
            raise ValueError(f"unknown second-stage model format in {path}")
        return cls(
            question=LinearHead.from_dict(data["question_head"]),
            disclaimers={
                str(name): LinearHead.from_dict(head)
                for name, head in data["disclaimer_heads"].items()
            },
            sentence=LinearHead.from_dict(data["sentence_head"]),
            provenance=dict(data["provenance"]),
        )
