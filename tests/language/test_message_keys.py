"""Every key the code asks for exists in English (and so, by test_catalogues, everywhere).

Keys built from a value (`guidance.{kind}`, `colour.{name}`) are listed from the
types and analyzers that produce the values; literal keys are found in the source.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import get_args

import pytest

from models.analyzers.colours import name_rgb
from models.analyzers.faces import describe_position
from models.compose.phrases import Comparison, Confidence
from models.guidance import Subject
from models.language import current_languages
from models.types import BoundingBox, Edge, QualityIssueKind
from safety.messages import MessageKey
from safety.types import DisclaimerCategory

ROOT = Path(__file__).resolve().parents[2]
LITERAL_KEY = re.compile(r"""\b(?:message|plural_message|_say)\(\s*f?["']([a-z_.]+[a-z_])["']""")


def _english_keys() -> set[str]:
    return {e.key for e in current_languages().catalogue("en").entries() if e.context is None}


def _positions() -> set[str]:
    boxes = (BoundingBox(x, y, 10, 10) for x, y in itertools.product((0, 45, 90), repeat=2))
    return {describe_position(box, 100, 100) for box in boxes}


def _colour_names() -> set[str]:
    steps = range(0, 256, 15)
    return {name_rgb((r, g, b)) for r, g, b in itertools.product(steps, repeat=3)}


DYNAMIC_KEYS = sorted(
    {f"guidance.{kind}" for kind in get_args(QualityIssueKind)}
    - {"guidance.cut_off", "guidance.rotated"}
    | {f"guidance.rotated.{degrees}" for degrees in (90, 180, 270)}
    | {f"guidance.cut_off.{subject}" for subject in get_args(Subject)}
    | {f"guidance.cut_off.{subject}.no_edge" for subject in get_args(Subject)}
    | {f"edge.{edge}" for edge in get_args(Edge)}
    | {f"direction.{way}" for way in ("up", "down", "left", "right")}
    | {f"position.{position}" for position in _positions()}
    | {f"colour.{name}" for name in _colour_names()}
    | {f"compose.object_guess.{confidence}" for confidence in get_args(Confidence)}
    | {f"compose.number_vs_target.{comparison}" for comparison in get_args(Comparison)}
    | {f"safety.refusal.{key}" for key in get_args(MessageKey)}
    | {f"safety.disclaimer.{category}" for category in get_args(DisclaimerCategory)}
)


def test_every_position_and_colour_was_sampled() -> None:
    # The samples above must reach every name, or the test below proves less than it says.
    assert _positions() == {
        "centre", "left", "right", "top", "bottom",
        "top left", "top right", "bottom left", "bottom right",
    }  # fmt: skip
    assert len(_colour_names()) >= 30


@pytest.mark.parametrize("key", DYNAMIC_KEYS)
def test_built_keys_exist(key: str) -> None:
    assert key in _english_keys()


def test_literal_keys_in_the_source_exist() -> None:
    found: dict[str, Path] = {}
    for folder in ("models", "safety", "app"):
        for path in (ROOT / folder).rglob("*.py"):
            # f-string keys ("guidance.{kind}") do not match: DYNAMIC_KEYS covers them.
            for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8")):
                found[key] = path
    assert len(found) > 30  # the scan works: it finds the sentences the code asks for
    missing = {key: str(path) for key, path in found.items() if key not in _english_keys()}
    assert not missing
