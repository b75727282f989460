"""The `sightline` console script, run as a user would run it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import require_photos_dir

CONTRACT_FIELDS = {"text", "language", "text_read", "people", "quality", "safety", "backend"}


def run_cli(*args: str, data_dir: Path, input_text: str | None = None, timeout: int = 300,
            **env: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("sightline") or str(Path(sys.executable).parent / "sightline")
    environment = {**os.environ, "SIGHTLINE_DATA_DIR": str(data_dir), **env}
    environment.pop("SIGHTLINE_DATABASE_URL", None)
    return subprocess.run([executable, *args], capture_output=True, text=True, env=environment,
                          input=input_text, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def described(tmp_path_factory: pytest.TempPathFactory) -> dict:
    photo = require_photos_dir() / "VizWiz_test_00000046.jpg"
    result = run_cli("describe", str(photo), "--question", "What is in this can?", "--json",
                     data_dir=tmp_path_factory.mktemp("cli"))
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def test_describe_prints_the_json_contract(described: dict) -> None:
    assert CONTRACT_FIELDS <= set(described)
    assert "PEACHES" in " ".join(line["text"] for line in described["text_read"]).upper()


def test_describe_reports_a_bad_file_clearly(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a photo")
    result = run_cli("describe", str(bogus), "--json", data_dir=tmp_path)
    assert result.returncode == 1
    assert json.loads(result.stderr.strip().splitlines()[-1])["error"] == "unsupported_media_type"
    assert "Traceback" not in result.stderr


def test_models_list_shows_licences(tmp_path: Path) -> None:
    result = run_cli("models", "list", "--json", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    entries = json.loads(result.stdout)
    assert isinstance(entries, list) and all(isinstance(entry, dict) for entry in entries)
    assert entries and all(entry["licence"] and entry["source"] for entry in entries)
    assert any("ocr" in entry["name"].lower() for entry in entries)


def test_backend_models_are_the_names_models_list_prints(described: dict, tmp_path: Path) -> None:
    listed = run_cli("models", "list", "--json", data_dir=tmp_path)
    assert listed.returncode == 0, listed.stderr[-2000:]
    names = {entry["name"] for entry in json.loads(listed.stdout)}
    used = described["backend"]["models"]
    assert used and set(used) <= names, set(used) - names
    assert not any("haar" in name.lower() for name in used), "the Haar detector is no longer used"


def test_models_list_names_a_configured_generative_model(tmp_path: Path) -> None:
    result = run_cli("models", "list", "--json", data_dir=tmp_path, SIGHTLINE_BACKEND="openai",
                     SIGHTLINE_OPENAI_BASE_URL="http://127.0.0.1:9/v1", SIGHTLINE_OPENAI_MODEL="tiny-vlm")
    assert result.returncode == 0, result.stderr[-2000:]
    entries = {entry["name"]: entry for entry in json.loads(result.stdout)}
    assert "tiny-vlm" in entries and entries["tiny-vlm"]["licence"]


def test_db_upgrade_and_accounts_create(tmp_path: Path) -> None:
    upgraded = run_cli("db", "upgrade", data_dir=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr[-2000:]
    assert (tmp_path / "sightline.db").exists()
    created = run_cli("accounts", "create", "--email", "vol@example.org", "--role", "volunteer",
                      data_dir=tmp_path, SIGHTLINE_NEW_ACCOUNT_PASSWORD="volunteer password")
    assert created.returncode == 0, created.stderr[-2000:]
    assert "Created volunteer account" in created.stdout
    duplicate = run_cli("accounts", "create", "--email", "vol@example.org", "--role", "volunteer",
                        data_dir=tmp_path, SIGHTLINE_NEW_ACCOUNT_PASSWORD="volunteer password")
    assert duplicate.returncode == 1
    assert "already exists" in duplicate.stderr


def test_placeholder_secret_is_refused_at_start(tmp_path: Path) -> None:
    result = run_cli("db", "upgrade", data_dir=tmp_path, SIGHTLINE_ENV="production", SIGHTLINE_JWT_SECRET="change-me")
    assert result.returncode == 2
    assert "SIGHTLINE_JWT_SECRET" in result.stderr
