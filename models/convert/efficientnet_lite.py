"""Builds an ONNX graph of EfficientNet-Lite0 from its PyTorch state dict, without torch.

Architecture (Tan & Le 2019, the "lite" variant): a 3x3 stride-2 stem, 16
MBConv blocks with ReLU6 and no squeeze-excitation, a 1x1 head, global average
pooling and a 1000-way classifier. Batch norms are folded into the preceding
convolutions (eps 1e-3, as in the TF original). Convolutions use TF "SAME"
padding (extra pixel at the end), computed for the fixed 224x224 input.

The graph takes RGB pixels as float32 NCHW in 0..255 and normalises them
itself, so callers cannot get the normalisation wrong.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

INPUT_SIZE = 224
BN_EPS = 1e-3
# (repeats, stride) of the seven stages of EfficientNet-Lite0.
STAGES = ((1, 1), (2, 2), (2, 2), (3, 2), (3, 1), (4, 2), (1, 1))
# The TF original's normalisation, (x - 127) / 128. Checked against the weights:
# with it, the stem convolution's output variance on real photos matches the
# stored batch-norm running_var (median log-ratio 0.02), while torchvision's
# ImageNet mean/std is off by e^1.6 (see tests/models/test_scene.py).
MEAN_RGB = (127.0, 127.0, 127.0)
STD_RGB = (128.0, 128.0, 128.0)
OPSET = 17
INPUT_NAME = "pixels"
LOGITS_NAME = "logits"
PROBS_NAME = "probabilities"

Array = npt.NDArray[np.float32]


@dataclass(frozen=True)
class FoldedConv:
    """A convolution with its batch norm folded in."""

    weight: Array
    bias: Array
    stride: int
    groups: int


def fold_batch_norm(
    state: Mapping[str, npt.NDArray[Any]], conv: str, bn: str
) -> tuple[Array, Array]:
    """Return (weight, bias) of `conv` followed by batch norm `bn` in eval mode."""
    weight = state[f"{conv}.weight"].astype(np.float64)
    scale = state[f"{bn}.weight"].astype(np.float64) / np.sqrt(
        state[f"{bn}.running_var"].astype(np.float64) + BN_EPS
    )
    bias = (
        state[f"{bn}.bias"].astype(np.float64)
        - state[f"{bn}.running_mean"].astype(np.float64) * scale
    )
    conv_bias = state.get(f"{conv}.bias")
    if conv_bias is not None:
        bias = bias + conv_bias.astype(np.float64) * scale
    return (weight * scale[:, None, None, None]).astype(np.float32), bias.astype(np.float32)


def same_pads(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TF "SAME" padding (begin, end) for one spatial axis."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def block_strides() -> tuple[int, ...]:
    """Stride of each of the 16 MBConv blocks: the stage stride on its first block, then 1."""
    return tuple(stride if i == 0 else 1 for repeats, stride in STAGES for i in range(repeats))


def build_model(state: Mapping[str, npt.NDArray[Any]]) -> Any:
    """Return an `onnx.ModelProto` for the EfficientNet-Lite0 weights in `state`."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[Any] = []
    inits: list[Any] = []
    counter = iter(range(10_000))

    def const(name: str, value: npt.NDArray[Any]) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def conv(
        x: str, prefix: str, conv_name: str, bn_name: str, stride: int, size: int, relu6: bool
    ) -> str:
        weight, bias = fold_batch_norm(state, f"{prefix}{conv_name}", f"{prefix}{bn_name}")
        out_channels, _, kernel, _ = weight.shape
        groups = out_channels if conv_name == "_depthwise_conv" else 1
        begin, end = same_pads(size, kernel, stride)
        name = f"{prefix}{conv_name}".strip(".") or conv_name
        y = f"{name}_out{next(counter)}"
        nodes.append(
            helper.make_node(
                "Conv",
                [x, const(f"{name}.w", weight), const(f"{name}.b", bias)],
                [y],
                kernel_shape=[kernel, kernel],
                strides=[stride, stride],
                pads=[begin, begin, end, end],
                group=groups,
            )
        )
        if not relu6:
            return y
        activated = f"{y}_relu6"
        nodes.append(helper.make_node("Clip", [y, "zero", "six"], [activated]))
        return activated

    const("zero", np.array(0.0, dtype=np.float32))
    const("six", np.array(6.0, dtype=np.float32))
    mean = np.array(MEAN_RGB, dtype=np.float32).reshape(1, 3, 1, 1)
    inv_std = (1.0 / np.array(STD_RGB, dtype=np.float32)).reshape(1, 3, 1, 1)
    nodes.append(helper.make_node("Sub", [INPUT_NAME, const("mean", mean)], ["centred"]))
    nodes.append(helper.make_node("Mul", ["centred", const("inv_std", inv_std)], ["normalised"]))

    size = INPUT_SIZE
    x = conv("normalised", "", "_conv_stem", "_bn0", 2, size, relu6=True)
    size = math.ceil(size / 2)
    for index, stride in enumerate(block_strides()):
        prefix = f"_blocks.{index}."
        block_in = x
        in_channels = _channels_in(state, prefix)
        if f"{prefix}_expand_conv.weight" in state:
            x = conv(x, prefix, "_expand_conv", "_bn0", 1, size, relu6=True)
        x = conv(x, prefix, "_depthwise_conv", "_bn1", stride, size, relu6=True)
        size = math.ceil(size / stride)
        x = conv(x, prefix, "_project_conv", "_bn2", 1, size, relu6=False)
        out_channels = state[f"{prefix}_project_conv.weight"].shape[0]
        if stride == 1 and in_channels == out_channels:
            summed = f"{prefix}sum"
            nodes.append(helper.make_node("Add", [x, block_in], [summed]))
            x = summed
    x = conv(x, "", "_conv_head", "_bn1", 1, size, relu6=True)
    nodes.append(helper.make_node("GlobalAveragePool", [x], ["pooled"]))
    nodes.append(helper.make_node("Flatten", ["pooled"], ["features"], axis=1))
    fc_weight = const("fc.w", state["_fc.weight"].astype(np.float32))
    fc_bias = const("fc.b", state["_fc.bias"].astype(np.float32))
    nodes.append(
        helper.make_node("Gemm", ["features", fc_weight, fc_bias], [LOGITS_NAME], transB=1)
    )
    nodes.append(helper.make_node("Softmax", [LOGITS_NAME], [PROBS_NAME], axis=1))

    classes = state["_fc.weight"].shape[0]
    graph = helper.make_graph(
        nodes,
        "efficientnet_lite0",
        [
            helper.make_tensor_value_info(
                INPUT_NAME, TensorProto.FLOAT, ["batch", 3, INPUT_SIZE, INPUT_SIZE]
            )
        ],
        [
            helper.make_tensor_value_info(LOGITS_NAME, TensorProto.FLOAT, ["batch", classes]),
            helper.make_tensor_value_info(PROBS_NAME, TensorProto.FLOAT, ["batch", classes]),
        ],
        inits,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="sightline"
    )
    model.ir_version = 8  # opset 17 needs IR >= 8; older is accepted by more runtimes
    onnx.checker.check_model(model)
    return model


def _channels_in(state: Mapping[str, npt.NDArray[Any]], prefix: str) -> int:
    if f"{prefix}_expand_conv.weight" in state:
        return int(state[f"{prefix}_expand_conv.weight"].shape[1])
    return int(state[f"{prefix}_depthwise_conv.weight"].shape[0])
