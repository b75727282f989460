"""Issue 13 class 2: rate limits that hold when X-Forwarded-For lies, against spraying and
distributed guessing, with hashed keys in Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from hardening_live import (
    Server,
    database,
    log_in,
    new_address,
    new_email,
    register,
    settings_for,
    start,
)


@pytest.fixture(scope="module")
def direct_server(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The API with no trusted proxy (the default): clients reach it directly."""
    tmp_path: Path = tmp_path_factory.mktemp(f"direct-{db_kind}")
    with database(db_kind, tmp_path) as overrides:
        server = start(settings_for(tmp_path, **overrides))
        yield server
        server.stop()


def test_rotating_x_forwarded_for_does_not_reset_the_login_limit(direct_server: Server) -> None:
    email = new_email()
    with direct_server.client() as client:
        assert register(client, email).status_code == 201
        statuses = [
            client.post(
                "/v1/auth/token",
                data={"username": email, "password": "wrong password"},
                headers={"X-Forwarded-For": f"203.0.113.{i}"},
            ).status_code
            for i in range(12)
        ]
    # login_rate_limit is 10 per address and account: the header changed nothing.
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]


def test_behind_the_proxy_a_client_supplied_prefix_is_ignored(proxied_server: Server) -> None:
    """nginx used to append: the client's own X-Forwarded-For came first. uvicorn's
    trusted-proxy rule takes the right-most untrusted entry, the address nginx saw."""
    email, _ = _account(proxied_server)
    real = new_address()
    with proxied_server.client() as client:
        statuses = [
            client.post(
                "/v1/auth/token",
                data={"username": email, "password": "wrong password"},
                headers={"X-Forwarded-For": f"203.0.113.{i}, {real}"},
            ).status_code
            for i in range(11)
        ]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    # A different client behind the same proxy is not limited by that.
    with proxied_server.client(address=new_address()) as other:
        assert other.post("/v1/auth/token", data={"username": email, "password": "x" * 9}).status_code == 401


def test_password_spraying_from_one_address_meets_429(proxied_server: Server) -> None:
    # The limit is per address whether or not the accounts exist (unknown ones cost a
    # dummy hash all the same), so the targets need not be registered.
    emails = [new_email() for _ in range(40)]
    sprayer = new_address()
    with proxied_server.client(address=sprayer) as client:
        statuses = [log_in(client, email, "Summer2024!").status_code for email in emails]
    # login_address_rate_limit: 30 per address across accounts.
    assert statuses[:30] == [401] * 30
    assert set(statuses[30:]) == {429}


def test_guessing_one_account_from_many_addresses_meets_429(proxied_server: Server) -> None:
    email, _ = _account(proxied_server)  # one login already counted
    statuses = []
    for _ in range(31):
        with proxied_server.client(address=new_address()) as client:
            statuses.append(log_in(client, email, "wrong password").status_code)
    # login_account_rate_limit: 30/hour per account across addresses.
    assert statuses[:29] == [401] * 29
    assert set(statuses[29:]) == {429}


def test_one_email_registered_from_many_addresses_meets_429(proxied_server: Server) -> None:
    email = new_email()
    statuses = []
    for _ in range(6):
        with proxied_server.client(address=new_address()) as client:
            statuses.append(register(client, email).status_code)
    # register_account_rate_limit: 5/hour per email.
    assert statuses == [201, 409, 409, 409, 409, 429]


def test_redis_holds_no_email_or_address(proxied_server: Server) -> None:
    if not proxied_server.settings.redis_url:
        pytest.skip("SQLite runs without Redis")
    email, _ = _account(proxied_server)
    address = new_address()
    with proxied_server.client(address=address) as client:
        log_in(client, email, "wrong password")
    store = redis.Redis.from_url(proxied_server.settings.redis_url)
    keys = [key.decode() for key in store.scan_iter(match=f"{proxied_server.settings.rate_limit_key_prefix}*")]
    assert keys, "the limits are not in Redis"
    local_part = email.split("@")[0]
    assert not [key for key in keys if local_part in key or address in key or "@" in key]


def _account(server: Server) -> tuple[str, str]:
    """Register and log in once from a fresh address; (email, access token)."""
    email = new_email()
    with server.client(address=new_address()) as client:
        assert register(client, email).status_code == 201
        reply = log_in(client, email)
        assert reply.status_code == 200, reply.text
        return email, reply.json()["access_token"]


def test_trusted_proxies_must_be_addresses() -> None:
    from app.settings import Settings

    assert Settings(env="test", trusted_proxies="10.0.0.0/8, ::1").trusted_proxies
    with pytest.raises(ValueError, match="not an address or CIDR range"):
        Settings(env="test", trusted_proxies="nginx")  # uvicorn would silently trust nobody
