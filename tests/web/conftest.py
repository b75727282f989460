"""Fixtures for the browser tests: one chromium for the session, a fresh context per test,
axe-core checks and the CSP watch."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_live import CHROMIUM, Server, base_settings, start_thread_server

playwright_api = pytest.importorskip("playwright.sync_api")

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)", pytrace=False)
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)



@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium, headless (never `playwright install`)."""
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One embedded-default server (SQLite, in-process broker) for a test module."""
    server = start_thread_server(base_settings(tmp_path_factory.mktemp("web")))
    yield server
    server.stop()


@pytest.fixture
def context(browser: object) -> Iterator[object]:
    """A fresh browser context (own storage) at a phone-ish desktop size."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    yield context
    context.close()


