"""The accessible web clients (issue 8): static HTML, CSS and JavaScript modules, no build step.

- `/app/` — the blind user's web app (static/app/index.html);
- `/volunteer/` — the volunteer console (static/volunteer/index.html);
- `/web/…` — every static file (the pages load their modules and styles from here).

Both pages talk to the public API only (`/v1/auth`, `/v1/descriptions`,
`/v1/handoffs`, `/v1/ws`). The strict CSP of app/security_headers.py applies to
them: no inline scripts, handlers or styles. Structure and accessibility
decisions: docs/web-clients.md.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"


def install_web_clients(app: FastAPI) -> None:
    """Serve the two pages and their files; `/app` and `/volunteer` redirect to the slash form."""
    app.mount("/web", StaticFiles(directory=STATIC_DIR), name="web")
    app.mount("/app/", StaticFiles(directory=STATIC_DIR / "app", html=True), name="web-app")
    app.mount(
        "/volunteer/",
        StaticFiles(directory=STATIC_DIR / "volunteer", html=True),
        name="web-volunteer",
    )

    for page in ("app", "volunteer"):

        async def to_slash(page: str = page) -> RedirectResponse:
            return RedirectResponse(f"/{page}/", status_code=308)

        app.add_api_route(f"/{page}", to_slash, include_in_schema=False, methods=["GET"])
