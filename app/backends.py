"""Builds the configured VisionBackend at start-up (heavy runtimes imported only when chosen)."""

from __future__ import annotations

from app.settings import Settings
from models.backends.base import VisionBackend
from models.backends.local import LocalBackend


def create_backend(settings: Settings, *, analyzer_models: tuple[str, ...]) -> VisionBackend:
    """`local`, `onnx` or `openai` (the latter falls back to `local` when the endpoint is down)."""
    local = LocalBackend(analyzer_models=analyzer_models)
    if settings.backend == "local":
        return local
    if settings.backend == "onnx":
        from models.backends.onnx_vlm import OnnxVlmBackend

        assert settings.onnx_model_dir is not None  # checked by Settings
        return OnnxVlmBackend(model_dir=settings.onnx_model_dir)
    from models.backends.fallback import FallbackBackend
    from models.backends.openai_compat import OpenAICompatibleBackend

    assert settings.openai_base_url and settings.openai_model  # checked by Settings
    remote = OpenAICompatibleBackend(
        base_url=settings.openai_base_url,
        model=settings.openai_model,
        api_key=settings.openai_api_key,
        timeout_s=settings.openai_timeout_s,
        max_retries=settings.openai_max_retries,
    )
    return FallbackBackend(primary=remote, fallback=local)
