"""Rows stored before a field existed still load: the models' defaults fill the gaps."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from live import LiveServer, register_and_log_in

from app.db import accounts_repo, descriptions_repo
from app.db.engine import create_engine, create_session_factory, transaction

# What an early version stored: no detail, colours, objects, fallback_from,
# photo_retained_until or faces; refusal and lines as they were.
OLD_RESULT = {
    "text": "A can. The label reads: PEACHES.",
    "language": "en",
    "text_read": [{"text": "PEACHES", "confidence": 0.91}],
    "people": {"count": 0},
    "quality": {"issues": ["cut_off"], "guidance": ["Move the phone back a little."]},
    "safety": {"refusal": None, "disclaimers": [], "redactions": []},
    "backend": {"name": "local", "models": ["opencv-haar-face"]},
}
OLD_ANALYSIS = {
    "width": 640,
    "height": 480,
    "text_lines": [{"text": "PEACHES", "confidence": 0.91}],
    "colours": [{"name": "orange", "fraction": 0.4}],
    "quality": {"issues": [{"kind": "cut_off", "score": 0.8, "guidance": "Move back."}]},
}


def test_an_old_description_row_is_served_and_can_be_asked_about(contract_server: LiveServer) -> None:
    account = register_and_log_in(contract_server)

    async def store_old_row() -> str:
        engine = create_engine(contract_server.settings.resolved_database_url)
        try:
            async with transaction(create_session_factory(engine)) as session:
                owner = await accounts_repo.get_account_by_email(session, email=account.email)
                assert owner is not None
                row = await descriptions_repo.add_description(
                    session, owner_id=owner.id, question=None, detail="brief", language="en",
                    result=OLD_RESULT, analysis=OLD_ANALYSIS,
                )
                row.created_at = datetime(2024, 1, 2, tzinfo=UTC)
                return row.id
        finally:
            await engine.dispose()

    description_id = asyncio.run(store_old_row())
    stored = account.client.get(f"/v1/descriptions/{description_id}")
    assert stored.status_code == 200, stored.text
    body = stored.json()
    assert body["detail"] == "brief"  # from the row's own column
    assert body["text_read"] == [{"text": "PEACHES", "confidence": 0.91}]
    assert body["people"] == {"count": 0, "faces": []}
    assert body["colours"] == [] and body["objects"] == []
    assert body["backend"]["fallback_from"] is None and body["photo_retained_until"] is None
    assert body["follow_ups"] == []
    history = account.client.get("/v1/descriptions").json()
    assert [item["id"] for item in history["items"]] == [description_id]

    follow_up = account.client.post(f"/v1/descriptions/{description_id}/questions",
                                    json={"question": "What does it say?"})
    assert follow_up.status_code == 201, follow_up.text
    assert "PEACHES" in follow_up.json()["text"].upper()
