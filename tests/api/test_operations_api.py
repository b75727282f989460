"""Health, readiness, metrics, OpenAPI and the error shape, over real HTTP."""

from __future__ import annotations

from live import LiveServer


def test_health_and_readiness(live_server: LiveServer) -> None:
    with live_server.client() as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": True, "rate_limit_store": True, "models": True}


def test_metrics_are_prometheus_text_without_user_content(live_server: LiveServer) -> None:
    with live_server.client() as client:
        client.get("/healthz")
        assert client.get("/metrics").status_code == 401  # behind SIGHTLINE_METRICS_TOKEN
        body = client.get(
            "/metrics", headers={"Authorization": f"Bearer {live_server.settings.metrics_token}"}
        ).text
    assert "sightline_http_requests_total" in body
    assert 'route="/healthz"' in body


def test_openapi_is_versioned_and_documents_the_api(live_server: LiveServer) -> None:
    with live_server.client() as client:
        spec = client.get("/v1/openapi.json").json()
    for path in ("/v1/descriptions", "/v1/descriptions/{description_id}/questions", "/v1/auth/token",
                 "/v1/auth/register", "/v1/auth/refresh", "/v1/auth/logout", "/v1/me"):
        assert path in spec["paths"]


def test_unknown_route_and_method_use_the_error_shape(live_server: LiveServer) -> None:
    with live_server.client() as client:
        missing = client.get("/v1/nothing-here")
        assert missing.status_code == 404
        assert missing.json() == {"error": "not_found", "detail": "Not found."}
        wrong_method = client.put("/healthz")
        assert wrong_method.status_code == 405
        assert set(wrong_method.json()) == {"error", "detail"}
