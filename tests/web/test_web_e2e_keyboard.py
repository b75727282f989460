"""The whole journey with the keyboard alone (Tab, Shift+Tab, Enter, Space; no clicks).

The user signs in, uploads a photo (shared), gets the answer, asks a follow-up, calls a
volunteer. In a second browser context the volunteer — on ANOTHER server process over
PostgreSQL + Redis when SIGHTLINE_TEST_POSTGRES_URL and SIGHTLINE_TEST_REDIS_URL are set
(CI), else on the same embedded server — accepts; they exchange messages; the volunteer's
connection drops (a real cut TCP connection) and resumes by itself without losing a
message; the call ends; both rate. At each step the test asserts what a screen reader
would hear: the live regions' words, accessible names, and where focus is. It counts the
tab stops from the sign-in page to sending the first message."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cuttable_proxy import CuttableProxy
from dbutil import create_postgres_database, drop_postgres_database
from support import postgres_url, redis_url
from web_checks import PageWatch, assert_no_axe_violations, screenshot
from web_flows import focused_id, wait_status, wait_text
from web_live import (
    PASSWORD,
    Server,
    base_settings,
    make_user,
    make_volunteer,
    migrate,
    require_handoff,
    run_async,
    start_process_server,
    start_thread_server,
)

from app.settings import Settings

PHOTO = "VizWiz_test_00000046.jpg"
MAX_TABS = 40  # more than this to reach one control is a failure in itself


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server, str]]:
    """(the user's server, the volunteer's server, a description of the setup)."""
    pg, redis = postgres_url(), redis_url()
    if not (pg and redis):
        server = start_thread_server(base_settings(tmp_path_factory.mktemp("e2e")))
        yield server, server, "one process, SQLite, in-process broker"
        server.stop()
        return
    database: list[str] = []

    async def create() -> None:
        database.append(await create_postgres_database(pg))

    run_async(create())
    shared = base_settings(
        tmp_path_factory.mktemp("e2e-shared"), database_url=database[0], redis_url=redis,
        handoff_redis_prefix=f"web-e2e-{uuid.uuid4().hex[:8]}",
    )
    migrate(Settings(**shared))  # type: ignore[arg-type]
    started: list[Server] = []
    try:
        for name in ("user", "volunteer"):
            values = dict(shared, data_dir=str(tmp_path_factory.mktemp(f"e2e-{name}")))
            log = Path(str(values["data_dir"])) / "server.log"
            started.append(start_process_server(values, log))
        yield started[0], started[1], "two server processes, PostgreSQL + Redis"
    finally:
        for server in started:
            server.stop()
        run_async(drop_postgres_database(pg, database[0]))


class Keyboard:
    """Keyboard-only driving of one page, counting Tab and Shift+Tab presses."""

    def __init__(self, page) -> None:
        self.page = page
        self.tabs = 0

    def focused(self) -> dict:
        """What is focused, as a screen reader would name it."""
        return self.page.evaluate("""() => {
            const el = document.activeElement;
            if (!el || el === document.body) return {id: '', role: '', name: ''};
            const label = el.labels && el.labels.length ? el.labels[0].textContent : '';
            return {id: el.id, tag: el.tagName.toLowerCase(), type: el.type || '',
                    name: (el.getAttribute('aria-label') || label || el.textContent || '').trim()};
        }""")

    def tab_to(self, predicate, *, backwards: bool = False) -> dict:
        """Press Tab (or Shift+Tab) until the focused element satisfies `predicate`."""
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            self.tabs += 1
            focused = self.focused()
            if predicate(focused):
                return focused
        raise AssertionError(f"never reached the control; last focused: {self.focused()}")

    def tab_to_id(self, element_id: str, **kwargs) -> dict:
        return self.tab_to(lambda f: f["id"] == element_id, **kwargs)

    def tab_to_name(self, name: str, **kwargs) -> dict:
        return self.tab_to(lambda f: f["name"] == name, **kwargs)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


def test_keyboard_only_journey(browser, servers, photos_dir) -> None:
    user_server, volunteer_server, setup = servers
    require_handoff(user_server)
    proxy = CuttableProxy(int(volunteer_server.base_url.rsplit(":", 1)[1]))
    user_context = browser.new_context(viewport={"width": 1280, "height": 900})
    volunteer_context = browser.new_context(viewport={"width": 1280, "height": 900})
    results: dict[str, int] = {}
    try:
        user_email = make_user(user_server)
        volunteer_email = make_volunteer(volunteer_server, name="Kenji")
        user, volunteer = user_context.new_page(), volunteer_context.new_page()
        watches = [PageWatch(user), PageWatch(volunteer)]
        keys, vkeys = Keyboard(user), Keyboard(volunteer)
        # Registered long before Space is pressed: Playwright turns the chooser interception
        # on without waiting for it, so `expect_file_chooser` right before the key can miss.
        user.on("filechooser", lambda chooser: chooser.set_files(str(photos_dir / PHOTO)))

        # --- the volunteer signs in (through the cuttable proxy) and becomes available ---
        volunteer.goto(proxy.base_url + "/volunteer/")
        volunteer.get_by_role("heading", name="Sign in").wait_for()
        vkeys.tab_to_name("Email")
        vkeys.type(volunteer_email)
        vkeys.tab_to_name("Password")
        vkeys.type(PASSWORD)
        vkeys.tab_to_name("Sign in")
        volunteer.keyboard.press("Enter")
        wait_status(volunteer, "You are signed in.")
        assert focused_id(volunteer) == "presence-heading"
        wait_text(volunteer, "#connection", "Connected.")
        vkeys.tab_to_name("Available for calls")
        volunteer.keyboard.press("Space")
        wait_status(volunteer, "You are available for calls.")
        assert volunteer.get_by_role("button", name="Available for calls").get_attribute("aria-pressed") == "true"

        # --- the user: sign in ---
        user.goto(user_server.base_url + "/app/")
        user.get_by_role("heading", name="Sign in").wait_for()
        keys.tab_to_name("Email")
        keys.type(user_email)
        keys.tab_to_name("Password")
        keys.type(PASSWORD)
        keys.tab_to(lambda f: f["name"] == "Sign in" and f["tag"] == "button")
        user.keyboard.press("Enter")
        wait_status(user, "You are signed in.")
        assert focused_id(user) == "describe-heading"
        tabs_to_sign_in = keys.tabs

        # --- a photo (the file chooser opens from the keyboard) and a question ---
        keys.tab_to_id("photo")
        assert user.get_by_label("Take or choose a photo").evaluate("e => e === document.activeElement")
        user.keyboard.press("Space")  # opens the file chooser (answered by the handler above)
        user.wait_for_function("() => document.querySelector('#photo').files.length === 1")
        keys.tab_to_id("question")
        keys.type("What is in this can?")
        keys.tab_to_name("Describe")
        user.keyboard.press("Enter")
        wait_status(user, "Looking at the photo")
        wait_status(user, "The answer is complete.")
        answer = user.locator("#answer-text").inner_text()
        assert "SLICED PEACHES" in answer
        assert user.get_by_role("region", name="Text read from the photo").is_visible()
        assert focused_id(user) == "describe-button"  # focus did not fall to <body>

        # --- a follow-up (Enter in the field submits it) ---
        keys.tab_to_id("follow-question")
        keys.type("What colour is the label?")
        user.keyboard.press("Enter")
        user.locator("#follow-list li").first.wait_for(timeout=180_000)
        follow_answer = user.locator("#follow-list .follow-answer").first.inner_text()
        wait_status(user, follow_answer[:30])

        # --- call a volunteer, sharing the photo (the box is checked: Space would uncheck) ---
        share = keys.tab_to_id("share-photo")
        assert share["name"] == "Share my photo with the volunteer"
        assert user.get_by_role("checkbox", name="Share my photo with the volunteer").is_checked()
        keys.tab_to_name("Call a volunteer")
        user.keyboard.press("Enter")
        wait_status(user, "Calling volunteers. Please wait.")
        assert focused_id(user) == "call-heading"

        # --- the volunteer hears the offer (role=alert) and accepts with the keyboard ---
        alert = volunteer.get_by_role("alert").filter(has_text="Call request in English")
        alert.wait_for(timeout=60_000)
        spoken = alert.inner_text()
        assert "A photo is shared." in spoken and "SLICED PEACHES" in spoken and "seconds to answer" in spoken
        assert_no_axe_violations(volunteer, "volunteer: incoming offer", results)
        vkeys.tab_to_name("Accept")
        volunteer.keyboard.press("Enter")
        volunteer.get_by_role("heading", name="In a call").wait_for()
        assert focused_id(volunteer) == "call-heading"  # focus moved into the call
        wait_status(volunteer, "You are in the call.")
        assert "SLICED PEACHES" in volunteer.get_by_role("img").get_attribute("alt", timeout=60_000)

        # --- the user is told who answered; focus is in the message box ---
        wait_status(user, "Connected to Kenji.")
        assert focused_id(user) == "message"
        keys.type("Hello, can you check the expiry date?")
        user.keyboard.press("Enter")
        tabs_to_first_message = keys.tabs
        wait_text(volunteer, "#transcript", "User: Hello, can you check the expiry date?")
        assert_no_axe_violations(user, "user: in a call", results)
        assert_no_axe_violations(volunteer, "volunteer: in a call", results)
        # The accessibility tree of each call, as a screen reader walks it.
        user_tree = user.locator("#call").aria_snapshot()
        volunteer_tree = volunteer.locator("#call").aria_snapshot()
        print("\nuser call tree:\n" + user_tree + "\nvolunteer call tree:\n" + volunteer_tree)
        for line in ('heading "Ask a volunteer"', 'log "Conversation"', 'textbox "Message"',
                     'button "Send"', 'button "End call"', "Connected to Kenji."):
            assert line in user_tree, line
        for line in ('heading "In a call"', 'img "The photo is blurry', 'log "Conversation"',
                     'textbox "Message"', 'button "Send"', 'button "End call"'):
            assert line in volunteer_tree, line

        vkeys.tab_to_id("message")
        vkeys.type("Sure, turn the can a little to the left.")
        volunteer.keyboard.press("Enter")
        wait_text(user, "#transcript", "Kenji: Sure, turn the can a little to the left.")

        # --- the volunteer's connection drops; the user writes meanwhile; it resumes ---
        accepted_before = proxy.accepted
        proxy.cut()
        wait_text(volunteer, "#connection", "Connection lost. Reconnecting…", timeout=60_000)
        assert volunteer.get_by_role("status").filter(has_text="Reconnecting").count() == 1
        keys.type("I turned it. Can you see it now?")
        user.keyboard.press("Enter")
        vkeys.type("One moment, my connection blinked.")  # focus is still in the box
        volunteer.keyboard.press("Enter")
        proxy.restore()
        wait_text(volunteer, "#connection", "Connected.", timeout=60_000)
        assert proxy.accepted > accepted_before
        wait_text(volunteer, "#transcript", "User: I turned it. Can you see it now?", timeout=60_000)
        wait_text(user, "#transcript", "Kenji: One moment, my connection blinked.", timeout=60_000)
        transcript = volunteer.locator("#transcript").inner_text()
        assert transcript.count("I turned it. Can you see it now?") == 1  # once, not replayed twice
        assert user.locator("#transcript").inner_text().count("One moment, my connection blinked.") == 1

        # --- the user ends the call; both rate ---
        keys.tab_to_name("End call")
        user.keyboard.press("Enter")
        wait_status(user, "The call has ended.")
        assert focused_id(user) == "rate-heading"
        wait_status(volunteer, "The call has ended.")
        assert focused_id(volunteer) == "after-heading"  # focus back out of the call
        assert_no_axe_violations(user, "user: after a call", results)
        assert_no_axe_violations(volunteer, "volunteer: after a call", results)
        screenshot(user, "e2e-user-after-call")

        keys.tab_to_name("Good")  # the checked radio of the group
        keys.tab_to_name("Send rating")
        user.keyboard.press("Enter")
        wait_status(user, "Thank you. Your rating was sent.")
        vkeys.tab_to_name("Good")
        volunteer.keyboard.press("ArrowDown")  # arrow keys move within a radio group
        assert volunteer.get_by_role("radio", name="There was a problem").is_checked()
        vkeys.tab_to_name("Send rating")
        volunteer.keyboard.press("Space")
        wait_status(volunteer, "Thank you. Your rating was sent.")

        for watch in watches:
            watch.assert_clean()
        print(f"\nsetup: {setup}")
        print(f"tab stops: {tabs_to_sign_in} to sign in, {tabs_to_first_message} from the sign-in "
              f"page to sending the first message; volunteer {vkeys.tabs} in all")
        print("axe violations per state:", results)
        assert tabs_to_first_message <= 25
    finally:
        user_context.close()
        volunteer_context.close()
        proxy.close()
