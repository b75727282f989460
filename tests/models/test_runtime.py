"""ONNX providers are chosen in one place; without a CUDA device the CPU fallback runs."""

from __future__ import annotations

import logging

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper

from models.analyzers.runtime import CPU, CUDA, create_session, preferred_providers, uses_cuda


def tiny_model() -> bytes:
    """y = x + 1 (float32, shape [2])."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])
    one = helper.make_tensor("one", TensorProto.FLOAT, [1], [1.0])
    graph = helper.make_graph([helper.make_node("Add", ["x", "one"], ["y"])], "g", [x], [y], [one])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


def test_cuda_is_preferred_only_when_the_build_has_it() -> None:
    assert preferred_providers([CPU]) == [CPU]
    assert preferred_providers([CUDA, CPU]) == [CUDA, CPU]
    assert uses_cuda([CUDA, CPU]) and not uses_cuda([CPU])


def test_session_runs_on_this_machine() -> None:
    session = create_session(tiny_model(), name="tiny")
    (out,) = session.run(None, {"x": np.array([1.0, 2.0], np.float32)})
    assert out.tolist() == [2.0, 3.0]
    assert session.get_providers()[0] in ort.get_available_providers()


def test_asking_for_cuda_without_a_device_falls_back_to_cpu_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    if CUDA in ort.get_available_providers():
        pytest.skip("this machine's ONNX Runtime has CUDA: the fallback path is for CPU builds")
    with caplog.at_level(logging.INFO, logger="models.analyzers.runtime"):
        session = create_session(tiny_model(), name="tiny", available=[CUDA, CPU])
    assert session.get_providers() == [CPU]
    assert any("runs on the CPU" in record.getMessage() for record in caplog.records)
    (out,) = session.run(None, {"x": np.array([0.5, 0.5], np.float32)})
    assert out.tolist() == [1.5, 1.5]
    assert onnx.__version__  # the test builds its model with the onnx package
