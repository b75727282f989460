"""Loading a transformers.js-layout VLM directory: ONNX sessions, processor, config.

Layout (as exported for SmolVLM / Idefics3 by transformers.js / optimum):
`onnx/vision_encoder{_variant}.onnx`, `onnx/embed_tokens{_variant}.onnx`,
`onnx/decoder_model_merged{_variant}.onnx`, plus `config.json`,
`preprocessor_config.json`, `tokenizer.json` and friends for AutoProcessor.
Everything heavy is imported here, inside functions, so importing Sightline
never loads a model; a missing piece raises BackendUnavailableError at start-up.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from models.backends.base import BackendUnavailableError

logger = logging.getLogger(__name__)
Device = Literal["auto", "cuda", "cpu"]
ONNX_PARTS = ("vision_encoder", "embed_tokens", "decoder_model_merged")
REQUIRED_FILES = ("config.json", "tokenizer.json")
# transformers 4.x writes the image settings to preprocessor_config.json, 5.x may nest
# them in processor_config.json; either is enough for AutoProcessor.
PROCESSOR_FILES = ("preprocessor_config.json", "processor_config.json")


@dataclass(frozen=True)
class TextModelShape:
    """What the generation loop needs from `config.json`."""

    num_layers: int
    num_kv_heads: int
    head_dim: int
    image_token_id: int
    stop_token_ids: frozenset[int]


@dataclass
class VlmSessions:
    """The three ONNX sessions, the processor and the model's shape; built once."""

    vision: Any
    embed: Any
    decoder: Any
    processor: Any
    shape: TextModelShape
    provider: str
    kv_dtype: Any
    decoder_inputs: frozenset[str]


def choose_providers(*, device: Device, available: list[str]) -> list[str]:
    """Explicit provider list: CUDA (with CPU for unsupported ops) or CPU only."""
    has_cuda = "CUDAExecutionProvider" in available
    if device == "cuda" and not has_cuda:
        raise BackendUnavailableError(
            "onnx backend: device 'cuda' requested but onnxruntime has no CUDAExecutionProvider "
            "(install onnxruntime-gpu instead of onnxruntime)")
    if device != "cpu" and has_cuda:
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]


def read_model_shape(*, config: dict[str, Any], tokenizer: Any) -> TextModelShape:
    """Layer count, KV heads, head size, image token and stop tokens from config.json."""
    text = config.get("text_config", config)
    heads = int(text["num_attention_heads"])
    head_dim = int(text.get("head_dim") or int(text["hidden_size"]) // heads)
    eos = text.get("eos_token_id", config.get("eos_token_id"))
    stops = {int(e) for e in (eos if isinstance(eos, list) else [eos]) if e is not None}
    # SmolVLM ends an assistant turn with <end_of_utterance> rather than EOS.
    end_of_utterance = tokenizer.convert_tokens_to_ids("<end_of_utterance>")
    if isinstance(end_of_utterance, int) and end_of_utterance != tokenizer.unk_token_id:
        stops.add(end_of_utterance)
    image_token_id = config.get("image_token_id", tokenizer.convert_tokens_to_ids("<image>"))
    return TextModelShape(
        num_layers=int(text["num_hidden_layers"]),
        num_kv_heads=int(text.get("num_key_value_heads") or heads),
        head_dim=head_dim, image_token_id=int(image_token_id),
        stop_token_ids=frozenset(stops),
    )


def load_sessions(
    *, model_dir: Path, device: Device, variant: str | None, intra_op_threads: int
) -> VlmSessions:
    """Open the three sessions and the processor; raise BackendUnavailableError with
    a clear message when the runtime, transformers or a model file is missing."""
    try:
        import numpy as np
        import onnxruntime as ort
    except ImportError as exc:
        raise BackendUnavailableError(
            "onnx backend: onnxruntime is not installed (pip install onnxruntime, "
            "or onnxruntime-gpu for CUDA)") from exc
    try:
        from transformers import AutoProcessor
    except ImportError as exc:
        raise BackendUnavailableError("onnx backend: transformers is not installed") from exc
    suffix = f"_{variant}" if variant else ""
    paths = {part: model_dir / "onnx" / f"{part}{suffix}.onnx" for part in ONNX_PARTS}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    missing += [str(model_dir / f) for f in REQUIRED_FILES if not (model_dir / f).is_file()]
    if not any((model_dir / f).is_file() for f in PROCESSOR_FILES):
        missing.append(str(model_dir / PROCESSOR_FILES[0]))
    if missing:
        raise BackendUnavailableError(
            f"onnx backend: model files missing in {model_dir}: {', '.join(missing)} "
            "(download one with `sightline models pull REPO`)")
    providers = choose_providers(device=device, available=ort.get_available_providers())
    options = ort.SessionOptions()
    options.intra_op_num_threads = intra_op_threads
    sessions = {part: ort.InferenceSession(str(path), sess_options=options, providers=providers)
                for part, path in paths.items()}
    provider = sessions["decoder_model_merged"].get_providers()[0]
    logger.info("onnx vlm loaded", extra={"provider": provider, "variant": variant or "fp32"})
    processor = AutoProcessor.from_pretrained(str(model_dir))  # type: ignore[no-untyped-call]
    processor.tokenizer.padding_side = "left"  # generation appends on the right
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    decoder = sessions["decoder_model_merged"]
    kv_type = next((i.type for i in decoder.get_inputs() if i.name.startswith("past_key_values")),
                   "tensor(float)")
    return VlmSessions(
        vision=sessions["vision_encoder"], embed=sessions["embed_tokens"], decoder=decoder,
        processor=processor, shape=read_model_shape(config=config, tokenizer=processor.tokenizer),
        provider=provider, kv_dtype=np.float16 if "float16" in kv_type else np.float32,
        decoder_inputs=frozenset(i.name for i in decoder.get_inputs()),
    )
