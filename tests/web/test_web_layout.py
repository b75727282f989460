"""Reflow (WCAG 1.4.10) and screenshots: both clients at 320 px wide, at desktop width, and
at 200 % zoom (a 1280 px window zoomed to 200 % is a 640 CSS px viewport at scale 2).
Nothing may scroll sideways; the PNGs go to var/web/ (CI artifacts, not committed)."""

from __future__ import annotations

import pytest
from web_checks import PageWatch, assert_no_axe_violations, screenshot
from web_flows import sign_in, wait_status
from web_live import PASSWORD, Server, make_user, make_volunteer, new_email, require_handoff

PHOTO = "VizWiz_test_00000046.jpg"
SIZES = {
    "320px": {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 2, "is_mobile": True,
              "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "zoom200": {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2},
}


def assert_no_sideways_scroll(page, what: str) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{what}: the page scrolls sideways by {overflow} px"


@pytest.mark.parametrize("size", list(SIZES))
def test_user_app_reflows(browser, web_server: Server, photos_dir, size: str) -> None:
    context = browser.new_context(**SIZES[size])
    try:
        page = context.new_page()
        watch = PageWatch(page)
        page.goto(web_server.base_url + "/app/")
        page.get_by_role("heading", name="Sign in").wait_for()
        assert_no_sideways_scroll(page, "signed out")
        screenshot(page, f"user-signed-out-{size}")
        page.get_by_label("Email").fill(new_email())
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Create an account").click()
        wait_status(page, "Your account is ready")
        page.get_by_label("Take or choose a photo").set_input_files(str(photos_dir / PHOTO))
        page.get_by_label("Your question (optional)").fill("What is in this can?")
        page.get_by_role("button", name="Describe", exact=True).click()
        wait_status(page, "The answer is complete.")
        page.locator("#history-list > li").first.wait_for()
        assert_no_sideways_scroll(page, "answer shown")
        assert_no_axe_violations(page, f"answer shown at {size}")
        screenshot(page, f"user-answer-{size}")
        page.get_by_label("Language", exact=True).select_option("ja")
        page.get_by_role("heading", name="写真を説明する").wait_for()
        assert_no_sideways_scroll(page, "Japanese")
        screenshot(page, f"user-answer-ja-{size}")
        watch.assert_clean()
    finally:
        context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_volunteer_console_reflows(browser, web_server: Server, photos_dir, size: str) -> None:
    require_handoff(web_server)
    volunteer_context = browser.new_context(**SIZES[size])
    user_context = browser.new_context(**SIZES["desktop"])
    try:
        volunteer, user = volunteer_context.new_page(), user_context.new_page()
        watch = PageWatch(volunteer)
        sign_in(volunteer, web_server.base_url, "/volunteer/", make_volunteer(web_server, name="Aiko"))
        assert_no_sideways_scroll(volunteer, "signed in")
        screenshot(volunteer, f"volunteer-signed-in-{size}")
        volunteer.get_by_role("button", name="Available for calls").click()
        wait_status(volunteer, "You are available for calls.")

        sign_in(user, web_server.base_url, "/app/", make_user(web_server))
        user.get_by_label("Take or choose a photo").set_input_files(str(photos_dir / PHOTO))
        user.get_by_role("button", name="Describe", exact=True).click()
        wait_status(user, "The answer is complete.")
        user.get_by_role("button", name="Call a volunteer").click()

        volunteer.get_by_role("alert").filter(has_text="Call request").wait_for(timeout=60_000)
        assert_no_sideways_scroll(volunteer, "offer")
        screenshot(volunteer, f"volunteer-offer-{size}")
        volunteer.get_by_role("button", name="Accept").click()
        volunteer.get_by_role("img").wait_for(timeout=60_000)
        user.get_by_label("Message").fill("Hello from the user, is the label readable?")
        user.keyboard.press("Enter")
        volunteer.locator("#transcript p").first.wait_for()
        volunteer.get_by_label("Message").fill("Yes: it says sliced peaches.")
        volunteer.keyboard.press("Enter")
        user.locator("#transcript p").nth(1).wait_for()
        assert_no_sideways_scroll(volunteer, "in a call")
        assert_no_axe_violations(volunteer, f"volunteer in a call at {size}")
        screenshot(volunteer, f"volunteer-call-{size}")
        volunteer.get_by_role("button", name="End call").click()
        volunteer.get_by_role("heading", name="The call has ended").wait_for()
        assert_no_sideways_scroll(volunteer, "after the call")
        screenshot(volunteer, f"volunteer-after-{size}")
        watch.assert_clean()
    finally:
        volunteer_context.close()
        user_context.close()
