"""People answers: visible attributes from the face analyzer, hedged, in English and
Japanese; never who a person is. Tables include the questions that must NOT be
routed to people and the faces the analyzer could not judge."""

from __future__ import annotations

import pytest

from models.compose import compose_answer, route_question
from models.compose.people import asked_aspects
from models.types import BoundingBox, DescribeRequest, FaceAttributes, FaceBox, ImageAnalysis

SMILING = FaceAttributes(
    smiling=True, eyes_closed=False, glasses=None, facing_camera=True,
    hair_colour="brown", clothing_colour="dark blue",
)  # fmt: skip
SERIOUS = FaceAttributes(
    smiling=False, eyes_closed=True, glasses=True, facing_camera=False, clothing_colour="red"
)


def face(x: int, position: str, attributes: FaceAttributes | None, size: float = 0.1) -> FaceBox:
    return FaceBox(BoundingBox(x, 100, 120, 120), position, size, attributes=attributes)


ONE = ImageAnalysis(width=640, height=480, faces=(face(250, "centre", SMILING),))
UNJUDGED = ImageAnalysis(width=640, height=480, faces=(face(250, "centre", None),))
TWO = ImageAnalysis(
    width=640, height=480, faces=(face(20, "left", SERIOUS), face(400, "right", SMILING))
)
SAME_PLACE = ImageAnalysis(
    width=640, height=480, faces=(face(10, "left", SERIOUS), face(90, "left", SMILING))
)
NOBODY = ImageAnalysis(width=640, height=480)


def answer(analysis: ImageAnalysis, question: str, language: str = "en") -> str:
    request = DescribeRequest(
        image=None, question=question, detail="standard", language=language, analysis=analysis
    )
    return compose_answer(request).text


@pytest.mark.parametrize(
    ("question", "aspects"),
    [
        ("Is he smiling?", ("smiling",)),
        ("What is she wearing?", ("clothing",)),
        ("Is my friend looking at the camera?", ("facing",)),
        ("Are her eyes open?", ("eyes",)),
        ("Is he wearing sunglasses?", ("glasses", "clothing")),
        ("What colour is her hair?", ("hair",)),
        ("Describe the person", ()),
        ("この人は笑っていますか？", ("smiling",)),
        ("どんな服を着ていますか？", ("clothing",)),
        ("髪の色は？", ("hair",)),
    ],
)
def test_aspects_asked(question: str, aspects: tuple[str, ...]) -> None:
    assert asked_aspects(question) == aspects
    assert "people" in route_question(question).intents


@pytest.mark.parametrize(
    "question",
    [
        "What does this tshirt say?",  # shared 44: text on a shirt, not a person
        "Is this hair dryer on?",
        "What does her letter say?",  # a pronoun next to a text question
        "What is this?",
        "What color are my shoes?",
    ],
)
def test_not_a_people_question(question: str) -> None:
    assert "people" not in route_question(question).intents


@pytest.mark.parametrize(
    ("question", "language", "must", "must_not"),
    [
        ("Describe the person.", "en",
         ["one person's face in the centre", "smiling", "looking towards the camera",
          "wearing something dark blue", "I think the person has brown hair"], ["not smiling"]),
        ("Is he smiling?", "en", ["The person seems to be smiling."], ["not"]),
        ("What is she wearing?", "en",
         ["seems to be wearing something dark blue", "can't tell what kind of clothing"], []),
        ("Is my friend looking at the camera?", "en", ["looking towards the camera"], []),
        ("Are her eyes open?", "en", ["eyes open"], ["closed"]),
        ("Is she wearing glasses?", "en", ["can't tell whether the person is wearing glasses"],
         ["dark glasses"]),
        ("この人は笑っていますか？", "ja", ["その人は笑顔のようです。", "1人の顔が見えます"], []),
        ("Describe the person.", "ja", ["その人の様子：笑顔", "紺", "その人の髪はたぶん"], []),
    ],
)  # fmt: skip
def test_one_face(question: str, language: str, must: list[str], must_not: list[str]) -> None:
    text = answer(ONE, question, language)
    for phrase in must:
        assert phrase in text, text
    for phrase in must_not:
        assert phrase not in text, text


def test_unjudged_face_says_it_cannot_tell() -> None:
    assert "I can't tell whether the person is smiling." in answer(UNJUDGED, "Is he smiling?")
    described = answer(UNJUDGED, "Describe the person")
    assert described == "I can see one person's face in the centre."


def test_no_face() -> None:
    assert answer(NOBODY, "Is he smiling?") == "I can't see anyone's face in the photo."


def test_several_faces_each_by_position() -> None:
    text = answer(TWO, "Is anyone smiling?")
    assert "The person on the left does not seem to be smiling." in text
    assert "The person on the right seems to be smiling." in text
    worn = answer(TWO, "What is he wearing?")
    assert "dark glasses" not in worn and "something red" in worn


def test_faces_in_the_same_place_are_told_apart_by_order() -> None:
    text = answer(SAME_PLACE, "Is he smiling?")
    assert "Person 1 from the left does not seem to be smiling." in text
    assert "Person 2 from the left seems to be smiling." in text
    assert "左から2人目の人は笑顔のようです。" in answer(SAME_PLACE, "笑っていますか", "ja")


def test_clothing_colour_answers_a_colour_question_about_clothes() -> None:
    text = answer(ONE, "What colour is her shirt?")
    assert "something dark blue" in text and "main colours" not in text


def test_contract_carries_the_attributes_and_hides_them_on_refusal() -> None:
    from app.describe.result import build_result
    from safety.types import Refusal, SafetyOutcome

    answered = build_result(
        analysis=TWO, outcome=SafetyOutcome(text="ok"), answer=None, backend_name="local",
        analysis_models=(), language="en", detail="standard",
    )  # fmt: skip
    left, right = answered.people.faces
    assert (left.smiling, left.eyes_closed, left.dark_glasses) == (False, True, True)
    assert (right.facing_camera, right.hair_colour, right.clothing_colour) == (
        True, "brown", "dark blue",
    )  # fmt: skip
    assert right.dark_glasses is None  # only dark lenses are judged: never "false"
    refusal = Refusal(reason="explicit", message="no")
    refused = build_result(
        analysis=TWO, outcome=SafetyOutcome(text="no", refusal=refusal), answer=None,
        backend_name="local", analysis_models=(), language="en", detail="standard",
    )  # fmt: skip
    assert refused.people.faces == []


def test_detailed_description_includes_what_is_visible() -> None:
    request = DescribeRequest(
        image=None, question=None, detail="detailed", language="en", analysis=ONE
    )
    text = compose_answer(request).text
    assert "What I can see of the person: smiling" in text
    brief = DescribeRequest(image=None, question=None, detail="brief", language="en", analysis=ONE)
    assert "smiling" not in compose_answer(brief).text
