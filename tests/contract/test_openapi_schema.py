"""/v1/openapi.json documents every field and every error a route can answer, in the real shape."""

from __future__ import annotations

from typing import Any

import pytest
from live import LiveServer

# Routes whose 503 is a readiness report, not an ErrorBody.
READINESS = ("/readyz", "get")


@pytest.fixture(scope="module")
def spec(contract_server: LiveServer) -> dict[str, Any]:
    with contract_server.client() as client:
        response = client.get("/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(spec: dict[str, Any]):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_field_of_every_schema_is_described(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    undocumented = [
        f"{name}.{field}"
        for name, schema in schemas.items()
        for field, prop in schema.get("properties", {}).items()
        if not prop.get("description")
    ]
    assert undocumented == []
    fields = sum(len(schema.get("properties", {})) for schema in schemas.values())
    assert len(schemas) >= 25 and fields >= 100, (len(schemas), fields)


def test_the_description_contract_is_a_schema_with_examples(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    description = schemas["Description"]
    contract = {"text", "language", "text_read", "people", "quality", "safety", "backend"}
    assert contract <= set(description["properties"])
    assert contract <= set(description["required"]) | {"text_read", "people", "quality", "safety"}
    assert set(schemas["SafetyReport"]["properties"]) == {"refusal", "disclaimers", "redactions"}
    assert set(schemas["Quality"]["properties"]["issues"]["items"]["enum"]) == {
        "blurry", "too_dark", "too_bright", "glare", "cut_off", "rotated", "obstructed", "no_subject",
    }
    reasons = schemas["RefusalOut"]["properties"]["reason"]["enum"]
    assert set(reasons) == {"identity", "sensitive_trait", "ungrounded_inference", "captcha", "explicit", "illicit"}
    assert schemas["TextLineOut"]["properties"]["text"]["examples"]
    assert "models list" in schemas["BackendInfo"]["properties"]["models"]["description"]
    created = spec["paths"]["/v1/descriptions"]["post"]["responses"]["201"]
    assert created["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Description"}
    assert "text/event-stream" in created["content"], "the streaming option must stay documented"
    assert "StreamDelta" in schemas and "StreamDelta" in created["description"]


def test_no_route_documents_fastapis_default_validation_body(spec: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert "ValidationError" not in spec["components"]["schemas"]
    assert "HTTPValidationError" not in str(spec["paths"])


def test_every_error_response_is_the_error_body(spec: dict[str, Any]) -> None:
    for path, method, operation in operations(spec):
        for status, response in operation["responses"].items():
            if int(status) < 400 or (path, method) == READINESS:
                continue
            media = response["content"]["application/json"]
            assert media["schema"] == {"$ref": "#/components/schemas/ErrorBody"}, (path, method, status)
            for example in media["examples"].values():
                assert set(example["value"]) == {"error", "detail"}
            if status in ("429", "503"):
                assert "Retry-After" in response["headers"], (path, method, status)


def test_routes_list_the_errors_they_can_produce(spec: dict[str, Any]) -> None:
    def statuses(path: str, method: str) -> set[str]:
        return set(spec["paths"][path][method]["responses"])

    secured = [(p, m) for p, m, op in operations(spec) if op.get("security")]
    assert len(secured) >= 10
    for path, method in secured:
        assert "401" in statuses(path, method), (path, method)
    assert {"413", "415", "422", "503"} <= statuses("/v1/descriptions", "post")
    assert {"404"} <= statuses("/v1/descriptions/{description_id}", "get")
    assert {"409", "422", "429"} <= statuses("/v1/auth/register", "post")
    assert {"401", "429"} <= statuses("/v1/auth/token", "post")
    assert {"403", "409"} <= statuses("/v1/admin/accounts", "post")
    # A malformed path id is a 422 naming it (issue 13, class 1) ...
    assert "422" in statuses("/v1/descriptions/{description_id}", "get")
    # ... and a route with nothing to validate does not claim a 422.
    assert "422" not in statuses("/v1/me", "get")
