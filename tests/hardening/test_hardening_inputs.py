"""Issue 13 class 1: input that reached the database unchecked answered 500 on PostgreSQL.

Every probe here got a 500 before app/schemas/fields.py (a NUL in text, an over-long
language tag, a path id with %00, a garbage cursor) or was stored wrongly (a blank
follow-up question). Now each is a 422 that names the field, on SQLite and PostgreSQL,
and nothing is stored."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
from hardening_live import PASSWORD, Server, log_in, new_account, new_address, new_email, register
from support import require_photos_dir

NUL = "\x00"


@pytest.fixture(scope="module")
def user(proxied_server: Server) -> Iterator[httpx.Client]:
    _, tokens = new_account(proxied_server)
    with proxied_server.client(tokens["access_token"], new_address()) as client:
        yield client


@pytest.fixture(scope="module")
def description_id(user: httpx.Client) -> str:
    photo = require_photos_dir() / "VizWiz_test_00000046.jpg"
    reply = user.post("/v1/descriptions", files={"photo": (photo.name, photo.read_bytes(), "image/jpeg")})
    assert reply.status_code == 201, reply.text
    return str(reply.json()["id"])


def assert_invalid(reply: httpx.Response, field: str) -> None:
    assert reply.status_code == 422, (reply.status_code, reply.text)
    body = reply.json()
    assert body["error"] == "validation_error"
    assert field in body["detail"], body


def test_nul_in_account_fields_is_422(proxied_server: Server) -> None:
    with proxied_server.client(address=new_address()) as client:
        assert_invalid(register(client, email=f"a{NUL}b@example.org"), "email")
        assert_invalid(register(client, password=f"long enough{NUL}password"), "password")
        assert_invalid(log_in(client, f"a{NUL}@example.org"), "username")
        assert_invalid(log_in(client, new_email(), f"pass{NUL}word"), "password")
        assert_invalid(client.post("/v1/auth/refresh", json={"refresh_token": f"x{NUL}y"}),
                       "refresh_token")
        # A lone surrogate is valid JSON but not text any database can hold.
        raw = b'{"email": "a\\ud800@example.org", "password": "%s"}' % PASSWORD.encode()
        reply = client.post("/v1/auth/register", content=raw,
                            headers={"content-type": "application/json"})
        assert_invalid(reply, "email")


def test_language_tags_are_bcp47_and_fit_the_column(proxied_server: Server) -> None:
    with proxied_server.client(address=new_address()) as client:
        assert_invalid(register(client, languages=["e" * 65]), "languages")
        assert_invalid(register(client, languages=[f"en-{NUL}"]), "languages")
        # Eight well-formed tags of 12 characters join to 103 > 64 (the column).
        long_tags = [f"abc-defgh{i:03d}" for i in range(8)]
        assert_invalid(register(client, languages=long_tags), "languages")
        assert_invalid(register(client, languages=[]), "languages")
        ok = register(client, languages=["en", "ja-JP", "EN"])
        assert ok.status_code == 201, ok.text
        assert ok.json()["languages"] == ["en", "ja-JP"]


def test_nul_in_description_text_is_422_and_nothing_is_stored(
    user: httpx.Client, description_id: str
) -> None:
    photo = require_photos_dir() / "VizWiz_test_00000046.jpg"
    files = {"photo": (photo.name, photo.read_bytes(), "image/jpeg")}
    before = len(user.get("/v1/descriptions", params={"limit": 100}).json()["items"])
    assert_invalid(user.post("/v1/descriptions", files=files, data={"question": f"what{NUL}"}),
                   "question")
    assert_invalid(user.post("/v1/descriptions", files=files, data={"language": "x" * 36}),
                   "language")
    assert_invalid(user.post("/v1/descriptions", files=files,
                             headers={"Idempotency-Key": "key with spaces"}), "idempotency-key")
    assert_invalid(user.post(f"/v1/descriptions/{description_id}/questions",
                             json={"question": f"and{NUL}this?"}), "question")
    assert_invalid(user.post(f"/v1/descriptions/{description_id}/feedback",
                             json={"rating": "wrong", "comment": f"no{NUL}"}), "comment")
    assert len(user.get("/v1/descriptions", params={"limit": 100}).json()["items"]) == before
    turns = user.get(f"/v1/descriptions/{description_id}").json()["follow_ups"]
    assert turns == []


def test_a_blank_follow_up_is_422_not_stored_empty(user: httpx.Client, description_id: str) -> None:
    for blank in ("", "   ", "\n\t  \r\n"):
        assert_invalid(user.post(f"/v1/descriptions/{description_id}/questions",
                                 json={"question": blank}), "question")
    assert user.get(f"/v1/descriptions/{description_id}").json()["follow_ups"] == []


@pytest.mark.parametrize("bad_id", ["%00", "abc%00def", "not-a-uuid", "0" * 37,
                                    "00000000-0000-0000-0000-00000000000%00"])
def test_a_malformed_path_id_is_422_never_a_query(user: httpx.Client, bad_id: str) -> None:
    path = f"/v1/descriptions/{bad_id}"
    assert_invalid(user.get(path), "description_id")
    assert_invalid(user.delete(path), "description_id")
    assert_invalid(user.post(f"{path}/questions", json={"question": "What is it?"}), "description_id")
    assert_invalid(user.post(f"{path}/feedback", json={"rating": "helpful"}), "description_id")


def test_an_unknown_well_formed_id_is_still_404(user: httpx.Client) -> None:
    assert user.get("/v1/descriptions/00000000-0000-0000-0000-000000000000").status_code == 404


def b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%not-a-cursor",
        "AAAA",
        b64("no separator"),
        b64("2026-01-01T00:00:00|00000000-0000-0000-0000-000000000000"),  # naive time
        b64("2026-01-01T00:00:00+00:00|abc\x00"),  # id with NUL
        b64("2026-13-01T00:00:00+00:00|00000000-0000-0000-0000-000000000000"),
        b64("0001-01-01T00:00:00+05:00|00000000-0000-0000-0000-000000000000"),  # before year 1
        base64.urlsafe_b64encode(b"\xff\xfe|x").decode(),
        "123.not-a-uuid",
        "12345678901234567.00000000-0000-0000-0000-000000000000",  # past year 2286
        "-1.00000000-0000-0000-0000-000000000000",
        "1.00000000-0000-0000-0000-000000000000%00",
    ],
)
def test_a_garbage_cursor_is_422(user: httpx.Client, cursor: str) -> None:
    assert_invalid(user.get("/v1/descriptions", params={"cursor": cursor}), "cursor")


def test_real_cursors_still_page(user: httpx.Client, description_id: str) -> None:
    photo = require_photos_dir() / "VizWiz_test_00000046.jpg"
    reply = user.post("/v1/descriptions", files={"photo": (photo.name, photo.read_bytes(), "image/jpeg")})
    assert reply.status_code == 201
    first = user.get("/v1/descriptions", params={"limit": 1}).json()
    assert first["next_cursor"]
    second = user.get("/v1/descriptions", params={"limit": 1, "cursor": first["next_cursor"]})
    assert second.status_code == 200, second.text
    assert second.json()["items"][0]["id"] != first["items"][0]["id"]


def test_every_string_a_client_sends_is_bounded_and_patterned() -> None:
    """The guard that keeps the class closed: every string in a request (path, query,
    header, body, form) has a maximum length and a pattern, or is an enum or a file."""
    from app.main import create_app
    from app.settings import Settings

    spec = create_app(Settings(env="test")).openapi()
    components = spec["components"]["schemas"]

    def strings(schema: dict, where: str) -> Iterator[tuple[str, dict]]:
        if "$ref" in schema:
            yield from strings(components[schema["$ref"].rsplit("/", 1)[-1]], where)
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for each in schema.get(key, []):
                yield from strings(each, where)
        if schema.get("type") == "string":
            yield where, schema
        if schema.get("type") == "array":
            yield from strings(schema.get("items", {}), f"{where}[]")
        for name, prop in schema.get("properties", {}).items():
            yield from strings(prop, f"{where}.{name}")

    checked = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            found = [
                item for parameter in operation.get("parameters", [])
                for item in strings(parameter["schema"], f"{method} {path} {parameter['name']}")
            ]
            for content in operation.get("requestBody", {}).get("content", {}).values():
                found += strings(content["schema"], f"{method} {path} body")
            for where, schema in found:
                if "enum" in schema or "const" in schema or "contentMediaType" in schema:
                    continue
                checked.append(where)
                assert "maxLength" in schema and "pattern" in schema, (where, schema)
    assert len(checked) >= 15, checked
