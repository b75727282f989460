"""`sightline qa compare` on doctored copies of a real run: flips both ways,
metrics down past the tolerance, answer diffs, the HTML page, exit statuses."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from qa_support import QaRun, sightline

from app.qa.compare import compare_runs


def doctored(run: QaRun, target: Path, *, records: Callable[[dict], None] = lambda r: None,
             summary: Callable[[dict], None] = lambda s: None) -> Path:
    """A copy of the run's folder with its records and summary edited."""
    shutil.copytree(run.out, target)
    lines = (target / "results.jsonl").read_text(encoding="utf-8").splitlines()
    edited = []
    for line in lines:
        record = json.loads(line)
        records(record)
        edited.append(json.dumps(record, ensure_ascii=False))
    (target / "results.jsonl").write_text("\n".join(edited) + "\n", encoding="utf-8")
    data = json.loads((target / "summary.json").read_text(encoding="utf-8"))
    summary(data)
    (target / "summary.json").write_text(json.dumps(data), encoding="utf-8")
    return target


def flip_both_ways(record: dict) -> None:
    if record["id"] == "peaches-pass":  # now fails: the answer lost the word
        record["passed"], record["failed"] = False, ["say_any"]
        record["description"]["text"] = "The largest text on it reads KIRKLAND."
    if record["id"] == "captcha-fail":  # now passes
        record["passed"], record["failed"] = True, []


def test_flips_both_ways_are_listed_with_answer_diffs_and_exit_1(qa_run: QaRun,
                                                                   tmp_path: Path) -> None:
    new = doctored(qa_run, tmp_path / "new", records=flip_both_ways)
    comparison = compare_runs(qa_run.out, new)
    assert [f.id for f in comparison.regressions] == ["peaches-pass"]
    assert [f.id for f in comparison.fixes] == ["captcha-fail"]
    regression = comparison.regressions[0]
    assert regression.failed_before == [] and regression.failed_after == ["say_any"]
    assert ("added", "KIRKLAND.") in regression.diff()
    assert any(kind == "removed" and "PEACHES" in words for kind, words in regression.diff())
    page = tmp_path / "compare.html"
    result = sightline("qa", "compare", str(qa_run.out), str(new), "--html", str(page),
                       data_dir=tmp_path / "data")
    assert result.returncode == 1, result.stderr
    assert "pass → fail: 1\n  peaches-pass: failed before [], now [say_any]" in result.stdout
    assert "fail → pass: 1\n  captcha-fail" in result.stdout
    assert "\nREGRESSED\n" in result.stdout
    html = page.read_text(encoding="utf-8")
    assert html.count("<h1>") == 1 and "<caption>" in html and "<th scope=\"col\">" in html
    assert "<ins>KIRKLAND.</ins>" in html and "<del>" in html
    assert "http" not in html.split("</head>", 1)[1]


def test_a_fix_alone_is_no_regression(qa_run: QaRun, tmp_path: Path) -> None:
    def fix_only(record: dict) -> None:
        if record["id"] == "captcha-fail":
            record["passed"], record["failed"] = True, []

    def better(summary: dict) -> None:
        summary["pass_rate"], summary["passed"] = 0.625, 5

    new = doctored(qa_run, tmp_path / "new", records=fix_only, summary=better)
    result = sightline("qa", "compare", str(qa_run.out), str(new), data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stdout
    assert "pass rate: 50.0% → 62.5% (+12.5 points)" in result.stdout
    assert "no regression" in result.stdout


def test_a_metric_down_past_the_tolerance_is_a_regression(qa_run: QaRun, tmp_path: Path) -> None:
    def worse(summary: dict) -> None:
        summary["vqa"]["accuracy"] = 0.45  # from 0.50: down 5 points, no case flipped
        summary["by_kind"]["read"]["pass_rate"] = 0.49  # down 1 point
        summary["latency_ms"]["p50"] *= 3  # reported, never judged

    new = doctored(qa_run, tmp_path / "new", summary=worse)
    assert not compare_runs(qa_run.out, new).regressions
    lenient = compare_runs(qa_run.out, new, tolerance=6)
    assert not lenient.regressed
    strict = compare_runs(qa_run.out, new, tolerance=2)
    assert strict.regressed
    assert [m.name for m in strict.metrics if m.regressed] == ["VQA accuracy"]
    result = sightline("qa", "compare", str(qa_run.out), str(new), "--tolerance", "0.5",
                       data_dir=tmp_path / "data")
    assert result.returncode == 1
    assert "VQA accuracy: 50.0% → 45.0% (-5.0 points)  REGRESSION" in result.stdout
    assert "pass rate: read: 50.0% → 49.0% (-1.0 points)  REGRESSION" in result.stdout
    assert "reported, not judged" in result.stdout


def test_compare_refuses_a_folder_that_is_not_a_run(qa_run: QaRun, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = sightline("qa", "compare", str(qa_run.out), str(empty), data_dir=tmp_path / "data")
    assert result.returncode == 2
    assert "Cannot compare" in result.stderr and "Traceback" not in result.stderr
