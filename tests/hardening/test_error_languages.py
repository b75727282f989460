"""Issue 11 leftover: error details are said in the request's language. Every error of
app/errors.py and the API's own answers (422 fields, 404, 405, 500, 503) and the photo
decoding messages of app/ingest.py come from the catalogues, in English and Japanese;
before, they were English whatever `Accept-Language` said."""

from __future__ import annotations

import httpx
import pytest
from hardening_live import Server, new_account, new_address

from app import errors
from app.ingest import MSG_DAMAGED, MSG_EMPTY, MSG_TRUNCATED
from models.language import current_languages, message

ERROR_CLASSES = [
    cls for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, errors.SightlineError)
]


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_every_error_has_english_and_japanese(cls: type[errors.SightlineError]) -> None:
    assert cls.message_key, cls
    error = cls()
    assert error.detail == cls.default_detail  # the English is unchanged
    japanese = error.localized("ja")
    assert japanese != error.detail and japanese.endswith("。"), japanese
    assert cls.message_key in {e.key for e in current_languages().catalogue("ja").entries()}


def test_the_photo_messages_are_the_catalogues() -> None:
    from app.auth.service import EMAIL_TAKEN_DETAIL
    from app.ingest_pool import MSG_BUSY

    assert message("error.email_taken", language="en") == EMAIL_TAKEN_DETAIL
    assert message("error.busy_photos", language="en") == MSG_BUSY
    assert message("error.photo.empty", language="en") == MSG_EMPTY
    assert message("error.photo.truncated", language="en") == MSG_TRUNCATED
    assert message("error.photo.damaged", language="en") == MSG_DAMAGED


def test_the_api_answers_errors_in_the_requested_language(proxied_server: Server) -> None:
    _, tokens = new_account(proxied_server)
    japanese = {"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.5"}
    missing = "/v1/descriptions/00000000-0000-0000-0000-000000000000"
    with proxied_server.client(tokens["access_token"], new_address()) as user:
        cases: list[tuple[httpx.Response, httpx.Response, str]] = [
            (user.get(missing, headers=japanese), user.get(missing), "No such description."),
            (user.get("/v1/descriptions/x", headers=japanese), user.get("/v1/descriptions/x"),
             "Missing or invalid fields: description_id."),
            (user.put("/v1/descriptions", headers=japanese), user.put("/v1/descriptions"),
             "This method is not allowed here."),
            (user.post("/v1/descriptions", headers=japanese, files={"photo": ("p.jpg", b"", "image/jpeg")}),
             user.post("/v1/descriptions", files={"photo": ("p.jpg", b"", "image/jpeg")}), MSG_EMPTY),
        ]
    email, _ = new_account(proxied_server)
    with proxied_server.client(address=new_address()) as anonymous:
        cases.append((anonymous.get("/v1/me", headers=japanese), anonymous.get("/v1/me"),
                      "Sign in to continue."))
        taken = {"email": email, "password": "another long passphrase here"}
        cases.append((anonymous.post("/v1/auth/register", json=taken, headers=japanese),
                      anonymous.post("/v1/auth/register", json=taken),
                      message("error.email_taken", language="en")))
        wrong = {"username": email, "password": "not the password at all"}
        cases.append((anonymous.post("/v1/auth/token", data=wrong, headers=japanese),
                      anonymous.post("/v1/auth/token", data=wrong),
                      "The email or password is incorrect."))
    for in_japanese, in_english, english in cases:
        assert in_english.json()["detail"] == english
        assert in_japanese.status_code == in_english.status_code
        detail = in_japanese.json()["detail"]
        assert detail != english and detail.endswith("。"), detail
        assert in_japanese.json()["error"] == in_english.json()["error"]
