"""The OpenAPI document and the interactive docs, served without any CDN.

Swagger UI's JavaScript and CSS come from the `fastapi-standalone-docs` wheel
(MIT; it vendors swagger-ui-dist, Apache-2.0, with its licence file), so
`/v1/docs` works on a machine without internet.
"""

from __future__ import annotations

import html
import json
import re
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_oauth2_redirect_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from app.schemas.descriptions import StreamDelta

OPENAPI_URL = "/v1/openapi.json"
DOCS_URL = "/v1/docs"
_ASSETS_URL = f"{DOCS_URL}/assets"
_ICON_URL = f"{DOCS_URL}/icon"
# FastAPI's own validation-error schemas: never sent (our 422 is an ErrorBody).
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def install_openapi(app: FastAPI) -> None:
    """Serve the OpenAPI document with FastAPI's default 422 body removed: routes
    that can answer 422 list it themselves (`error_responses`) with the real body."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            _drop_default_validation_errors(schema)
            _mark_binary_uploads(schema)
            # Server-sent events are not JSON bodies, so FastAPI cannot reference their
            # data model itself; the 201 description of POST /v1/descriptions names it.
            schema["components"]["schemas"]["StreamDelta"] = StreamDelta.model_json_schema()
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _drop_default_validation_errors(schema: dict[str, Any]) -> None:
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            response = operation.get("responses", {}).get("422")
            if response is not None and "HTTPValidationError" in str(response.get("content")):
                del operation["responses"]["422"]
    components = schema.get("components", {}).get("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        components.pop(name, None)


def _mark_binary_uploads(schema: dict[str, Any]) -> None:
    """Add `format: binary` to uploaded files: OpenAPI 3.1 says `contentMediaType`
    only, and client generators (openapi-python-client among them) look for the
    3.0 marker to send a file rather than a string."""
    for component in schema.get("components", {}).get("schemas", {}).values():
        for prop in component.get("properties", {}).values():
            if prop.get("type") == "string" and "contentMediaType" in prop:
                prop.setdefault("format", "binary")


def operation_id(route: APIRoute) -> str:
    """Operation ids are the route functions' names (`create_description`), which
    become the method names of generated clients."""
    return route.name


def install_offline_docs(app: FastAPI) -> None:
    """Swagger UI at `/v1/docs`, its assets served by this server.

    The page has no inline script (its CSP is `script-src 'self'`, docs/security.md):
    Swagger UI is started by `docs_assets/swagger-init.js`, which reads its settings
    from a JSON data block; the OAuth2 redirect page's script is served as a file too."""
    static = files("fastapi_standalone_docs") / "static"
    app.mount(_ASSETS_URL, StaticFiles(directory=str(static / "swagger")), name="docs-assets")
    app.mount(_ICON_URL, StaticFiles(directory=str(static / "fastapi")), name="docs-icon")
    app.mount(_INIT_URL, StaticFiles(directory=str(files("app.api") / "docs_assets")),
              name="docs-init")
    redirect_url = f"{DOCS_URL}/oauth2-redirect"
    redirect_script = _script_of(bytes(get_swagger_ui_oauth2_redirect_html().body).decode())

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        config = {
            "url": root + OPENAPI_URL,
            "layout": "BaseLayout",
            "deepLinking": True,
            "showExtensions": True,
            "showCommonExtensions": True,
            # No online validator badge: it would call a third-party server.
            "validatorUrl": None,
            "oauth2RedirectPath": root + redirect_url,
        }
        return HTMLResponse(
            _DOCS_PAGE.format(
                title=html.escape(f"{app.title} API"),
                css=html.escape(f"{root}{_ASSETS_URL}/swagger-ui.css"),
                icon=html.escape(f"{root}{_ICON_URL}/favicon.png"),
                bundle=html.escape(f"{root}{_ASSETS_URL}/swagger-ui-bundle.js"),
                init=html.escape(f"{root}{_INIT_URL}/swagger-init.js"),
                # `<` escaped: the block cannot be closed from inside the data.
                config=json.dumps(config).replace("<", "\\u003c"),
            )
        )

    @app.get(redirect_url, include_in_schema=False)
    async def swagger_ui_redirect(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return HTMLResponse(_REDIRECT_PAGE.format(script=html.escape(f"{root}{redirect_url}.js")))

    @app.get(f"{redirect_url}.js", include_in_schema=False)
    async def swagger_ui_redirect_script() -> Response:
        return Response(redirect_script, media_type="text/javascript")


_INIT_URL = f"{DOCS_URL}/init"
_DOCS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link type="text/css" rel="stylesheet" href="{css}">
<link rel="icon" href="{icon}">
<title>{title}</title>
</head>
<body>
<div id="swagger-ui"></div>
<script type="application/json" id="swagger-config">{config}</script>
<script src="{bundle}"></script>
<script src="{init}"></script>
</body>
</html>
"""
_REDIRECT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Swagger UI: OAuth2 Redirect</title></head>
<body><script src="{script}"></script></body>
</html>
"""


def _script_of(page: str) -> str:
    """The inline script of FastAPI's OAuth2 redirect page, to be served as a file."""
    match = re.search(r"<script>(.*?)</script>", page, re.DOTALL)
    return match.group(1) if match else ""
