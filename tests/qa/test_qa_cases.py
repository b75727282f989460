"""Case files: JSONL and CSV, the checks that name the line, and the shipped file."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from support import REPO_ROOT, require_photos_dir

from app.qa.cases import EXPECTATION_KINDS, CaseFileError, load_cases

SHIPPED = REPO_ROOT / "qa" / "cases.jsonl"


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def photo(tmp_path: Path) -> str:
    """A real photo copied beside the case file (paths are relative to the file)."""
    source = require_photos_dir() / "VizWiz_test_00000046.jpg"
    (tmp_path / "can.jpg").write_bytes(source.read_bytes())
    return "can.jpg"


def test_jsonl_cases_resolve_photos_against_the_file(tmp_path: Path, photo: str) -> None:
    path = write_jsonl(tmp_path / "cases.jsonl", [
        {"id": "peaches", "photo": photo, "question": "What is in this can?",
         "tags": ["food"], "expect": {"read": "PEACHES", "people": 0, "refusal": "none"}},
        {"photo": photo, "detail": "brief"},
    ])
    first, second = load_cases(path)
    assert first.photo == (tmp_path / "can.jpg").resolve()
    assert first.expect.read == ("PEACHES",)  # a single string stands for a list
    assert first.expect.kinds() == ["read", "refusal", "people"]
    assert (first.detail, second.detail) == ("standard", "brief")
    assert second.id == "can"  # the photo's stem when no id is given
    assert second.expect.kinds() == []


def test_csv_cases_take_expect_as_json_and_tags_as_words(tmp_path: Path, photo: str) -> None:
    path = tmp_path / "cases.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "photo", "question", "tags", "expect"])
        writer.writerow(["a", photo, "What is this?", "food, reading",
                         json.dumps({"say_any": ["peach"], "quality_any": ["blurry"]})])
        writer.writerow(["b", photo, "", '["x"]', ""])
    first, second = load_cases(path)
    assert first.tags == ("food", "reading")
    assert first.expect.say_any == ("peach",)
    assert first.expect.quality_any == ("blurry",)
    assert second.question is None and second.tags == ("x",)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"expect": {"reed": ["x"]}}, "expect.reed"),
        ({"expect": {"quality": ["smudged"]}}, "expect.quality"),
        ({"expect": {"disclaimer": "astrology"}}, "expect.disclaimer"),
        ({"expect": {"refusal": "rude"}}, "expect.refusal"),
        ({"expect": {"people": -1}}, "expect.people"),
        ({"expect": {"min_vqa": 0.5}}, "min_vqa needs answers"),
        ({"expect": {"answers": ["one"]}}, "expect.answers"),
        ({"expect": {"say_any": [""]}}, "empty string"),
        ({"detail": "verbose"}, "detail"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_case_names_its_line_and_field(tmp_path: Path, photo: str, row: dict,
                                            message: str) -> None:
    path = write_jsonl(tmp_path / "cases.jsonl", [{"photo": photo}, {"photo": photo, **row}])
    with pytest.raises(CaseFileError, match=r"cases\.jsonl:2: .*") as raised:
        load_cases(path)
    assert message in str(raised.value)


def test_missing_photo_bad_json_and_duplicate_ids_are_refused(tmp_path: Path, photo: str) -> None:
    missing = write_jsonl(tmp_path / "missing.jsonl", [{"photo": "nope.jpg"}])
    with pytest.raises(CaseFileError, match=r"missing\.jsonl:1: photo not found: nope\.jpg"):
        load_cases(missing)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"photo": "can.jpg"}\n{"photo": \n', encoding="utf-8")
    with pytest.raises(CaseFileError, match=r"broken\.jsonl:2: not JSON"):
        load_cases(broken)
    twice = write_jsonl(tmp_path / "twice.jsonl", [{"id": "a", "photo": photo},
                                                    {"id": "a", "photo": photo}])
    with pytest.raises(CaseFileError, match="already used on line 1"):
        load_cases(twice)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("# only a comment\n\n", encoding="utf-8")
    with pytest.raises(CaseFileError, match="no cases"):
        load_cases(empty)


def test_the_shipped_case_file_covers_every_photo_with_expectations() -> None:
    cases = load_cases(SHIPPED)
    photos = sorted(p.name for p in (REPO_ROOT / "qa" / "photos" / "vizwiz").glob("*.jpg"))
    assert len(cases) == len(photos) == 70
    assert sorted(case.photo.name for case in cases) == photos
    questions = json.loads((REPO_ROOT / "qa" / "photos" / "vizwiz" / "questions.json").read_text())
    asked = {item["image"]: item["question"] for item in questions}
    for case in cases:
        assert case.question == asked[case.photo.name], case.id
        assert case.expect.kinds(), f"{case.id} has no expectation"
    used = {kind for case in cases for kind in case.expect.kinds()}
    assert used == set(EXPECTATION_KINDS)
    own = [case.id for case in cases if case.expect.answers]
    assert own and all("own-answers" in c.tags for c in cases if c.expect.answers), own


def test_the_photos_and_their_licence_are_in_the_repository() -> None:
    readme = (REPO_ROOT / "qa" / "photos" / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in readme and "Gurari" in readme
    assert require_photos_dir() == REPO_ROOT / "qa" / "photos" / "vizwiz"


def test_the_ci_floor_and_the_baseline_match_the_shipped_file() -> None:
    floor = re.search(r"^QA_FLOOR_PERCENT=([\d.]+)$", (REPO_ROOT / ".ci" / "run").read_text(),
                      re.MULTILINE)
    assert floor, ".ci/run sets QA_FLOOR_PERCENT"
    baseline = REPO_ROOT / "qa" / "baseline"
    summary = json.loads((baseline / "summary.json").read_text(encoding="utf-8"))
    assert summary["pass_rate"] * 100 >= float(floor.group(1))
    records = [json.loads(line) for line in
               (baseline / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    cases = {case.id: case for case in load_cases(SHIPPED)}
    assert [r["id"] for r in records] == list(cases)
    for record in records:  # refresh the baseline whenever an expectation changes
        expect = cases[record["id"]].expect.model_dump(exclude_unset=True, mode="json")
        assert record["expect"] == expect, record["id"]
