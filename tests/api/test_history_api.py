"""Follow-ups, history, delete, feedback, ownership and account erasure over real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from live import Account, LiveServer
from photos import LABEL_PHOTO, files, shared_photo, small_jpeg


def describe(account: Account, photo: bytes | None = None, question: str | None = None) -> dict:
    data = {"question": question} if question else {}
    response = account.client.post("/v1/descriptions", files=files(photo or small_jpeg()), data=data)
    assert response.status_code == 201, response.text
    return response.json()


def test_follow_up_is_answered_from_the_same_photo(user: Account) -> None:
    first = describe(user, shared_photo(LABEL_PHOTO), "What is this?")
    follow_up = user.client.post(f"/v1/descriptions/{first['id']}/questions", json={"question": "What does the label say?"})
    assert follow_up.status_code == 201
    body = follow_up.json()
    assert body["description_id"] == first["id"]
    assert "PEACHES" in " ".join(line["text"] for line in body["text_read"]).upper()
    stored = user.client.get(f"/v1/descriptions/{first['id']}").json()
    assert [turn["question"] for turn in stored["follow_ups"]] == ["What does the label say?"]


def test_history_is_paginated_newest_first(user: Account) -> None:
    ids = [describe(user)["id"] for _ in range(3)]
    first_page = user.client.get("/v1/descriptions", params={"limit": 2}).json()
    assert [item["id"] for item in first_page["items"]] == ids[::-1][:2]
    assert first_page["next_cursor"]
    second_page = user.client.get("/v1/descriptions", params={"limit": 2, "cursor": first_page["next_cursor"]}).json()
    assert [item["id"] for item in second_page["items"]] == [ids[0]]
    assert second_page["next_cursor"] is None
    bad = user.client.get("/v1/descriptions", params={"cursor": "%%%not-a-cursor"})
    assert bad.status_code == 422


def test_delete_removes_the_description(user: Account) -> None:
    description = describe(user)
    assert user.client.delete(f"/v1/descriptions/{description['id']}").status_code == 204
    assert user.client.get(f"/v1/descriptions/{description['id']}").status_code == 404
    assert user.client.delete(f"/v1/descriptions/{description['id']}").status_code == 404


def test_feedback_is_recorded_and_validated(user: Account) -> None:
    description = describe(user)
    ok = user.client.post(f"/v1/descriptions/{description['id']}/feedback",
                          json={"rating": "wrong", "category": "wrong_text", "comment": "It misread the date."})
    assert ok.status_code == 201
    assert ok.json()["rating"] == "wrong"
    bad = user.client.post(f"/v1/descriptions/{description['id']}/feedback", json={"rating": "meh"})
    assert bad.status_code == 422


OWNED_ENDPOINTS = [
    ("GET", "/v1/descriptions/{id}", None),
    ("DELETE", "/v1/descriptions/{id}", None),
    ("POST", "/v1/descriptions/{id}/questions", {"question": "What colour is it?"}),
    ("POST", "/v1/descriptions/{id}/feedback", {"rating": "helpful"}),
]


@pytest.mark.parametrize(("method", "path", "body"), OWNED_ENDPOINTS)
def test_another_users_description_is_404_on_every_endpoint(
    user: Account, other_user: Account, method: str, path: str, body: dict | None
) -> None:
    description = describe(user)
    url = path.format(id=description["id"])
    response = other_user.client.request(method, url, json=body)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    # the owner still has it, untouched
    assert user.client.get(f"/v1/descriptions/{description['id']}").status_code == 200
    assert description["id"] not in [item["id"] for item in other_user.client.get("/v1/descriptions").json()["items"]]


def test_unknown_description_is_404(user: Account) -> None:
    assert user.client.get("/v1/descriptions/00000000-0000-0000-0000-000000000000").status_code == 404


def test_delete_me_erases_rows_and_photos(user: Account, live_server: LiveServer) -> None:
    description = describe(user, shared_photo(LABEL_PHOTO))
    photo_path = Path(live_server.settings.photos_dir) / f"{description['id']}.jpg"
    retained = live_server.settings.retain_photos_hours is not None
    assert photo_path.exists() == retained
    assert user.client.delete("/v1/me").status_code == 204
    assert not photo_path.exists()
    assert user.client.get("/v1/me").status_code == 401
    with live_server.client() as client:
        login = client.post("/v1/auth/token", data={"username": user.email, "password": user.password})
        assert login.status_code == 401
