"""Settings: placeholder secrets refused outside development, a generated secret otherwise."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.settings import Settings


@pytest.mark.parametrize("secret", ["change-me", "secret", "CHANGEME", "short-but-not-placeholder"])
def test_placeholder_or_short_secret_is_refused_in_production(secret: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="SIGHTLINE_JWT_SECRET"):
        Settings(env="production", jwt_secret=secret, data_dir=tmp_path)


def test_placeholder_secret_is_allowed_in_development(tmp_path: Path) -> None:
    assert Settings(env="development", jwt_secret="change-me", data_dir=tmp_path).signing_secret == "change-me"


def test_environment_variables_are_read_with_the_prefix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SIGHTLINE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SIGHTLINE_BACKEND", "openai")
    monkeypatch.setenv("SIGHTLINE_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("SIGHTLINE_OPENAI_MODEL", "tiny")
    settings = Settings()
    assert settings.backend == "openai"
    assert settings.resolved_database_url == f"sqlite+aiosqlite:///{tmp_path.resolve() / 'sightline.db'}"


def test_backends_require_their_settings(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="SIGHTLINE_OPENAI_BASE_URL"):
        Settings(backend="openai", data_dir=tmp_path)
    with pytest.raises(ValidationError, match="SIGHTLINE_ONNX_MODEL_DIR"):
        Settings(backend="onnx", data_dir=tmp_path)


def test_without_a_configured_secret_one_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path).signing_secret
    second = Settings(data_dir=tmp_path).signing_secret
    assert first == second and len(first) >= 32
    assert stat.S_IMODE((tmp_path / "jwt_secret").stat().st_mode) == 0o600
