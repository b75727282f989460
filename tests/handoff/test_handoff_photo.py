"""The shared photo: face-blurred, metadata-free, only to the two sides while active, then deleted;
the AI description's text as the summary."""

from __future__ import annotations

import io

from handoff_live import Peer, Server, new_user, new_volunteer, query, unique_language
from PIL import Image
from support import PHOTOS_DIR


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
        own = await client.get(f"/v1/handoffs/{handoff_id}/photo")
        assert own.status_code == 200 and own.headers["content-type"] == "image/jpeg"
    shared = own.content
    assert b"SecretCam" not in shared and b"Exif" not in shared[:200]
    with Image.open(io.BytesIO(shared)) as image:
        assert not image.getexif() and "icc_profile" not in image.info

    offer = await volunteer_peer.expect("offer", handoff_id=handoff_id)
    assert offer["photo"] is True
    async with server.client(volunteer.token) as client:  # rung, not accepted yet
        assert (await client.get(f"/v1/handoffs/{handoff_id}/photo")).status_code == 404
    await volunteer_peer.send({"type": "accept", "handoff_id": handoff_id})
    await volunteer_peer.expect("state", handoff_id=handoff_id, state="active")
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


async def test_a_description_gives_the_summary_and_must_be_ones_own(server: Server) -> None:
    language = unique_language()
    user = await new_user(server, language)
    other = await new_user(server, language)
    volunteer = await new_volunteer(server, language)
    volunteer_peer = await Peer.open(server, volunteer.token)
    await volunteer_peer.send({"type": "available"})
    photo = (PHOTOS_DIR / "VizWiz_test_00000002.jpg").read_bytes()
    async with server.client(user.token) as client:
        described = await client.post("/v1/descriptions", files={"photo": ("p.jpg", photo, "image/jpeg")},
                                      data={"language": "en"})
        assert described.status_code in (200, 201), described.text
        description = described.json()
    async with server.client(other.token) as client:
        stolen = await client.post("/v1/handoffs", json={"description_id": description["id"]})
        assert stolen.status_code == 404 and stolen.json()["error"] == "not_found"
    async with server.client(user.token) as client:
        # Retention is off on this server: there is no photo to share.
        no_photo = await client.post("/v1/handoffs", json={"description_id": description["id"],
                                                           "share_photo": True})
        assert no_photo.status_code == 422 and no_photo.json()["error"] == "validation_error"
        created = await client.post("/v1/handoffs", json={"description_id": description["id"],
                                                          "language": language})
        assert created.status_code == 201
        handoff_id = created.json()["id"]
        body = (await client.get(f"/v1/handoffs/{handoff_id}")).json()
        assert body["summary"] == description["text"] and body["volunteer"] is None
    offer = await volunteer_peer.expect("offer", handoff_id=handoff_id)
    assert offer["summary"] == description["text"] and offer["photo"] is False
    async with server.client(user.token) as client:
        await client.post(f"/v1/handoffs/{handoff_id}/cancel")
    await volunteer_peer.close()
