"""Greedy decoding of a batch of prompts with the three-session ONNX VLM.

Follows the SmolVLM ONNX model card's loop (vision encoder once, image features
written over the `<image>` token embeddings, merged decoder with
`past_key_values.{i}.key/value` in and `present.{i}.key/value` out), extended to
batches: prompts are left-padded, the attention mask grows with the cache and
position ids count only real tokens, so a prompt's answer does not depend on
what it was batched with. Runs synchronously in the backend's worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from models.backends.onnx_session import VlmSessions

_TYPES = {"tensor(float)": np.float32, "tensor(float16)": np.float16}


class IncrementalDecoder:
    """Turns a growing list of token ids into new text pieces; holds back a piece
    while it ends in an incomplete multi-byte character."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer
        self._ids: list[int] = []
        self._sent = 0

    def push(self, token_id: int) -> str:
        """Add one token; return the text it completes (maybe empty)."""
        self._ids.append(token_id)
        text: str = self._tokenizer.decode(self._ids, skip_special_tokens=True)
        if text.endswith("\ufffd"):
            return ""
        piece, self._sent = text[self._sent:], len(text)
        return piece


def _input_dtype(session: Any, name: str) -> Any:
    for item in session.get_inputs():
        if item.name == name:
            return _TYPES.get(item.type, np.float32)
    return np.float32


def prepare_inputs(
    *, sessions: VlmSessions, prompts: Sequence[str], images: Sequence[Any] | None
) -> dict[str, np.ndarray]:
    """Tokenize (left-padded) and preprocess images with the model's processor."""
    batch = sessions.processor(
        text=list(prompts), images=[[image] for image in images] if images else None,
        return_tensors="np", padding=True)
    return {key: np.asarray(value) for key, value in batch.items()}


def first_step_feeds(
    *, sessions: VlmSessions, inputs: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Decoder feeds for the prompt pass: embeddings with image features merged,
    attention mask, position ids and an empty KV cache."""
    input_ids = inputs["input_ids"].astype(np.int64)
    mask = inputs["attention_mask"].astype(np.int64)
    embeds = sessions.embed.run(None, {"input_ids": input_ids})[0]
    if "pixel_values" in inputs:
        pixels = inputs["pixel_values"].astype(_input_dtype(sessions.vision, "pixel_values"))
        pixel_mask = inputs.get("pixel_attention_mask")
        if pixel_mask is None:
            pixel_mask = np.ones(pixels.shape[:2] + pixels.shape[3:], dtype=np.bool_)
        # One vision run per prompt, over its real (not padding) images: exports differ
        # in whether they drop the all-zero padding images the processor adds when
        # prompts have different numbers of image tiles.
        pieces = []
        for row in range(pixels.shape[0]):
            real = int(pixel_mask[row].reshape(pixel_mask.shape[1], -1).any(axis=1).sum())
            if real:
                pieces.append(sessions.vision.run(["image_features"], {
                    "pixel_values": pixels[row:row + 1, :real],
                    "pixel_attention_mask": pixel_mask[row:row + 1, :real].astype(np.bool_)})[0])
        slots = input_ids == sessions.shape.image_token_id
        rows = np.concatenate([f.reshape(-1, f.shape[-1]) for f in pieces]) if pieces else \
            np.zeros((0, embeds.shape[-1]), dtype=embeds.dtype)
        if int(slots.sum()) != rows.shape[0]:
            raise RuntimeError("image token count does not match the vision encoder output")
        embeds[slots] = rows.astype(embeds.dtype)
    shape = sessions.shape
    feeds: dict[str, np.ndarray] = {
        "inputs_embeds": embeds.astype(_input_dtype(sessions.decoder, "inputs_embeds")),
        "attention_mask": mask,
        # transformers' convention: count real tokens from 0; padding gets 0.
        "position_ids": np.maximum(np.cumsum(mask, axis=-1) - 1, 0).astype(np.int64),
    }
    empty = np.zeros((input_ids.shape[0], shape.num_kv_heads, 0, shape.head_dim),
                     dtype=sessions.kv_dtype)
    for layer in range(shape.num_layers):
        feeds[f"past_key_values.{layer}.key"] = empty
        feeds[f"past_key_values.{layer}.value"] = empty
    return {k: v for k, v in feeds.items() if k in sessions.decoder_inputs}


def generate_batch(
    *,
    sessions: VlmSessions,
    prompts: Sequence[str],
    images: Sequence[Any] | None,
    max_new_tokens: int,
    emit: Callable[[int, str], None],
    is_cancelled: Callable[[int], bool],
) -> None:
    """Greedy-decode every prompt; call `emit(row, piece)` as text is produced.

    `images` is one image per prompt, or None for a text-only batch. Rows stop at
    a stop token, at `max_new_tokens`, or when `is_cancelled(row)` turns true.
    """
    inputs = prepare_inputs(sessions=sessions, prompts=prompts, images=images)
    feeds = first_step_feeds(sessions=sessions, inputs=inputs)
    size = len(prompts)
    decoders = [IncrementalDecoder(sessions.processor.tokenizer) for _ in range(size)]
    done = np.zeros(size, dtype=np.bool_)
    output_names = [o.name for o in sessions.decoder.get_outputs()]
    stop_ids = np.array(sorted(sessions.shape.stop_token_ids), dtype=np.int64)
    mask = feeds["attention_mask"]
    positions = np.maximum(np.cumsum(mask, axis=-1) - 1, 0)[:, -1:]
    for _ in range(max_new_tokens):
        outputs = dict(zip(output_names, sessions.decoder.run(None, feeds), strict=True))
        next_ids = outputs["logits"][:, -1].argmax(-1).astype(np.int64)
        done |= np.isin(next_ids, stop_ids)
        for row in range(size):
            if is_cancelled(row):
                done[row] = True
            if not done[row]:
                piece = decoders[row].push(int(next_ids[row]))
                if piece:
                    emit(row, piece)
        if done.all():
            break
        mask = np.concatenate([mask, np.ones((size, 1), dtype=np.int64)], axis=1)
        positions = positions + 1
        step_ids = next_ids[:, None]
        embeds = sessions.embed.run(None, {"input_ids": step_ids})[0]
        feeds = {
            "inputs_embeds": embeds.astype(_input_dtype(sessions.decoder, "inputs_embeds")),
            "attention_mask": mask, "position_ids": positions.astype(np.int64),
        }
        for name, value in outputs.items():
            if name.startswith("present."):
                feeds["past_key_values." + name[len("present."):]] = value
        feeds = {k: v for k, v in feeds.items() if k in sessions.decoder_inputs}
