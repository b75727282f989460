"""Japanese answers: same grounding rules, Japanese sentences."""

from __future__ import annotations

import re

import pytest

from models.compose import compose_answer
from models.guidance import guidance_for
from models.types import (
    BoundingBox,
    ColourName,
    DescribeRequest,
    Detail,
    FaceBox,
    ImageAnalysis,
    QualityIssue,
    QualityReport,
    SceneLabel,
    TextLine,
)

LATIN_WORDS = re.compile(r"[A-Za-z]{3,}")


def ja(analysis: ImageAnalysis, question: str | None, detail: Detail = "standard") -> str:
    request = DescribeRequest(
        image=None, question=question, detail=detail, language="ja-JP", analysis=analysis
    )
    composition = compose_answer(request)
    assert composition.language == "ja-JP"
    return composition.text


LABEL = ImageAnalysis(
    width=640,
    height=480,
    text_lines=(
        TextLine("おいしい牛乳", 0.95, BoundingBox(0, 0, 300, 60)),
        TextLine("賞味期限 2025.03.15", 0.9, BoundingBox(0, 300, 200, 15)),
    ),
    colours=(ColourName("blue", 0.5), ColourName("white", 0.4)),
    scene=(SceneLabel("carton", 0.7),),
)
# Analyzed for an English request; a Japanese follow-up reuses the stored analysis.
CUT = ImageAnalysis(
    width=640,
    height=480,
    quality=QualityReport(
        issues=(
            QualityIssue(
                "cut_off",
                0.7,
                guidance_for("cut_off", language="en", edges=("top",), subject="face"),
                edges=("top",),
            ),
        )
    ),
)

CASES = [
    (
        LABEL,
        "何と書いてありますか？",
        ["「おいしい牛乳、賞味期限 2025.03.15」と書かれています。"],
        ["reads"],
    ),
    (LABEL, "賞味期限はいつですか？", ["2025年3月15日"], []),
    (LABEL, "何色ですか？", ["青と白"], ["blue"]),
    (LABEL, "これは何ですか？", ["「おいしい牛乳」", "紙パック"], []),
    (
        ImageAnalysis(width=1, height=1),
        "何と書いてありますか？",
        ["読み取れる文字は見つかりませんでした"],
        ["書かれています"],
    ),
    (ImageAnalysis(width=1, height=1), "これは何ですか？", ["分かりませんでした"], ["見えます"]),
    (
        ImageAnalysis(
            width=1, height=1, faces=(FaceBox(BoundingBox(0, 0, 1, 1), "top left", 0.1),)
        ),
        "何人いますか？",
        ["1人の顔", "左上"],
        [],
    ),
    (CUT, "これは何ですか？", ["顔の上側が切れています。", "上に動かしてください"], ["cut off"]),
]


@pytest.mark.parametrize(("analysis", "question", "present", "absent"), CASES)
def test_japanese_answers(
    analysis: ImageAnalysis, question: str, present: list[str], absent: list[str]
) -> None:
    text = ja(analysis, question)
    for fragment in present:
        assert fragment in text, f"{fragment!r} missing from {text!r}"
    for fragment in absent:
        assert fragment not in text, f"{fragment!r} must not be in {text!r}"


def test_japanese_answers_use_no_english_sentences() -> None:
    # English questions get Japanese answers when the language is ja.
    for question in ("What is this?", "What does this say?", "What colour is it?", None):
        text = ja(LABEL, question, detail="detailed")
        assert not LATIN_WORDS.search(text), text
        assert "。" in text


def test_japanese_brief_is_one_or_two_sentences() -> None:
    assert ja(LABEL, "これは何ですか？", detail="brief").count("。") <= 2


def test_spoken_guidance_is_the_json_guidance() -> None:
    # One table: the blurry photo's guidance in the JSON is the sentence spoken.
    guidance = guidance_for("blurry", language="ja")
    blurry = ImageAnalysis(
        width=1, height=1, quality=QualityReport(issues=(QualityIssue("blurry", 0.9, guidance),))
    )
    assert ja(blurry, None).startswith(guidance)
    assert guidance == "写真がぼやけています。スマートフォンをしっかり持つか、品物から少し離してください。"
