"""Both clients through a handoff against the real server (embedded default: SQLite and the
in-process broker): every screen state of the volunteer console and of the user's call
passes axe-core's WCAG 2.x A/AA rules with 0 violations, and the announcements are right."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from web_checks import PageWatch, assert_no_axe_violations, screenshot
from web_flows import focused_id, sign_in, wait_status, wait_text
from web_live import (
    PASSWORD,
    Server,
    base_settings,
    make_user,
    make_volunteer,
    require_handoff,
    start_thread_server,
)

PHOTO = "VizWiz_test_00000046.jpg"
RING_TIMEOUT_S = 12


@pytest.fixture(scope="module")
def call_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose unanswered requests give up after RING_TIMEOUT_S."""
    server = start_thread_server(base_settings(
        tmp_path_factory.mktemp("handoff-web"),
        handoff_ring_timeout_s=RING_TIMEOUT_S, handoff_offer_s=RING_TIMEOUT_S,
    ))
    yield server
    server.stop()


def test_call_states_pass_axe(browser, call_server: Server, photos_dir) -> None:
    require_handoff(call_server)
    results: dict[str, int] = {}
    user_context = browser.new_context(viewport={"width": 1280, "height": 900})
    volunteer_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        user, volunteer = user_context.new_page(), volunteer_context.new_page()
        watches = [PageWatch(user), PageWatch(volunteer)]

        volunteer.goto(call_server.base_url + "/volunteer/")
        volunteer.get_by_role("heading", name="Sign in").wait_for()
        assert_no_axe_violations(volunteer, "volunteer: signed out", results)
        sign_in(volunteer, call_server.base_url, "/volunteer/", make_volunteer(call_server, name="Kenji"))
        wait_text(volunteer, "#connection", "Connected.")
        assert volunteer.get_by_role("status").filter(has_text="Connected.").count() == 1
        assert volunteer.get_by_label("Display name").input_value() == "Kenji"
        assert_no_axe_violations(volunteer, "volunteer: signed in", results)
        volunteer.get_by_label("Language", exact=True).select_option("ja")
        assert volunteer.get_attribute("html", "lang") == "ja"
        volunteer.get_by_role("heading", name="ボランティア画面").wait_for()
        assert volunteer.get_by_role("button", name="通話を受け付ける").is_visible()
        assert "でサインイン中" in volunteer.locator("#account-email").inner_text()
        assert_no_axe_violations(volunteer, "volunteer: signed in (Japanese)", results)
        volunteer.get_by_label("言語", exact=True).select_option("en")
        # The profile form: display name, languages, time zone, quiet hours.
        volunteer.get_by_label("Display name").fill("Kenji T.")
        volunteer.get_by_role("checkbox", name="日本語").check()
        volunteer.get_by_label("Time zone").fill("Asia/Tokyo")
        volunteer.get_by_role("checkbox", name="Use quiet hours").check()
        volunteer.get_by_label("From", exact=True).fill("23:30")
        volunteer.get_by_role("button", name="Save profile").click()
        wait_status(volunteer, "Your profile was saved.")
        volunteer.reload()
        volunteer.get_by_label("Display name").wait_for()
        wait_text(volunteer, "#connection", "Connected.")
        volunteer.wait_for_function("() => document.querySelector('#display-name').value === 'Kenji T.'")
        assert volunteer.get_by_label("Time zone").input_value() == "Asia/Tokyo"
        assert volunteer.get_by_role("checkbox", name="日本語").is_checked()
        assert volunteer.get_by_label("From", exact=True).input_value() == "23:30"
        # Quiet hours off again, so the test does not depend on the clock.
        volunteer.get_by_role("checkbox", name="Use quiet hours").uncheck()
        volunteer.get_by_label("Display name").fill("Kenji")
        volunteer.get_by_role("button", name="Save profile").click()
        wait_status(volunteer, "Your profile was saved.")
        available = volunteer.get_by_role("button", name="Available for calls")
        available.click()
        assert available.get_attribute("aria-pressed") == "true"
        wait_status(volunteer, "You are available for calls.")

        sign_in(user, call_server.base_url, "/app/", make_user(call_server))
        user.get_by_label("Take or choose a photo").set_input_files(str(photos_dir / PHOTO))
        user.get_by_role("button", name="Describe", exact=True).click()
        wait_status(user, "The answer is complete.")
        user.get_by_role("button", name="Call a volunteer").click()
        wait_status(user, "Calling volunteers.")
        assert user.get_by_role("button", name="Cancel the call").is_visible()
        assert_no_axe_violations(user, "user: ringing", results)

        alert = volunteer.get_by_role("alert").filter(has_text="Call request in English")
        alert.wait_for(timeout=60_000)
        assert "A photo is shared." in alert.inner_text()
        assert "SLICED PEACHES" in alert.inner_text()  # the AI summary
        assert_no_axe_violations(volunteer, "volunteer: incoming offer", results)
        screenshot(volunteer, "volunteer-offer-desktop")
        volunteer.get_by_role("button", name="Accept").click()

        volunteer.get_by_role("heading", name="In a call").wait_for()
        assert focused_id(volunteer) == "call-heading"
        photo = volunteer.get_by_role("img")
        photo.wait_for(timeout=60_000)
        assert "SLICED PEACHES" in photo.get_attribute("alt")
        wait_text(user, "#call-with", "Connected to Kenji.")
        assert focused_id(user) == "message"

        user.get_by_label("Message").fill("Is the lid dented?")
        user.keyboard.press("Enter")
        log = volunteer.get_by_role("log", name="Conversation")
        wait_text(volunteer, "#transcript", "User: Is the lid dented?")
        volunteer.get_by_label("Message").fill("No, it looks fine.")
        volunteer.get_by_role("button", name="Send").click()
        wait_text(user, "#transcript", "Kenji: No, it looks fine.")
        assert "You: No, it looks fine." in log.inner_text()
        assert_no_axe_violations(volunteer, "volunteer: in a call", results)
        assert_no_axe_violations(user, "user: in a call", results)
        screenshot(volunteer, "volunteer-call-desktop")
        screenshot(user, "user-call-desktop")

        # A reload in the middle of the call comes back into it, transcript and all.
        volunteer.reload()
        volunteer.get_by_role("heading", name="In a call").wait_for()
        wait_text(volunteer, "#transcript", "You: No, it looks fine.")
        assert "User: Is the lid dented?" in volunteer.locator("#transcript").inner_text()
        user.reload()
        wait_text(user, "#transcript", "Kenji: No, it looks fine.")
        assert "You: Is the lid dented?" in user.locator("#transcript").inner_text()
        assert user.locator("#transcript p").count() == 2
        volunteer.get_by_role("img").wait_for(timeout=60_000)
        assert available.get_attribute("aria-pressed") == "true"  # still on the rota

        volunteer.get_by_role("button", name="End call").click()
        volunteer.get_by_role("heading", name="The call has ended").wait_for()
        assert focused_id(volunteer) == "after-heading"
        wait_status(user, "The call has ended.")
        assert focused_id(user) == "rate-heading"
        assert_no_axe_violations(volunteer, "volunteer: after a call", results)
        assert_no_axe_violations(user, "user: after a call", results)
        volunteer.get_by_role("button", name="Send rating").click()
        wait_status(volunteer, "Your rating was sent.")
        user.get_by_role("radio", name="There was a problem").check()
        user.get_by_role("button", name="Send rating").click()
        wait_status(user, "Your rating was sent.")

        # The volunteer hears the time left at 10 s (not every second), declines with the
        # keyboard; nobody else is there: "Nobody answered", with "Try again" focused.
        user.get_by_role("button", name="Call a volunteer").click()
        wait_status(user, "Calling volunteers.")
        alert.wait_for(timeout=60_000)
        wait_text(volunteer, "#offer-time", "About 10 seconds left.", timeout=30_000)
        decline = volunteer.get_by_role("button", name="Decline")
        decline.focus()
        volunteer.keyboard.press("Enter")
        wait_status(volunteer, "You declined the request.")
        assert focused_id(volunteer) == "available"
        assert volunteer.locator("#offers li").count() == 0
        wait_status(user, "Nobody answered.")
        assert focused_id(user) == "call-retry"
        assert user.get_by_role("button", name="Try again").is_visible()
        assert_no_axe_violations(user, "user: nobody answered", results)

        # Try again. While the volunteer is on the first offer's Accept, a second request
        # (another user, no photo) arrives: focus stays on that Accept.
        user.get_by_role("button", name="Try again").click()
        wait_status(user, "Calling volunteers.")
        volunteer.locator("#offers li").first.wait_for(timeout=60_000)
        volunteer.locator("#offers li").first.get_by_role("button", name="Accept").focus()
        first_accept = focused_id(volunteer)
        assert first_accept.startswith("accept-")
        other_email = make_user(call_server)
        with call_server.client() as client:
            token = client.post("/v1/auth/token",
                                data={"username": other_email, "password": PASSWORD}).json()["access_token"]
        with call_server.client(token) as other:
            second = other.post("/v1/handoffs", json={"language": "en"})
            assert second.status_code == 201, second.text
            volunteer.locator("#offers li").nth(1).wait_for(timeout=60_000)
            wait_text(volunteer, "#offer-alert", "No photo is shared.")
            assert focused_id(volunteer) == first_accept

            # The first user cancels while it rings: the volunteer hears it was withdrawn, and
            # focus, which was on the withdrawn card, goes to the availability button.
            user.get_by_role("button", name="Cancel the call").click()
            wait_status(user, "The call was cancelled.")
            assert focused_id(user) == "call-button"
            wait_status(volunteer, "The request was withdrawn.")
            assert focused_id(volunteer) == "available"
            assert volunteer.locator("#offers li").count() == 1
            assert other.post(f"/v1/handoffs/{second.json()['id']}/cancel").status_code == 200
        volunteer.wait_for_function("() => document.querySelectorAll('#offers li').length === 0")

        # Signing out says so and returns to the sign-in form on both pages.
        for page in (user, volunteer):
            page.get_by_role("button", name="Sign out").click()
            wait_status(page, "You are signed out.")
            assert focused_id(page) == "auth-heading"

        for watch in watches:
            watch.assert_clean()
        print("axe violations per state:", results)
    finally:
        user_context.close()
        volunteer_context.close()
