"""The blind user's web app (/app/) in a real browser against a real server: every screen
state passes axe-core's WCAG 2.x A/AA rules with 0 violations, the answer streams into a
live region, refusals are announced the same way, follow-ups, history, delete, erase,
Japanese UI, and no CSP violation on the way."""

from __future__ import annotations

import re

from web_checks import PageWatch, assert_no_axe_violations, screenshot
from web_live import PASSWORD, Server, new_email

PHOTO = "VizWiz_test_00000046.jpg"  # a can of food with a readable label
TIMEOUT_MS = 180_000  # the describe pipeline on a loaded 2-core machine


def status_text(page) -> str:
    return page.locator("#status").inner_text()


def wait_status(page, text: str) -> None:
    """Wait until the polite status region says `text` (what a screen reader hears)."""
    page.wait_for_function(
        "(text) => document.querySelector('#status').textContent.includes(text)", arg=text,
        timeout=TIMEOUT_MS,
    )


def register(page, server: Server) -> str:
    email = new_email()
    page.goto(server.base_url + "/app/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create an account").click()
    wait_status(page, "Your account is ready")
    return email


def describe(page, photos_dir, name: str, question: str | None = None) -> None:
    page.get_by_label("Take or choose a photo").set_input_files(str(photos_dir / name))
    page.get_by_label("Your question (optional)").fill(question or "")
    page.get_by_role("button", name="Describe", exact=True).click()


def test_pages_are_served_with_the_strict_csp(web_server: Server) -> None:
    with web_server.client() as client:
        for path in ("/app/", "/volunteer/"):
            page = client.get(path)
            assert page.status_code == 200
            assert "script-src 'self'" in page.headers["content-security-policy"]
            assert "<script>" not in page.text and " on" + "click=" not in page.text
        assert client.get("/app", follow_redirects=False).headers["location"] == "/app/"
        script = client.get("/web/app/app.js")
        assert script.status_code == 200
        assert "javascript" in script.headers["content-type"]


def test_user_app_states_pass_axe_and_announce(context, web_server: Server, photos_dir) -> None:
    page = context.new_page()
    watch = PageWatch(page)
    results: dict[str, int] = {}

    page.goto(web_server.base_url + "/app/")
    page.get_by_role("heading", name="Sign in").wait_for()
    assert page.get_attribute("html", "lang") == "en"
    assert_no_axe_violations(page, "signed out", results)

    # A wrong password is said in the alert region, not only shown.
    page.get_by_label("Email").fill(new_email())
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("alert").filter(has_text="incorrect").wait_for()
    assert_no_axe_violations(page, "sign-in error", results)

    register(page, web_server)
    assert page.evaluate("document.activeElement.id") == "describe-heading"
    assert_no_axe_violations(page, "signed in", results)

    # No photo yet: said in the form's alert, and focus goes to the photo field.
    page.get_by_role("button", name="Describe", exact=True).click()
    page.get_by_role("alert").filter(has_text="Please take or choose a photo first.").wait_for()
    assert page.evaluate("document.activeElement.id") == "photo"
    assert_no_axe_violations(page, "describe error", results)

    describe(page, photos_dir, PHOTO, "What is in this can?")
    wait_status(page, "The answer is complete.")
    answer = page.locator("#answer-text")
    assert answer.get_attribute("aria-live") == "polite"
    assert len(answer.inner_text()) > 20
    assert page.get_by_role("region", name="Text read from the photo").is_visible()
    assert_no_axe_violations(page, "answer shown", results)
    screenshot(page, "user-answer-desktop")
    # The person's own settings: dark scheme, more contrast, less motion — contrast holds.
    page.emulate_media(color_scheme="dark", contrast="more", reduced_motion="reduce")
    assert_no_axe_violations(page, "answer shown (dark, more contrast)", results)
    screenshot(page, "user-answer-dark-desktop")
    page.emulate_media(color_scheme="light", contrast="no-preference", reduced_motion="no-preference")

    # A follow-up: its answer is spoken through the status region.
    page.get_by_label("Follow-up question").fill("What does the label say?")
    page.get_by_role("button", name="Ask", exact=True).click()
    page.locator("#follow-list li").first.wait_for(timeout=TIMEOUT_MS)
    follow_answer = page.locator("#follow-list .follow-answer").first.inner_text()
    wait_status(page, follow_answer[:30])
    assert_no_axe_violations(page, "follow-up answered", results)

    # A refusal is announced the same way (the live region and the status).
    describe(page, photos_dir, PHOTO, "Who is this person? Tell me their name.")
    wait_status(page, "did not answer")
    refusal_text = answer.inner_text()
    assert refusal_text.strip(), "the refusal sentence is in the live region"
    assert not page.locator("#read-text").is_visible()
    assert_no_axe_violations(page, "refusal", results)

    # History lists both; delete one by its labelled button.
    page.locator("#history-list > li").nth(1).wait_for()
    assert page.locator("#history-list > li").count() == 2
    delete_buttons = page.get_by_role("button", name=re.compile("^Delete the description from"))
    assert delete_buttons.count() == 2
    delete_buttons.first.click()
    wait_status(page, "The description was deleted.")
    page.wait_for_function("() => document.querySelectorAll('#history-list > li').length === 1")
    assert_no_axe_violations(page, "history after delete", results)

    # Japanese UI: lang follows, names change.
    page.get_by_label("Language", exact=True).select_option("ja")
    assert page.get_attribute("html", "lang") == "ja"
    page.get_by_role("heading", name="写真を説明する").wait_for()
    assert page.get_by_role("button", name="ボランティアを呼ぶ").is_visible()
    assert_no_axe_violations(page, "signed in (Japanese)", results)
    page.get_by_label("言語", exact=True).select_option("en")

    # Erase everything asks first (a modal dialog), then signs out.
    page.get_by_role("button", name="Erase everything").click()
    dialog = page.get_by_role("dialog", name="Erase everything?")
    dialog.wait_for()
    assert_no_axe_violations(page, "erase confirmation", results)
    dialog.get_by_role("button", name="Keep my account").click()
    assert page.get_by_role("heading", name="Your photo").is_visible()
    page.get_by_role("button", name="Erase everything").click()
    dialog.get_by_role("button", name="Erase everything").click()
    wait_status(page, "Everything was erased.")
    page.get_by_role("heading", name="Sign in").wait_for()
    assert page.evaluate("document.activeElement.id") == "auth-heading"

    watch.assert_clean()
    print("axe violations per state:", results)


def test_axe_check_can_fail(context, web_server: Server) -> None:
    """The axe helper really reports: an unlabelled field and an image without alt fail it."""
    page = context.new_page()
    page.goto(web_server.base_url + "/app/")
    page.get_by_role("heading", name="Sign in").wait_for()
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.append(document.createElement('input'));
        const img = document.createElement('img');
        img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
        main.append(img);
    }""")
    from web_checks import axe_violations

    rules = {violation["id"] for violation in axe_violations(page)}
    assert {"label", "image-alt"} <= rules
