"""Accounts and tokens over real HTTP: register, log in, refresh, log out, roles, rate limits."""

from __future__ import annotations

import uuid

from live import LiveServer, register_and_log_in


def test_register_then_log_in_and_read_me(live_server: LiveServer) -> None:
    account = register_and_log_in(live_server)
    me = account.client.get("/v1/me")
    assert me.status_code == 200
    assert me.json()["email"] == account.email
    assert me.json()["role"] == "user"


def test_register_refuses_duplicates_and_bad_input(live_server: LiveServer) -> None:
    account = register_and_log_in(live_server)
    with live_server.client() as client:
        again = client.post("/v1/auth/register", json={"email": account.email.upper(), "password": "another password"})
        assert again.status_code == 409
        assert again.json()["error"] == "conflict"
        bad_email = client.post("/v1/auth/register", json={"email": "not-an-email", "password": "long enough"})
        assert bad_email.status_code == 422
        short = client.post("/v1/auth/register", json={"email": f"{uuid.uuid4().hex}@example.org", "password": "short"})
        assert short.status_code == 422
        assert set(short.json()) == {"error", "detail"}


def test_wrong_password_and_unknown_account_get_the_same_answer(live_server: LiveServer) -> None:
    account = register_and_log_in(live_server)
    with live_server.client() as client:
        wrong = client.post("/v1/auth/token", data={"username": account.email, "password": "wrong password"})
        unknown = client.post("/v1/auth/token", data={"username": f"nobody-{uuid.uuid4().hex}@example.org",
                                                       "password": "wrong password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_refresh_rotates_and_the_old_refresh_token_stops_working(live_server: LiveServer) -> None:
    account = register_and_log_in(live_server)
    with live_server.client() as client:
        first = client.post("/v1/auth/refresh", json={"refresh_token": account.refresh_token})
        assert first.status_code == 200
        new_pair = first.json()
        assert new_pair["refresh_token"] != account.refresh_token
        with live_server.client(new_pair["access_token"]) as rotated:
            assert rotated.get("/v1/me").status_code == 200
        replay = client.post("/v1/auth/refresh", json={"refresh_token": account.refresh_token})
        assert replay.status_code == 401
    # Reuse of a rotated token ends the whole login (issue 13; tests/hardening has the rest).
    with live_server.client(new_pair["access_token"]) as client:
        assert client.get("/v1/me").status_code == 401


def test_logout_revokes_access_and_refresh_tokens(live_server: LiveServer) -> None:
    account = register_and_log_in(live_server)
    assert account.client.post("/v1/auth/logout").status_code == 204
    assert account.client.get("/v1/me").status_code == 401
    with live_server.client() as client:
        assert client.post("/v1/auth/refresh", json={"refresh_token": account.refresh_token}).status_code == 401


def test_requests_without_or_with_a_forged_token_are_refused(live_server: LiveServer) -> None:
    with live_server.client() as client:
        missing = client.get("/v1/descriptions")
        assert missing.status_code == 401
        assert missing.json()["error"] == "not_authenticated"
    with live_server.client("not-a-jwt") as client:
        assert client.get("/v1/descriptions").status_code == 401


def test_login_is_rate_limited_per_address_and_account(live_server: LiveServer) -> None:
    account = register_and_log_in(live_server)  # one login already counted
    with live_server.client() as client:
        statuses = [
            client.post("/v1/auth/token", data={"username": account.email, "password": "wrong password"}).status_code
            for _ in range(10)
        ]
    assert statuses[:9] == [401] * 9
    assert statuses[9] == 429


def test_only_admins_create_volunteers(live_server: LiveServer) -> None:
    account = register_and_log_in(live_server)
    body = {"email": f"vol-{uuid.uuid4().hex[:8]}@example.org", "password": "volunteer password",
            "role": "volunteer", "languages": ["en", "ja"]}
    refused = account.client.post("/v1/admin/accounts", json=body)
    assert refused.status_code == 403
    admin = _make_admin(live_server)
    created = admin.post("/v1/admin/accounts", json=body)
    assert created.status_code == 201
    assert created.json()["role"] == "volunteer"
    assert created.json()["languages"] == ["en", "ja"]


def _make_admin(live_server: LiveServer):
    import asyncio

    from app.auth.passwords import PasswordService
    from app.auth.service import create_account
    from app.db.engine import create_engine, create_session_factory, transaction

    email, password = f"admin-{uuid.uuid4().hex[:8]}@example.org", "admin password long"

    async def create() -> None:
        engine = create_engine(live_server.settings.resolved_database_url)
        async with transaction(create_session_factory(engine)) as session:
            await create_account(session=session, passwords=PasswordService(), email=email, password=password,
                                 role="admin")
        await engine.dispose()

    asyncio.run(create())
    with live_server.client() as client:
        token = client.post("/v1/auth/token", data={"username": email, "password": password}).json()["access_token"]
    return live_server.client(token)
