"""What the browser tests check on every screen: axe-core (WCAG 2.x A/AA), console errors
(CSP refusals) and screenshots."""

from __future__ import annotations

from pathlib import Path

from web_live import AXE_JS, WCAG_TAGS

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "var" / "web"


class PageWatch:
    """Console errors (CSP refusals, uncaught exceptions) seen on a page."""

    def __init__(self, page: object) -> None:
        self.errors: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def assert_clean(self) -> None:
        """No CSP violation and no script error happened. Network errors are expected in some
        steps (a 401 for a wrong password; refused reconnects while a test cuts the line)."""
        expected = ("Failed to load resource", "WebSocket connection to")
        bad = [e for e in self.errors if not any(text in e for text in expected)]
        assert bad == [], bad


def axe_violations(page: object) -> list[dict]:
    """Run axe-core's WCAG 2.x A/AA rules on the page as it is now. The script is evaluated
    through the DevTools protocol, so the page's strict CSP stays on."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
        }""",
        WCAG_TAGS,
    )


def assert_no_axe_violations(page: object, state: str, record: dict[str, int] | None = None) -> None:
    """0 violations, or fail with each rule and node."""
    violations = axe_violations(page)
    if record is not None:
        record[state] = len(violations)
    assert violations == [], f"axe violations in state {state!r}: {violations}"


def screenshot(page: object, name: str) -> Path:
    """Save a full-page PNG under var/web/ (not committed; a CI artifact)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
