"""`sightline qa run` in-process on real photos: every expectation kind holds where
it should and fails where it cannot, and the outputs say so."""

from __future__ import annotations

from qa_support import CASES, QaRun

from app.qa.cases import EXPECTATION_KINDS
from app.qa.runner import exit_status


def test_every_kind_holds_on_the_pass_cases_and_fails_on_the_fail_cases(qa_run: QaRun) -> None:
    records = qa_run.records()
    assert set(records) == {case["id"] for case in CASES}
    seen_pass, seen_fail = set(), set()
    for case_id, record in records.items():
        verdicts = {v["kind"]: v for v in record["verdicts"]}
        assert record["error"] is None, record["error"]
        if case_id.endswith("-pass"):
            assert record["passed"], (case_id, record["verdicts"], record["description"]["text"])
            seen_pass.update(verdicts)
        else:
            assert not record["passed"]
            assert all(not v["passed"] for v in verdicts.values()), (case_id, record["verdicts"])
            assert record["failed"] == list(verdicts)
            seen_fail.update(verdicts)
    assert seen_pass == seen_fail == set(EXPECTATION_KINDS)


def test_results_carry_the_description_latency_and_verdicts_in_words(qa_run: QaRun) -> None:
    record = qa_run.records()["peaches-fail"]
    assert {"text", "language", "text_read", "people", "quality", "safety", "backend"} <= set(
        record["description"])
    assert record["latency_ms"] > 0
    assert record["photo"].endswith("VizWiz_test_00000046.jpg")
    messages = {v["kind"]: v["message"] for v in record["verdicts"]}
    assert messages["read"] == "“BANANAS”: not in the text read"
    assert messages["people"] == "counted 0 people, expected 3"
    assert messages["refusal"] == "expected an identity refusal, got no refusal"
    assert "below the minimum 0.50" in messages["answers"]
    # In-process runs record the analyzers' boxes for the report.
    boxes = record["boxes"]
    assert boxes["width"] > 0 and boxes["text"], boxes


def test_the_summary_counts_per_kind_per_tag_vqa_and_latency(qa_run: QaRun) -> None:
    summary = qa_run.summary()
    assert (summary["cases_total"], summary["cases_run"], summary["passed"]) == (8, 8, 4)
    assert summary["pass_rate"] == 0.5
    assert summary["mode"] == "in-process" and not summary["interrupted"]
    assert summary["by_kind"]["read"] == {"cases": 2, "passed": 1, "pass_rate": 0.5}
    assert summary["by_kind"]["quality"] == {"cases": 2, "passed": 1, "pass_rate": 0.5}
    assert summary["by_tag"]["refusal"] == {"cases": 2, "passed": 1, "pass_rate": 0.5}
    assert summary["vqa"] == {"cases": 2, "accuracy": 0.5}  # 1.0 and 0.0
    assert 0 < summary["latency_ms"]["p50"] <= summary["latency_ms"]["p95"]


def test_a_failing_case_exits_1_and_prints_what_failed(qa_run: QaRun) -> None:
    assert qa_run.process.returncode == 1, qa_run.process.stderr[-3000:]
    out = qa_run.process.stdout
    assert "FAIL  captcha-fail: refusal: refused (captcha) where it should answer" in out
    assert "4 of 8 cases passed (50.0%)" in out
    assert "peaches-pass" not in out


def test_fail_under_decides_the_exit_status() -> None:
    summary = {"interrupted": False, "pass_rate": 0.5, "failed": 4}
    assert exit_status(summary, fail_under=None) == 1
    assert exit_status(summary, fail_under=50) == 0
    assert exit_status(summary, fail_under=50.1) == 1
    assert exit_status({**summary, "failed": 0, "pass_rate": 1.0}, fail_under=None) == 0
    assert exit_status({**summary, "interrupted": True}, fail_under=0) == 130
