"""Steps both clients share in the tests: sign in, wait for what a screen reader hears."""

from __future__ import annotations

from web_live import PASSWORD

TIMEOUT_MS = 180_000  # the describe pipeline and two servers on a loaded 2-core machine


def wait_text(page, selector: str, text: str, timeout: int = TIMEOUT_MS) -> None:
    """Wait until the element's text contains `text` (a live region's current words)."""
    page.wait_for_function(
        "([selector, text]) => (document.querySelector(selector)?.textContent || '').includes(text)",
        arg=[selector, text], timeout=timeout,
    )


def wait_status(page, text: str) -> None:
    """The polite status region says `text`."""
    wait_text(page, "#status", text)


def sign_in(page, base_url: str, path: str, email: str) -> None:
    """Sign in with the mouse (not the keyboard test)."""
    page.goto(base_url + path)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    wait_status(page, "You are signed in.")


def focused_id(page) -> str:
    """The id of the focused element ('' for <body>)."""
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")
