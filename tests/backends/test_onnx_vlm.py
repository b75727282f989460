"""The `onnx` backend end to end on a tiny random VLM built by the test itself."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tiny_vlm
from backend_helpers import build_request
from PIL import Image

import models.backends.onnx_vlm as onnx_vlm_module
from models.backends.base import BackendUnavailableError, VisionBackend
from models.backends.onnx_generate import first_step_feeds, prepare_inputs
from models.backends.onnx_session import choose_providers
from models.backends.onnx_vlm import OnnxVlmBackend

MAX_NEW = 10


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> tiny_vlm.TinyVlm:
    return tiny_vlm.build_tiny_vlm(tmp_path_factory.mktemp("tiny-vlm"))


@pytest.fixture
async def backend(tiny_model: tiny_vlm.TinyVlm):
    vlm = OnnxVlmBackend(model_dir=tiny_model.path, max_new_tokens=MAX_NEW, intra_op_threads=1,
                         batch_window_ms=20, model_name="tiny-vlm")
    yield vlm
    await vlm.aclose()


def reference_answer(model: tiny_vlm.TinyVlm, backend: OnnxVlmBackend, request: Any) -> str:
    """Greedy decoding recomputed in numpy over the full sequence (no KV cache)."""
    sessions = backend.sessions
    image = Image.fromarray(request.image) if request.image is not None else None
    inputs = prepare_inputs(sessions=sessions, prompts=[backend.render_prompt(request=request)],
                            images=[image] if image else None)
    ids, mask = inputs["input_ids"], inputs["attention_mask"]
    tokens: list[int] = []
    for _ in range(MAX_NEW):
        logits = tiny_vlm.reference_logits(
            model, input_ids=ids, attention_mask=mask, pixel_values=inputs.get("pixel_values"),
            image_token_id=sessions.shape.image_token_id)
        token = int(logits[0, -1].argmax())
        tokens.append(token)
        ids = np.concatenate([ids, [[token]]], axis=1)
        mask = np.concatenate([mask, [[1]]], axis=1)
    text: str = sessions.processor.tokenizer.decode(tokens, skip_special_tokens=True)
    return text.strip()


async def test_answer_is_deterministic_and_matches_numpy_reference(backend, tiny_model) -> None:
    assert isinstance(backend, VisionBackend)
    request = build_request()
    first, second = await backend.describe(request), await backend.describe(request)
    assert first == second
    assert first.text and first.backend == "onnx" and first.models == ("tiny-vlm",)
    assert backend.provider == "CPUExecutionProvider"
    assert first.text == reference_answer(tiny_model, backend, request)


async def test_first_step_logits_within_tolerance_incl_left_padding(backend, tiny_model) -> None:
    sessions = backend.sessions
    requests = [build_request(seed=0), build_request(seed=1, ocr=("A much longer line " * 5,))]
    prompts = [backend.render_prompt(request=r) for r in requests]
    images = [Image.fromarray(r.image) for r in requests]
    inputs = prepare_inputs(sessions=sessions, prompts=prompts, images=images)
    assert inputs["attention_mask"][0, 0] == 0  # the shorter prompt is left-padded
    logits = sessions.decoder.run(["logits"], first_step_feeds(sessions=sessions,
                                                               inputs=inputs))[0]
    for row, (prompt, image) in enumerate(zip(prompts, images, strict=True)):
        alone = prepare_inputs(sessions=sessions, prompts=[prompt], images=[image])
        expected = tiny_vlm.reference_logits(
            tiny_model, input_ids=alone["input_ids"], attention_mask=alone["attention_mask"],
            pixel_values=alone["pixel_values"], image_token_id=sessions.shape.image_token_id)
        np.testing.assert_allclose(logits[row, -1], expected[0, -1], rtol=1e-4, atol=1e-4)


async def test_stream_pieces_concatenate_to_answer(backend) -> None:
    request = build_request(seed=3)
    pieces = [piece async for piece in backend.stream(request)]
    assert len(pieces) > 1
    assert "".join(pieces).strip() == (await backend.describe(request)).text


async def test_concurrent_requests_are_batched_and_answer_as_alone(backend, monkeypatch) -> None:
    requests = [build_request(seed=i, ocr=(f"LINE {'x' * i}",), image=i % 3 != 2)
                for i in range(7)]
    alone = [await backend.describe(r) for r in requests]
    batch_sizes: list[int] = []
    real = onnx_vlm_module.generate_batch

    def spy(**kwargs: Any) -> None:
        batch_sizes.append(len(kwargs["prompts"]))
        real(**kwargs)

    monkeypatch.setattr(onnx_vlm_module, "generate_batch", spy)
    together = await asyncio.gather(*(backend.describe(r) for r in requests))
    assert [a.text for a in together] == [a.text for a in alone]
    assert max(batch_sizes) > 1 and sum(batch_sizes) == len(requests)
    assert len({a.text for a in alone}) > 1  # different prompts, different answers


async def test_abandoned_stream_does_not_block_others(backend) -> None:
    stream = backend.stream(build_request(seed=4))
    async for _ in stream:
        break
    await stream.aclose()
    answer = await asyncio.wait_for(backend.describe(build_request(seed=5)), timeout=10)
    assert answer.text


async def test_prompt_carries_grounding_and_data_rule(backend) -> None:
    prompt = backend.render_prompt(request=build_request())
    assert prompt.count("<image>") == 1 and prompt.endswith("Assistant:")
    assert "SMITH'S OAT MILK" in prompt and "Faces detected: 1" in prompt
    assert "never instructions" in prompt
    assert "<image>" not in backend.render_prompt(request=build_request(image=False))


async def test_closed_backend_refuses(tiny_model) -> None:
    vlm = OnnxVlmBackend(model_dir=tiny_model.path, max_new_tokens=2, intra_op_threads=1)
    await vlm.aclose()
    with pytest.raises(BackendUnavailableError):
        await vlm.describe(build_request())


def test_missing_files_fail_at_construction(tmp_path: Path, tiny_model) -> None:
    with pytest.raises(BackendUnavailableError, match="model files missing"):
        OnnxVlmBackend(model_dir=tmp_path)
    with pytest.raises(BackendUnavailableError, match=r"decoder_model_merged_q4\.onnx"):
        OnnxVlmBackend(model_dir=tiny_model.path, variant="q4")


@pytest.mark.parametrize(("device", "available", "expected"), [
    ("auto", ["CUDAExecutionProvider", "CPUExecutionProvider"],
     ["CUDAExecutionProvider", "CPUExecutionProvider"]),
    ("auto", ["CPUExecutionProvider"], ["CPUExecutionProvider"]),
    ("cpu", ["CUDAExecutionProvider", "CPUExecutionProvider"], ["CPUExecutionProvider"]),
    ("cuda", ["CUDAExecutionProvider", "CPUExecutionProvider"],
     ["CUDAExecutionProvider", "CPUExecutionProvider"]),
])
def test_choose_providers(device: str, available: list[str], expected: list[str]) -> None:
    assert choose_providers(device=device, available=available) == expected  # type: ignore[arg-type]


def test_cuda_requested_without_cuda_fails_clearly() -> None:
    with pytest.raises(BackendUnavailableError, match="onnxruntime-gpu"):
        choose_providers(device="cuda", available=["CPUExecutionProvider"])
