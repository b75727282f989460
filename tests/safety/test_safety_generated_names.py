"""Names in generated text (issue 10 round 2): new shapes of a name are caught, and the words
that look like them (brands, places, things) are left alone. The tuning set's `names_r2`
lines hold the rest of the cases (gated in test_safety_evaluation)."""

from __future__ import annotations

import pytest

from models.types import ImageAnalysis, TextLine
from safety.pipeline import SafetyPipeline
from safety.types import QuestionVerdict


def _post(
    text: str,
    *,
    ocr: tuple[str, ...] = (),
    language: str = "en",
    pipeline: SafetyPipeline | None = None,
) -> str:
    analysis = ImageAnalysis(
        width=1, height=1, text_lines=tuple(TextLine(text=t, confidence=1.0) for t in ocr)
    )
    outcome = (pipeline or SafetyPipeline()).postprocess(
        text, question=None, analysis=analysis, verdict=QuestionVerdict(), language=language
    )
    return outcome.text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("A woman in a red coat stands by the door. Her name is probably Ingrid.", "Ingrid"),
        ("He might be Juan Pablo Fernandez, judging by the jersey.", "Fernandez"),
        ("The boy in the blue shirt is Mateo.", "Mateo"),
        ("A man with a beard, possibly Tariq, is reading a newspaper.", "Tariq"),
        ("Coach Reyes is standing on the sideline.", "Reyes"),
        ("She is laughing with her friend Lucia on the bench.", "Lucia"),
        ("写真の男性は山田太郎です。", "山田太郎"),
        ("ジョン・スミスが笑っています。", "ジョン・スミス"),
        ("写っているのは大谷翔平選手です。", "大谷翔平"),
    ],
)
def test_a_name_given_to_a_person_seen_is_removed(text: str, name: str) -> None:
    assert name not in _post(text, language="ja" if not text.isascii() else "en")


@pytest.mark.parametrize(
    "text",
    [
        "This is Tylenol from the pharmacy.",
        "They are Adidas trainers with white stripes.",
        "A man holds a can of Dr Pepper.",
        "This is a bottle of Mr. Clean.",
        "A box of cereal called Cheerios sits on the table.",
        "ルイ・ヴィトンのバッグを持った女性です。",
        "上野駅の前に人が立っています。",
        "林檎を持った男の子です。",
    ],
)
def test_brands_places_and_things_stay(text: str) -> None:
    assert _post(text, language="ja" if not text.isascii() else "en").startswith(text)


@pytest.mark.parametrize(
    ("text", "ocr", "name"),
    [
        ("The card says Happy Birthday José!", ("HAPPY BIRTHDAY JOSE",), "José"),
        ("Professor Ada Nwosu is named on the door sign.", ("Prof. A. Nwosu",), "Nwosu"),
        ("The label is for Margaret O'Neill.", ("MARGARET ONEILL",), "O'Neill"),
        ("The book is by Haruki Murakami.", ("HARUKl MURAKAMl",), "Haruki Murakami"),
        ("宛名は山田花子様です。", ("山田 花子 様",), "山田花子"),
    ],
)
def test_a_printed_name_survives_ocr_slips(
    text: str, ocr: tuple[str, ...], name: str, pipeline: SafetyPipeline
) -> None:
    """With spaCy NER (which finds each of these names) and the learned sentence check."""
    language = "ja" if not text.isascii() else "en"
    assert name in _post(text, ocr=ocr, language=language, pipeline=pipeline)
    assert name not in _post(text, language=language, pipeline=pipeline)  # not printed: removed
