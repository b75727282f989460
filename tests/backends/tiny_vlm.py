"""Builds a tiny random VLM in the transformers.js SmolVLM/Idefics3 ONNX layout.

The three graphs have the real models' input and output names and shapes:
  vision_encoder: pixel_values [B, N, 3, 32, 32] f32, pixel_attention_mask [B, N, 32, 32]
                  bool -> image_features [B*N, 4, D]  (2x2 patches, linear + tanh)
  embed_tokens:   input_ids [B, S] i64 -> inputs_embeds [B, S, D]
  decoder_model_merged: inputs_embeds, attention_mask [B, P+S], position_ids [B, S],
                  past_key_values.{i}.key/value [B, H, P, hd] -> logits [B, S, V],
                  present.{i}.key/value [B, H, P+S, hd]
The decoder is a small pre-norm-free transformer with learned absolute positions,
causal + padding masks and a KV cache; `reference_logits` recomputes it in numpy.
The tokenizer is a byte-level BPE with the Idefics3 image tokens, and the processor
an Idefics3Processor (PIL image processor, no torch) with 32-pixel images.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HIDDEN, HEADS, LAYERS, FFN, IMAGE, PATCH, MAX_POS = 16, 2, 2, 32, 32, 16, 2048
HEAD_DIM = HIDDEN // HEADS
IMAGE_SEQ_LEN = (IMAGE // PATCH) ** 2
SPECIAL = ["<|endoftext|>", "<|im_start|>", "<end_of_utterance>", "<image>",
           "<fake_token_around_image>", "<global-img>"] + [
    f"<row_{r}_col_{c}>" for r in range(1, 7) for c in range(1, 7)]
CHAT_TEMPLATE = (
    "<|im_start|>{% for message in messages %}{{message['role'] | capitalize}}"
    "{% if message['content'][0]['type'] == 'image' %}{{':'}}{% else %}{{': '}}{% endif %}"
    "{% for line in message['content'] %}{% if line['type'] == 'text' %}{{line['text']}}"
    "{% elif line['type'] == 'image' %}{{ '<image>' }}{% endif %}{% endfor %}"
    "<end_of_utterance>\n{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}")
CORPUS = [
    "The photo shows a label. It says oat milk, best before December. A person is on the left.",
    "It is dark: turn on a light. The text reads organic. Faces detected in the photo.",
    "Describe this photo. What does the label say? Quality issues none found.",
] * 20


@dataclass(frozen=True)
class TinyVlm:
    """Where the model was written and the weights, for numpy reference checks."""

    path: Path
    weights: dict[str, np.ndarray]
    vocab_size: int



def _weights(seed: int, vocab: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)

    def rand(*shape: int, scale: float = 0.5) -> np.ndarray:
        return (rng.standard_normal(shape) * scale / np.sqrt(shape[0])).astype(np.float32)

    w = {"vision_w": rand(3 * PATCH * PATCH, HIDDEN, scale=2.0),
         "vision_b": np.zeros(HIDDEN, np.float32),
         "embed": (rng.standard_normal((vocab, HIDDEN))).astype(np.float32),
         "pos": (rng.standard_normal((MAX_POS, HIDDEN)) * 0.5).astype(np.float32),
         "lm_w": rand(HIDDEN, vocab, scale=4.0), "lm_b": np.zeros(vocab, np.float32)}
    # Emit only merged (whole-word-ish) tokens, never special or raw byte tokens, so
    # answers are readable text that runs to max_new_tokens.
    w["lm_b"][: len(SPECIAL) + 256] = -1e4
    for i in range(LAYERS):
        for name in ("q", "k", "v", "o"):
            w[f"l{i}_{name}"] = rand(HIDDEN, HIDDEN, scale=1.5)
        w[f"l{i}_up"], w[f"l{i}_down"] = rand(HIDDEN, FFN), rand(FFN, HIDDEN)
    return w


def _const(name: str, value: np.ndarray) -> onnx.NodeProto:
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(value, name))


def _save(graph: onnx.GraphProto, path: Path) -> None:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def _vision_graph(w: dict[str, np.ndarray]) -> onnx.GraphProto:
    side = IMAGE // PATCH
    nodes = [
        _const("split_shape", np.array([-1, 3, side, PATCH, side, PATCH], np.int64)),
        _const("seq_shape", np.array([-1, IMAGE_SEQ_LEN, 3 * PATCH * PATCH], np.int64)),
        _const("axis2", np.array([2], np.int64)),
        helper.make_node("Cast", ["pixel_attention_mask"], ["maskf"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["maskf", "axis2"], ["mask5"]),
        helper.make_node("Mul", ["pixel_values", "mask5"], ["masked"]),
        helper.make_node("Reshape", ["masked", "split_shape"], ["split"]),
        helper.make_node("Transpose", ["split"], ["patches"], perm=[0, 2, 4, 1, 3, 5]),
        helper.make_node("Reshape", ["patches", "seq_shape"], ["flat"]),
        helper.make_node("MatMul", ["flat", "vision_w"], ["proj"]),
        helper.make_node("Add", ["proj", "vision_b"], ["biased"]),
        helper.make_node("Tanh", ["biased"], ["image_features"]),
    ]
    return helper.make_graph(
        nodes, "vision_encoder",
        [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT,
                                       ["batch", "num_images", 3, IMAGE, IMAGE]),
         helper.make_tensor_value_info("pixel_attention_mask", TensorProto.BOOL,
                                       ["batch", "num_images", IMAGE, IMAGE])],
        [helper.make_tensor_value_info("image_features", TensorProto.FLOAT,
                                       ["num_features", IMAGE_SEQ_LEN, HIDDEN])],
        [numpy_helper.from_array(w[k], k) for k in ("vision_w", "vision_b")])


def _embed_graph(w: dict[str, np.ndarray]) -> onnx.GraphProto:
    return helper.make_graph(
        [helper.make_node("Gather", ["embed", "input_ids"], ["inputs_embeds"])], "embed_tokens",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("inputs_embeds", TensorProto.FLOAT,
                                       ["batch", "seq", HIDDEN])],
        [numpy_helper.from_array(w["embed"], "embed")])


def _decoder_graph(w: dict[str, np.ndarray]) -> onnx.GraphProto:
    n = helper.make_node
    nodes = [
        _const("i0", np.array([0], np.int64)), _const("i1", np.array([1], np.int64)),
        _const("i2", np.array([2], np.int64)), _const("one", np.array(1, np.int64)),
        _const("zero_i", np.array(0, np.int64)), _const("ax12", np.array([1, 2], np.int64)),
        _const("neg", np.array(-1e9, np.float32)), _const("zero_f", np.array(0.0, np.float32)),
        _const("scale", np.array(1 / np.sqrt(HEAD_DIM), np.float32)),
        _const("heads_shape", np.array([0, 0, HEADS, HEAD_DIM], np.int64)),
        _const("merge_shape", np.array([0, 0, HIDDEN], np.int64)),
        n("Gather", ["pos", "position_ids"], ["pos_emb"]),
        n("Add", ["inputs_embeds", "pos_emb"], ["x_in"]),
        n("Shape", ["attention_mask"], ["mask_shape"]),
        n("Slice", ["mask_shape", "i1", "i2"], ["t_1d"]),
        n("Shape", ["inputs_embeds"], ["emb_shape"]),
        n("Slice", ["emb_shape", "i1", "i2"], ["s_1d"]),
        n("Sub", ["t_1d", "s_1d"], ["p_1d"]),
        n("Squeeze", ["t_1d", "i0"], ["t"]), n("Squeeze", ["p_1d", "i0"], ["p"]),
        n("Range", ["zero_i", "t", "one"], ["key_idx"]),
        n("Range", ["p", "t", "one"], ["query_idx"]),
        n("Unsqueeze", ["key_idx", "i0"], ["key_row"]),
        n("Unsqueeze", ["query_idx", "i1"], ["query_col"]),
        n("Greater", ["key_row", "query_col"], ["future"]),
        n("Equal", ["attention_mask", "zero_i"], ["pad"]),
        n("Unsqueeze", ["pad", "ax12"], ["pad4"]),
        n("Or", ["future", "pad4"], ["blocked"]),
        n("Where", ["blocked", "neg", "zero_f"], ["bias"]),
    ]
    inputs = [
        helper.make_tensor_value_info("inputs_embeds", TensorProto.FLOAT, ["batch", "seq", HIDDEN]),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "total"]),
        helper.make_tensor_value_info("position_ids", TensorProto.INT64, ["batch", "seq"]),
    ]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                             ["batch", "seq", "vocab"])]
    x = "x_in"
    for i in range(LAYERS):
        for kind in ("key", "value"):
            inputs.append(helper.make_tensor_value_info(
                f"past_key_values.{i}.{kind}", TensorProto.FLOAT,
                ["batch", HEADS, "past", HEAD_DIM]))
            outputs.append(helper.make_tensor_value_info(
                f"present.{i}.{kind}", TensorProto.FLOAT, ["batch", HEADS, "total", HEAD_DIM]))
        for name in ("q", "k", "v"):
            nodes += [n("MatMul", [x, f"l{i}_{name}"], [f"l{i}_{name}_flat"]),
                      n("Reshape", [f"l{i}_{name}_flat", "heads_shape"], [f"l{i}_{name}_4"]),
                      n("Transpose", [f"l{i}_{name}_4"], [f"l{i}_{name}_h"], perm=[0, 2, 1, 3])]
        nodes += [
            n("Concat", [f"past_key_values.{i}.key", f"l{i}_k_h"], [f"present.{i}.key"], axis=2),
            n("Concat", [f"past_key_values.{i}.value", f"l{i}_v_h"], [f"present.{i}.value"],
              axis=2),
            n("Transpose", [f"present.{i}.key"], [f"l{i}_kt"], perm=[0, 1, 3, 2]),
            n("MatMul", [f"l{i}_q_h", f"l{i}_kt"], [f"l{i}_raw"]),
            n("Mul", [f"l{i}_raw", "scale"], [f"l{i}_scaled"]),
            n("Add", [f"l{i}_scaled", "bias"], [f"l{i}_scores"]),
            n("Softmax", [f"l{i}_scores"], [f"l{i}_probs"], axis=-1),
            n("MatMul", [f"l{i}_probs", f"present.{i}.value"], [f"l{i}_ctx_h"]),
            n("Transpose", [f"l{i}_ctx_h"], [f"l{i}_ctx_t"], perm=[0, 2, 1, 3]),
            n("Reshape", [f"l{i}_ctx_t", "merge_shape"], [f"l{i}_ctx"]),
            n("MatMul", [f"l{i}_ctx", f"l{i}_o"], [f"l{i}_attn"]),
            n("Add", [x, f"l{i}_attn"], [f"l{i}_x1"]),
            n("MatMul", [f"l{i}_x1", f"l{i}_up"], [f"l{i}_up_out"]),
            n("Tanh", [f"l{i}_up_out"], [f"l{i}_act"]),
            n("MatMul", [f"l{i}_act", f"l{i}_down"], [f"l{i}_mlp"]),
            n("Add", [f"l{i}_x1", f"l{i}_mlp"], [f"l{i}_out"]),
        ]
        x = f"l{i}_out"
    nodes += [n("MatMul", [x, "lm_w"], ["lm_raw"]), n("Add", ["lm_raw", "lm_b"], ["logits"])]
    names = ["pos", "lm_w", "lm_b"] + [k for k in w if k.startswith("l") and k[1].isdigit()]
    return helper.make_graph(nodes, "decoder_model_merged", inputs, outputs,
                             [numpy_helper.from_array(w[k], k) for k in names])


def _save_processor(path: Path) -> int:
    from tokenizers import ByteLevelBPETokenizer
    from transformers import Idefics3Processor, PreTrainedTokenizerFast
    from transformers.models.idefics3.image_processing_pil_idefics3 import (
        Idefics3ImageProcessorPil,
    )

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(CORPUS, vocab_size=400, min_frequency=1, special_tokens=SPECIAL,
                            show_progress=False)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe, eos_token="<|endoftext|>", pad_token="<|endoftext|>",
        additional_special_tokens=SPECIAL[1:])
    images = Idefics3ImageProcessorPil(
        do_resize=True, size={"longest_edge": IMAGE}, do_image_splitting=False,
        max_image_size={"longest_edge": IMAGE}, do_rescale=True, do_normalize=True,
        image_mean=[0.5] * 3, image_std=[0.5] * 3, do_pad=True)
    processor = Idefics3Processor(image_processor=images, tokenizer=tokenizer,
                                  image_seq_len=IMAGE_SEQ_LEN, chat_template=CHAT_TEMPLATE)
    processor.save_pretrained(str(path))
    images.save_pretrained(str(path))  # preprocessor_config.json, as on the hub
    return len(tokenizer)


def build_tiny_vlm(path: Path, *, seed: int = 0) -> TinyVlm:
    """Write config, tokenizer, processor and the three ONNX graphs under `path`."""
    path.mkdir(parents=True, exist_ok=True)
    vocab = _save_processor(path)
    image_token_id = SPECIAL.index("<image>")
    config = {
        "model_type": "idefics3", "architectures": ["Idefics3ForConditionalGeneration"],
        "image_token_id": image_token_id, "scale_factor": 1,
        "text_config": {"model_type": "llama", "hidden_size": HIDDEN, "num_attention_heads": HEADS,
                        "num_key_value_heads": HEADS, "head_dim": HEAD_DIM,
                        "num_hidden_layers": LAYERS, "vocab_size": vocab, "eos_token_id": 0},
        "vision_config": {"model_type": "idefics3_vision", "hidden_size": HIDDEN,
                          "image_size": IMAGE, "patch_size": PATCH},
    }
    (path / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    weights = _weights(seed, vocab)
    (path / "onnx").mkdir(exist_ok=True)
    _save(_vision_graph(weights), path / "onnx" / "vision_encoder.onnx")
    _save(_embed_graph(weights), path / "onnx" / "embed_tokens.onnx")
    _save(_decoder_graph(weights), path / "onnx" / "decoder_model_merged.onnx")
    return TinyVlm(path=path, weights=weights, vocab_size=vocab)


def reference_logits(
    model: TinyVlm, *, input_ids: np.ndarray, attention_mask: np.ndarray,
    pixel_values: np.ndarray | None, image_token_id: int,
) -> np.ndarray:
    """The decoder's logits for a whole sequence, recomputed in numpy (no KV cache)."""
    w = model.weights
    x = w["embed"][input_ids]
    if pixel_values is not None:
        side = IMAGE // PATCH
        patches = pixel_values.reshape(-1, 3, side, PATCH, side, PATCH)
        patches = patches.transpose(0, 2, 4, 1, 3, 5).reshape(-1, IMAGE_SEQ_LEN, 3 * PATCH**2)
        features = np.tanh(patches @ w["vision_w"] + w["vision_b"])
        x[input_ids == image_token_id] = features.reshape(-1, HIDDEN)
    positions = np.maximum(np.cumsum(attention_mask, -1) - 1, 0)
    x = x + w["pos"][positions]
    batch, seq = input_ids.shape
    future = np.triu(np.ones((seq, seq), bool), 1)[None, None]
    blocked = future | (attention_mask == 0)[:, None, None, :]
    for i in range(LAYERS):
        q, k, v = ((x @ w[f"l{i}_{n}"]).reshape(batch, seq, HEADS, HEAD_DIM).transpose(0, 2, 1, 3)
                   for n in ("q", "k", "v"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(HEAD_DIM) + np.where(blocked, -1e9, 0.0)
        probs = np.exp(scores - scores.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, seq, HIDDEN)
        x = x + ctx @ w[f"l{i}_o"]
        x = x + np.tanh(x @ w[f"l{i}_up"]) @ w[f"l{i}_down"]
    return np.asarray(x @ w["lm_w"] + w["lm_b"], dtype=np.float32)
