"""The local composer: questions → grounded answers, on hand-built analyses.

Tables list what an answer must contain and, as important, what it must NOT
claim when no analyzer found it.
"""

from __future__ import annotations

import pytest

from models.compose import compose_answer
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


def line(text: str, height: int = 20, confidence: float = 0.95, y: int = 0) -> TextLine:
    return TextLine(
        text=text, confidence=confidence, box=BoundingBox(10, y, 10 * len(text), height)
    )


def face(position: str, size: float = 0.05) -> FaceBox:
    return FaceBox(box=BoundingBox(0, 0, 50, 50), position=position, relative_size=size)


EMPTY = ImageAnalysis(width=640, height=480)
SOUP_CAN = ImageAnalysis(
    width=640,
    height=480,
    text_lines=(
        line("Campbell's", 60, y=10),
        line("TOMATO SOUP", 50, y=80),
        line("NET WT 10.75 OZ (305g)", 12, y=300),
    ),
    scene=(SceneLabel("can", 0.45), SceneLabel("packet", 0.1)),
    colours=(ColourName("red", 0.6), ColourName("white", 0.3)),
)
OVEN = ImageAnalysis(
    width=640, height=480, text_lines=(line("BAKE", 15, y=5), line("450", 80, y=50))
)
MILK = ImageAnalysis(
    width=640,
    height=480,
    text_lines=(
        line("WHOLE MILK", 40),
        line("BEST BY JUN 12 2024", 14, y=200),
        line("EXP 05/2025", 12, y=220),
    ),
)
MUG = ImageAnalysis(width=640, height=480, scene=(SceneLabel("coffee mug", 0.45),))
MUG_SURE = ImageAnalysis(width=640, height=480, scene=(SceneLabel("coffee mug", 0.85),))
UNSURE = ImageAnalysis(width=640, height=480, scene=(SceneLabel("coffee mug", 0.12),))
PEOPLE = ImageAnalysis(width=640, height=480, faces=(face("left", 0.2), face("top right")))
DARK = ImageAnalysis(
    width=640,
    height=480,
    quality=QualityReport(
        issues=(QualityIssue("too_dark", 0.8, "It is very dark: turn on a light or the flash."),)
    ),
    text_lines=(line("SALT", 30),),
)
PIZZA = ImageAnalysis(
    width=640,
    height=480,
    text_lines=(line("Preheat oven to 425°F", 20), line("Bake 12-14 minutes", 20, y=30)),
)
UNCLEAR = ImageAnalysis(width=640, height=480, text_lines=(line("Tylen0l", 30, confidence=0.6),))
OCR_FAILED = ImageAnalysis(width=640, height=480, failed_analyzers=("ocr",))


def answer(
    analysis: ImageAnalysis, question: str | None, detail: Detail = "standard", language: str = "en"
) -> str:
    request = DescribeRequest(
        image=None, question=question, detail=detail, language=language, analysis=analysis
    )
    return compose_answer(request).text


CASES = [
    # (analysis, question, must contain, must not contain)
    (SOUP_CAN, "What does this say?", ["The text reads:", "Campbell's", "TOMATO SOUP"], []),
    (SOUP_CAN, "What is this can?", ['"Campbell\'s TOMATO SOUP"'], ["NET WT", "It looks like"]),
    (SOUP_CAN, "What colour is this?", ["red and white"], ["text reads"]),
    (SOUP_CAN, "How many ounces in this container?", ["10.75 ounces"], []),
    (EMPTY, "What does this say?", ["could not find any readable text"], ["text reads", '"']),
    (EMPTY, "What is this?", ["can't tell what the object is"], ["looks like", "probably"]),
    (EMPTY, "What colour is it?", ["could not tell the colour"], ["main colour"]),
    (EMPTY, "How many people are there?", ["can't see anyone"], ["I can see"]),
    (EMPTY, "What's the expiration date?", ["could not find a date"], ["expiry date printed"]),
    (EMPTY, None, ["can't make out anything"], ["text reads", "looks like", "face"]),
    (
        OVEN,
        "Has the oven gotten up to four hundred fifty degrees yet?",
        ["450", "matches the 450"],
        [],
    ),
    (OVEN, "Is the oven at 500 yet?", ["450", "below the 500"], ["matches"]),
    # Spoken oven settings: "four fifty" is 450 (it was read as 4 + 50 = 54).
    (OVEN, "Has the oven reached four fifty?", ["matches the 450"], ["54"]),
    (OVEN, "Is the oven at three fifty yet?", ["above the 350"], ["53"]),
    (OVEN, "What number is on the display?", ["largest number I can read is 450"], []),
    (MILK, "What's the expiration date?", ["12 June 2024", 'printed as "JUN 12 2024"'], []),
    (MILK, "when does it expire?", ["expiry date printed is 12 June 2024"], []),
    (MUG, "What is this?", ["probably a coffee mug"], ["looks like"]),
    (MUG_SURE, "What is this?", ["looks like a coffee mug"], ["probably"]),
    (UNSURE, "What is this?", ["can't tell"], ["coffee mug"]),
    (
        PEOPLE,
        "How many people are in the photo?",
        ["2 people", "on the left", "at the top right"],
        [],
    ),
    (DARK, "What does this say?", ["very dark", "SALT"], []),
    (
        PIZZA,
        "How long and what temperature do I bake this pizza for?",
        ["425 degrees Fahrenheit", "12 to 14 minutes"],
        [],
    ),
    (UNCLEAR, "What does this say?", ["may say", "Tylen0l"], ["The text reads"]),
    (
        OCR_FAILED,
        "What does this say?",
        ["could not read the text this time"],
        ["could not find any readable text"],
    ),
]


