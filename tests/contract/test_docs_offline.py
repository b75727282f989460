"""/v1/docs loads Swagger UI from this server only: no CDN, so it works offline."""

from __future__ import annotations

import re

from live import LiveServer


def test_docs_page_and_every_asset_it_names_load_from_our_server(contract_server: LiveServer) -> None:
    with contract_server.client() as client:
        page = client.get("/v1/docs")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        html = page.text
        assert "http://" not in html and "https://" not in html, "the page must not name another host"
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert {a.rsplit("/", 1)[-1] for a in assets} == {
            "swagger-ui.css", "favicon.png", "swagger-ui-bundle.js", "swagger-init.js"
        }
        for asset in assets:
            assert asset.startswith("/v1/docs/"), asset
            response = client.get(asset)
            assert response.status_code == 200, asset
            assert len(response.content) > 500, asset
        bundle = client.get(next(a for a in assets if a.endswith("bundle.js"))).text
        assert "SwaggerUIBundle" in bundle
        # Settings in a JSON data block read by swagger-init.js (no inline script: the CSP).
        assert '"url": "/v1/openapi.json"' in html
        assert client.get("/v1/docs/oauth2-redirect").status_code == 200
