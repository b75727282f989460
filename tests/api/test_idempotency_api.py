"""Idempotency-Key: retries from a flaky connection get the same description, run once."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from live import Account, LiveServer
from photos import files, small_jpeg


def post(account: Account, key: str, photo: bytes, question: str = "what colour is this?"):
    return account.client.post("/v1/descriptions", files=files(photo), data={"question": question},
                               headers={"Idempotency-Key": key})


def history_ids(account: Account) -> list[str]:
    return [item["id"] for item in account.client.get("/v1/descriptions", params={"limit": 100}).json()["items"]]


def test_same_key_and_body_replays_the_same_description(user: Account) -> None:
    key, photo = str(uuid.uuid4()), small_jpeg()
    first = post(user, key, photo)
    second = post(user, key, photo)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json()["id"] == first.json()["id"]
    assert history_ids(user) == [first.json()["id"]]


def test_same_key_with_a_different_body_is_422(user: Account) -> None:
    key = str(uuid.uuid4())
    assert post(user, key, small_jpeg()).status_code == 201
    response = post(user, key, small_jpeg((10, 200, 10)))
    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_reused"


def test_keys_are_per_account(user: Account, other_user: Account) -> None:
    key, photo = str(uuid.uuid4()), small_jpeg()
    mine, theirs = post(user, key, photo), post(other_user, key, photo)
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


def test_concurrent_duplicates_run_the_pipeline_once(user: Account, live_server: LiveServer) -> None:
    key, photo = str(uuid.uuid4()), small_jpeg((20, 20, 200))

    def send(_: int):
        with live_server.client(user.access_token) as client:
            return client.post("/v1/descriptions", files=files(photo), data={"question": "what colour is this?"},
                               headers={"Idempotency-Key": key})

    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(send, range(4)))
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert len(history_ids(user)) == 1


def test_a_failed_request_releases_its_key(user: Account) -> None:
    key = str(uuid.uuid4())
    assert post(user, key, b"\xff\xd8\xffnot a jpeg").status_code == 422
    assert post(user, key, small_jpeg()).status_code == 201


def test_a_claim_abandoned_by_a_dead_process_can_be_retried(user: Account, live_server: LiveServer) -> None:
    import asyncio
    from datetime import UTC, datetime, timedelta

    from app.db import accounts_repo, descriptions_repo
    from app.db.engine import create_engine, create_session_factory, transaction
    from app.describe.service import request_fingerprint

    key, photo = str(uuid.uuid4()), small_jpeg((1, 2, 3))

    async def leave_a_stale_claim() -> None:
        engine = create_engine(live_server.settings.resolved_database_url)
        async with transaction(create_session_factory(engine)) as session:
            account = await accounts_repo.get_account_by_email(session, email=user.email)
            assert account is not None
            record = await descriptions_repo.add_idempotency_record(
                session, owner_id=account.id, key=key,
                request_hash=request_fingerprint(photo=photo, question="what colour is this?", detail="standard", language="en"),
                expires_at=datetime.now(UTC) + timedelta(hours=24),
            )
            record.created_at = datetime.now(UTC) - timedelta(minutes=10)
        await engine.dispose()

    asyncio.run(leave_a_stale_claim())
    response = post(user, key, photo)
    assert response.status_code == 201