@pytest.mark.parametrize(("analysis", "question", "present", "absent"), CASES)
def test_answer_content(
    analysis: ImageAnalysis, question: str | None, present: list[str], absent: list[str]
) -> None:
    text = answer(analysis, question)
    for fragment in present:
        assert fragment in text, f"{fragment!r} missing from {text!r}"
    for fragment in absent:
        assert fragment not in text, f"{fragment!r} must not be in {text!r}"


def test_quality_guidance_comes_first() -> None:
    text = answer(DARK, "What is this?")
    assert text.startswith("It is very dark")
    assert '"SALT"' in text  # what could still be found follows the guidance


def test_dark_photo_lowers_object_confidence() -> None:
    dark_mug = ImageAnalysis(width=640, height=480, scene=MUG_SURE.scene, quality=DARK.quality)
    assert "probably a coffee mug" in answer(dark_mug, "What is this?")


def test_brief_is_shorter_than_detailed() -> None:
    brief = answer(SOUP_CAN, None, detail="brief")
    detailed = answer(SOUP_CAN, None, detail="detailed")
    assert brief.count(".") <= 2, brief
    assert len(detailed) > len(brief)
    assert "red" in detailed and "red" not in brief  # detailed adds the colours


def test_brief_reads_at_most_three_lines() -> None:
    many = ImageAnalysis(
        width=640, height=480, text_lines=tuple(line(f"line {i}", y=i * 30) for i in range(8))
    )
    brief = answer(many, "What does this say?", detail="brief")
    assert "line 2" in brief and "line 3" not in brief
    assert "line 7" in answer(many, "What does this say?", detail="detailed")


def test_unknown_language_answers_in_english_and_says_so() -> None:
    request = DescribeRequest(
        image=None, question="What is this?", detail="standard", language="fr", analysis=MUG
    )
    composition = compose_answer(request)
    assert composition.language == "en"
    assert "coffee mug" in composition.text


def test_never_names_people_or_traits() -> None:
    text = answer(PEOPLE, "Who is this?", detail="detailed")
    assert "2 people" in text
    for word in ("man", "woman", "age", "years old", "name"):
        assert f" {word} " not in f" {text} "


def test_tiny_faces_are_only_mentioned_when_asked() -> None:
    tiny = ImageAnalysis(
        width=640, height=480, faces=(face("top left", 0.005),), scene=MUG_SURE.scene
    )
    assert "face" not in answer(tiny, None, detail="detailed")
    assert "face" not in answer(tiny, "What is this?", detail="detailed")
    assert "one person's face at the top left" in answer(tiny, "Is anyone in the photo?")


def test_faces_in_the_same_place_are_grouped() -> None:
    crowd = ImageAnalysis(
        width=640, height=480, faces=(face("centre"), face("centre"), face("left"))
    )
    text = answer(crowd, "How many people are there?")
    assert "3 people's faces: 2 in the centre and one on the left" in text


def test_detailed_does_not_repeat_the_name_as_text() -> None:
    name_only = ImageAnalysis(width=640, height=480, text_lines=(line("Cheerios", 60),))
    text = answer(name_only, "What is this?", detail="detailed")
    assert text.count("Cheerios") == 1, text


@pytest.mark.parametrize("question", [None, "What is this?", "Describe this in detail"])
def test_detailed_says_a_face_once(question: str | None) -> None:
    # At `detailed`, "what is this?" and a general description said the face twice:
    # once plainly and once with how near it is.
    portrait = ImageAnalysis(width=640, height=480, faces=(face("centre", 0.2),))
    text = answer(portrait, question, detail="detailed")
    assert text.count("face") == 1, text
    assert "one person's face in the centre, close to the camera" in text


def test_what_is_this_mentions_a_prominent_face() -> None:
    # Shared photo 45 is a painted portrait on a wall: the face is the answer.
    portrait = ImageAnalysis(width=640, height=480, faces=(face("centre", 0.03),))
    text = answer(portrait, "What is this hanging on the wall?")
    assert "one person's face in the centre" in text
    assert "can't tell what the object is" not in text


@pytest.mark.parametrize(
    ("question", "detail", "expected"),
    [
        ("What is this? Please give me a detailed description.", "standard", "detailed"),
        ("Can you describe this in detail", "standard", "detailed"),
        ("これを詳しく説明して", "standard", "detailed"),
        ("What is this? Please give me a detailed description.", "brief", "brief"),
        ("What is this?", "standard", "standard"),
        ("Is the detail on this cake pink?", "standard", "standard"),
        (None, "standard", "standard"),
    ],
)
def test_a_question_that_asks_for_detail_gets_it(question: str | None, detail: Detail, expected: str) -> None:
    from models.compose.composer import asked_detail

    assert asked_detail(question, detail) == expected
