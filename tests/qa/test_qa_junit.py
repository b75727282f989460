"""The JUnit file validates against the schema CI systems read, and a JUnit reader
finds one testcase per case with the failed expectations listed."""

from __future__ import annotations

from pathlib import Path

import xmlschema
from junitparser import Error, Failure, JUnitXml, Skipped
from qa_support import CASES, QaRun

SCHEMA = Path(__file__).with_name("junit.xsd")


def test_the_junit_file_is_valid_against_the_schema(qa_run: QaRun) -> None:
    schema = xmlschema.XMLSchema(SCHEMA)
    schema.validate(qa_run.junit)  # raises with the offending element when invalid


def test_the_schema_rejects_what_ci_systems_cannot_read(tmp_path: Path) -> None:
    schema = xmlschema.XMLSchema(SCHEMA)
    nameless = tmp_path / "nameless.xml"
    nameless.write_text('<testsuite name="s" tests="1" failures="0" errors="0">'
                        '<testcase time="1"/></testsuite>')
    assert not schema.is_valid(nameless)
    bad_time = tmp_path / "bad-time.xml"
    bad_time.write_text('<testsuite name="s" tests="1" failures="0" errors="0">'
                        '<testcase name="a" time="soon"/></testsuite>')
    assert not schema.is_valid(bad_time)


def test_one_testcase_per_case_with_its_failed_expectations(qa_run: QaRun) -> None:
    xml = JUnitXml.fromfile(str(qa_run.junit))
    suites = list(xml)
    assert len(suites) == 1
    suite = suites[0]
    assert (suite.tests, suite.failures, suite.errors) == (8, 4, 0)
    cases = {case.name: case for case in suite}
    assert set(cases) == {case["id"] for case in CASES}
    for name, case in cases.items():
        outcomes = case.result
        if name.endswith("-pass"):
            assert outcomes == [], name
            continue
        (failure,) = outcomes
        assert isinstance(failure, Failure)
        assert not isinstance(failure, Error | Skipped)
        assert failure.message.startswith("failed: ")
    failure = cases["peaches-fail"].result[0]
    assert failure.message == "failed: read, say_any, say_none, refusal, people, answers"
    assert "read: “BANANAS”: not in the text read" in failure.text
    assert cases["peaches-fail"].time > 0
