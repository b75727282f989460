"""The shared photo: face-blurred, metadata-free, only to the two sides while active, then deleted;
the AI description's text as the summary."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from handoff_live import (
    Peer,
    Server,
    handoff_settings,
    new_user,
    new_volunteer,
    query,
    start_in_thread,
    unique_language,
)
from PIL import Image
from support import PHOTOS_DIR


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """This module's server keeps retained photos (a description's photo can be shared)."""
    live = start_in_thread(handoff_settings(tmp_path_factory.mktemp("handoff-photo"),
                                            retain_photos_hours=1.0))
    yield live
    live.stop()


def _photo_with_exif() -> bytes:
    """A real photo with EXIF (a camera make and a description) added."""
    with Image.open(PHOTOS_DIR / "VizWiz_test_00000001.jpg") as image:
        exif = Image.Exif()
        exif[0x010F] = "SecretCam"  # Make
        exif[0x010E] = "kitchen at 12 Example Street"  # ImageDescription
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="JPEG", exif=exif)
        return buffer.getvalue()


async def test_photo_sharing_lifecycle(server: Server) -> None:
    language = unique_language()
    user = await new_user(server, language)
    volunteer = await new_volunteer(server, language)
    bystander = await new_volunteer(server, language)
    volunteer_peer = await Peer.open(server, volunteer.token)
    await volunteer_peer.send({"type": "available"})
    original = _photo_with_exif()
    assert b"SecretCam" in original
    async with server.client(user.token) as client:
        created = await client.post("/v1/handoffs", data={"share_photo": "true", "language": language},
                                    files={"photo": ("p.jpg", original, "image/jpeg")})
        assert created.status_code == 201, created.text
        handoff_id = created.json()["id"]
        assert (await client.get(f"/v1/handoffs/{handoff_id}/photo")).status_code == 404  # ringing

    offer = await volunteer_peer.expect("offer", handoff_id=handoff_id)
    assert offer["photo"] is True
    async with server.client(volunteer.token) as client:  # rung, not accepted yet
        assert (await client.get(f"/v1/handoffs/{handoff_id}/photo")).status_code == 404
    await volunteer_peer.send({"type": "accept", "handoff_id": handoff_id})
    await volunteer_peer.expect("state", handoff_id=handoff_id, state="active")
    async with server.client(user.token) as client:
        own = await client.get(f"/v1/handoffs/{handoff_id}/photo")
        assert own.status_code == 200 and own.headers["content-type"] == "image/jpeg"
    shared = own.content
    assert b"SecretCam" not in shared and b"Exif" not in shared[:200]
    with Image.open(io.BytesIO(shared)) as image:
        assert not image.getexif() and "icc_profile" not in image.info
    async with server.client(volunteer.token) as client:
        seen = await client.get(f"/v1/handoffs/{handoff_id}/photo")
        assert seen.status_code == 200 and seen.content == shared
    async with server.client(bystander.token) as client:
        assert (await client.get(f"/v1/handoffs/{handoff_id}/photo")).status_code == 404

    await volunteer_peer.send({"type": "end", "handoff_id": handoff_id})
    await volunteer_peer.expect("state", handoff_id=handoff_id, state="ended")
    for token in (user.token, volunteer.token):
        async with server.client(token) as client:
            gone = await client.get(f"/v1/handoffs/{handoff_id}/photo")
            assert gone.status_code == 404 and gone.json()["error"] == "not_found"
    assert await query(server, "SELECT count(*) FROM handoff_photos WHERE handoff_id = :h", h=handoff_id) == [(0,)]
    await volunteer_peer.close()


async def test_a_description_gives_the_summary_and_its_retained_photo(server: Server) -> None:
    language = unique_language()
    user = await new_user(server, language)
    other = await new_user(server, language)
    volunteer = await new_volunteer(server, language)
    volunteer_peer = await Peer.open(server, volunteer.token)
    await volunteer_peer.send({"type": "available"})
    photo = _photo_with_exif()
    async with server.client(user.token) as client:
        described = await client.post("/v1/descriptions", files={"photo": ("p.jpg", photo, "image/jpeg")},
                                      data={"language": "en"})
        assert described.status_code in (200, 201), described.text
        description = described.json()
        assert description["photo_retained_until"]
        nothing = await client.post("/v1/handoffs", json={"share_photo": True, "language": language})
        assert nothing.status_code == 422 and nothing.json()["error"] == "validation_error"
    async with server.client(other.token) as client:
        stolen = await client.post("/v1/handoffs", json={"description_id": description["id"]})
        assert stolen.status_code == 404 and stolen.json()["error"] == "not_found"
    async with server.client(user.token) as client:
        created = await client.post("/v1/handoffs", json={"description_id": description["id"],
                                                          "language": language, "share_photo": True})
        assert created.status_code == 201, created.text
        handoff_id = created.json()["id"]
        body = (await client.get(f"/v1/handoffs/{handoff_id}")).json()
        assert body["summary"] == description["text"] and body["volunteer"] is None
    offer = await volunteer_peer.expect("offer", handoff_id=handoff_id)
    assert offer["summary"] == description["text"] and offer["photo"] is True
    await volunteer_peer.send({"type": "accept", "handoff_id": handoff_id})
    await volunteer_peer.expect("state", handoff_id=handoff_id, state="active")
    async with server.client(volunteer.token) as client:
        shared = await client.get(f"/v1/handoffs/{handoff_id}/photo")
        assert shared.status_code == 200 and b"SecretCam" not in shared.content
        with Image.open(io.BytesIO(shared.content)) as image:
            assert image.format == "JPEG" and not image.getexif()
    await volunteer_peer.send({"type": "end", "handoff_id": handoff_id})
    await volunteer_peer.expect("state", handoff_id=handoff_id, state="ended")
    async with server.client(user.token) as client:
        assert (await client.get(f"/v1/handoffs/{handoff_id}/photo")).status_code == 404
    assert await query(server, "SELECT count(*) FROM handoff_photos WHERE handoff_id = :h", h=handoff_id) == [(0,)]
    await volunteer_peer.close()
