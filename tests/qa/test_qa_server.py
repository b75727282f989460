"""`sightline qa run --server` against a real server (uvicorn, full middleware,
SQLite), with a CSV case file, logging in with an email and password or a token."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from live import LiveServer, register_and_log_in, server_settings, start_server
from qa_support import CASES, sightline, write_case_file


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(server_settings(tmp_path_factory.mktemp("qa-server")))
    yield live
    live.stop()


def write_csv(folder: Path, cases: list[dict]) -> Path:
    """The same cases as CSV: one column per field, expect as JSON, tags as words."""
    write_case_file(folder, cases)  # copies the photos beside it
    path = folder / "cases.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "photo", "question", "tags", "expect"])
        writer.writeheader()
        for case in cases:
            writer.writerow({**case, "tags": ", ".join(case["tags"]),
                             "expect": json.dumps(case["expect"])})
    return path


def test_server_mode_with_email_and_password(server: LiveServer, tmp_path: Path) -> None:
    account = register_and_log_in(server)
    chosen = [c for c in CASES if c["id"] in ("peaches-pass", "captcha-pass", "captcha-fail")]
    cases_file = write_csv(tmp_path / "cases", chosen)
    out = tmp_path / "out"
    result = sightline("qa", "run", str(cases_file), "--server", server.base_url,
                       "--email", account.email, "--out", str(out), "--concurrency", "2",
                       "--no-progress", data_dir=tmp_path / "data",
                       SIGHTLINE_QA_PASSWORD=account.password)
    assert result.returncode == 1, result.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["mode"] == "server" and summary["server"] == server.base_url
    assert (summary["cases_run"], summary["passed"], summary["errors"]) == (3, 2, 0)
    assert summary["by_tag"]["refusal"]["cases"] == 2
    records = {r["id"]: r for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}
    assert records["peaches-pass"]["passed"] and records["captcha-pass"]["passed"]
    assert not records["captcha-fail"]["passed"]
    # The server's description: stored (it has an id) and the full contract.
    assert records["peaches-pass"]["description"]["id"]
    assert "PEACHES" in " ".join(line["text"] for line in
                                 records["peaches-pass"]["description"]["text_read"])
    assert records["peaches-pass"]["latency_ms"] > 0
    # The service kept them in the account's history, as for any user.
    history = account.client.get("/v1/descriptions").json()
    assert len(history["items"]) == 3
    assert "report.html" in {p.name for p in out.iterdir()}


def test_server_mode_with_a_token_and_a_refused_token(server: LiveServer, tmp_path: Path) -> None:
    account = register_and_log_in(server)
    cases_file = write_case_file(tmp_path / "cases", [CASES[2]])
    result = sightline("qa", "run", str(cases_file), "--server", server.base_url,
                       "--no-progress", data_dir=tmp_path / "data",
                       SIGHTLINE_QA_TOKEN=account.access_token)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "1 of 1 cases passed (100.0%)" in result.stdout
    refused = sightline("qa", "run", str(cases_file), "--server", server.base_url,
                        "--token", "not-a-token", "--no-progress", data_dir=tmp_path / "data")
    assert refused.returncode == 2
    assert "the server refused the token: HTTP 401" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_server_options_are_checked_before_anything_runs(tmp_path: Path) -> None:
    cases_file = write_case_file(tmp_path / "cases", [CASES[2]])
    alone = sightline("qa", "run", str(cases_file), "--server", "http://127.0.0.1:9",
                      "--no-progress", data_dir=tmp_path / "data")
    assert alone.returncode == 2 and "--server needs --token" in alone.stderr
    unreachable = sightline("qa", "run", str(cases_file), "--server", "http://127.0.0.1:9",
                            "--token", "t", "--no-progress", data_dir=tmp_path / "data")
    assert unreachable.returncode == 2 and "cannot reach" in unreachable.stderr
