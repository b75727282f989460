"""Safety fixtures: the pipeline is built once per session, as the app does at start-up."""

from __future__ import annotations

import pytest

from safety.pipeline import SafetyPipeline


@pytest.fixture(scope="session")
def pipeline() -> SafetyPipeline:
    """The full pipeline with spaCy NER."""
    return SafetyPipeline.create()


@pytest.fixture(scope="session")
def rules_pipeline() -> SafetyPipeline:
    """The rule-only pipeline (no NER model)."""
    return SafetyPipeline()
