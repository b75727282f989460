"""`pull_model` against a local server that speaks the hub's HTTP API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tiny_vlm
from backend_helpers import build_request
from fake_hub import COMMIT, FakeHub

from models.backends.onnx_vlm import OnnxVlmBackend
from models.hub import MANIFEST, ModelPullError, allow_patterns, pull_model

REPO = "sightline-test/tiny-smolvlm"


@pytest.fixture(scope="module")
def hub_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hub-repo")
    tiny_vlm.build_tiny_vlm(root)
    # Files a real repo has that the ONNX backend must not download.
    (root / "model.safetensors").write_bytes(b"\0" * 4096)
    (root / "onnx" / "decoder_model_merged_q4.onnx").write_bytes(b"not needed")
    (root / "README.md").write_text("---\nlicense: apache-2.0\n---\n# tiny\n")
    return root


async def test_pull_downloads_onnx_layout_and_model_runs(hub_repo: Path, tmp_path: Path,
                                                        monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    monkeypatch.delenv("HF_TOKEN", raising=False)
    with FakeHub(repo_id=REPO, root=hub_repo) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)  # honoured at call time
        target = pull_model(REPO, revision=None, target_dir=tmp_path / "model")
    assert target == tmp_path / "model"
    for source in hub.files():
        name = source.relative_to(hub_repo).as_posix()
        pulled = target / name
        if name in ("model.safetensors", "onnx/decoder_model_merged_q4.onnx"):
            assert not pulled.exists()
        else:
            assert pulled.read_bytes() == source.read_bytes(), name
    assert "model.safetensors" not in hub.downloads
    manifest = json.loads((target / MANIFEST).read_text())
    assert manifest == {"repo_id": REPO, "revision": "main", "commit": COMMIT, "variant": None,
                        "license": "apache-2.0"}
    backend = OnnxVlmBackend(model_dir=target, max_new_tokens=3, intra_op_threads=1)
    try:
        assert (await backend.describe(build_request())).text
    finally:
        await backend.aclose()


def test_pull_variant_and_explicit_endpoint(hub_repo: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # wrong on purpose: arg wins
    with FakeHub(repo_id=REPO, root=hub_repo, revisions=("main", "v1")) as hub:
        with pytest.raises(ModelPullError, match=r"missing: onnx/vision_encoder_q4\.onnx"):
            pull_model(REPO, revision="v1", target_dir=tmp_path / "q4", endpoint=hub.endpoint,
                       variant="q4")
    assert hub.downloads.count("onnx/decoder_model_merged_q4.onnx") == 1
    assert "onnx/decoder_model_merged.onnx" not in hub.downloads


@pytest.mark.parametrize(("repo", "revision", "match"), [
    ("someone/else", None, "RepositoryNotFoundError"),
    (REPO, "no-such-branch", "RevisionNotFoundError"),
])
def test_pull_errors_are_clear(hub_repo: Path, tmp_path: Path, monkeypatch, repo: str,
                               revision: str | None, match: str) -> None:
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    with FakeHub(repo_id=REPO, root=hub_repo) as hub, pytest.raises(ModelPullError, match=match):
        pull_model(repo, revision=revision, target_dir=tmp_path / "x", endpoint=hub.endpoint)


def test_pull_unreachable_hub(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_ETAG_TIMEOUT", "1")
    with pytest.raises(ModelPullError):
        pull_model(REPO, revision=None, target_dir=tmp_path / "x", endpoint="http://127.0.0.1:9")


def test_allow_patterns() -> None:
    patterns = allow_patterns(variant="fp16")
    assert "onnx/decoder_model_merged_fp16.onnx" in patterns
    assert "onnx/decoder_model_merged_fp16.onnx_data*" in patterns
    assert not any("safetensors" in p for p in patterns)
