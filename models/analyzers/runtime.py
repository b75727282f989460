"""ONNX Runtime execution providers, chosen in one place for every ONNX analyzer.

When the installed ONNX Runtime offers CUDA (the `onnxruntime-gpu` package, the
`gpu` extra) and a session can actually be placed on a CUDA device, analyzers
run there; otherwise on the CPU. The choice is logged once per model, with the
provider that the session really got (ONNX Runtime falls back to the CPU by
itself when the CUDA provider is listed but no device or driver is present).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"


def preferred_providers(available: Sequence[str] | None = None) -> list[str]:
    """CUDA then CPU when this ONNX Runtime build has CUDA, else CPU only."""
    if available is None:
        import onnxruntime as ort

        available = ort.get_available_providers()
    return [CUDA, CPU] if CUDA in available else [CPU]


def uses_cuda(available: Sequence[str] | None = None) -> bool:
    """Whether analyzers should ask for CUDA (used to configure rapidocr)."""
    return CUDA in preferred_providers(available)


def create_session(
    model: Path | bytes,
    *,
    name: str,
    threads: int = 1,
    available: Sequence[str] | None = None,
) -> Any:
    """An `onnxruntime.InferenceSession` on the preferred provider.

    `threads` is the intra-op thread count on the CPU: 1 by default, because
    requests already run concurrently in the analyzer pool and extra threads
    only fight over the same cores.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Idle intra-op threads sleep rather than spin: on a small machine spinning
    # threads of one analyzer take the cores from the analyzers running beside it.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    providers = preferred_providers(available)
    source = str(model) if isinstance(model, Path) else model
    session = ort.InferenceSession(source, sess_options=options, providers=providers)
    actual = session.get_providers()[0]
    if providers[0] == CUDA and actual != CUDA:
        logger.warning("CUDA unavailable, ONNX model runs on the CPU", extra={"model": name})
    else:
        logger.info("ONNX model loaded", extra={"model": name, "provider": actual})
    return session
