"""A typed client generated from /v1/openapi.json (openapi-python-client) talks to a real server:
register, token, describe a real photo, history, follow-up, feedback, and a typed error."""

from __future__ import annotations

import importlib
import io
import json
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from live import LiveServer
from photos import LABEL_PHOTO, shared_photo

PACKAGE = "sightline_generated_client"


def _generator() -> str:
    return shutil.which("openapi-python-client") or str(Path(sys.executable).parent / "openapi-python-client")


@pytest.fixture(scope="module")
def client_package(contract_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """Generate the client from the server's own document and import it."""
    workdir = tmp_path_factory.mktemp("client")
    with contract_server.client() as http:
        (workdir / "openapi.json").write_text(json.dumps(http.get("/v1/openapi.json").json()))
    # No post-hooks: formatting the generated code is not what this test is about.
    (workdir / "config.yaml").write_text(f"post_hooks: []\npackage_name_override: {PACKAGE}\n")
    generated = subprocess.run(
        [_generator(), "generate", "--path", str(workdir / "openapi.json"), "--config",
         str(workdir / "config.yaml"), "--meta", "none", "--output-path", str(workdir / PACKAGE)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert generated.returncode == 0, generated.stdout[-3000:] + generated.stderr[-3000:]
    assert "Warning" not in generated.stdout + generated.stderr, generated.stdout + generated.stderr
    sys.path.insert(0, str(workdir))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(workdir))


def api(package: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.api.{name}")


def test_generated_client_round_trip(client_package: ModuleType, contract_server: LiveServer) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    types = importlib.import_module(f"{PACKAGE}.types")
    auth = api(client_package, "auth")
    descriptions = importlib.import_module(f"{PACKAGE}.api.descriptions")
    email, password = f"client-{uuid.uuid4().hex[:10]}@example.org", "correct horse battery staple"

    with client_package.Client(base_url=contract_server.base_url, timeout=120) as anonymous:
        registered = importlib.import_module(f"{auth.__name__}.register").sync(
            client=anonymous, body=models.RegisterBody(email=email, password=password))
        assert isinstance(registered, models.AccountOut) and registered.email == email
        tokens = importlib.import_module(f"{auth.__name__}.issue_token").sync(
            client=anonymous, body=models.TokenForm(username=email, password=password))
        assert isinstance(tokens, models.TokenOut) and tokens.expires_in > 0
        refused = importlib.import_module(f"{auth.__name__}.issue_token").sync(
            client=anonymous, body=models.TokenForm(username=email, password="wrong password"))
        assert isinstance(refused, models.ErrorBody) and refused.error == "not_authenticated"

    def call(module: str, **kwargs: Any) -> Any:
        return importlib.import_module(f"{descriptions.__name__}.{module}").sync(client=user, **kwargs)

    with client_package.AuthenticatedClient(
        base_url=contract_server.base_url, token=tokens.access_token, timeout=120
    ) as user:
        photo = types.File(payload=io.BytesIO(shared_photo(LABEL_PHOTO)), file_name="can.jpg",
                           mime_type="image/jpeg")
        described = call("create_description",
                         body=models.BodyCreateDescription(photo=photo, question="What is in this can?"))
        assert isinstance(described, models.Description), described
        assert "PEACHES" in " ".join(line.text for line in described.text_read).upper()
        assert described.safety.refusal is None and described.backend.name == "local"
        assert described.photo_retained_until is not None

        page = call("list_descriptions", limit=10)
        assert isinstance(page, models.DescriptionPage)
        assert [item.id for item in page.items] == [described.id]

        follow_up = call("ask_follow_up", description_id=described.id,
                         body=models.FollowUpBody(question="What does the label say?"))
        assert isinstance(follow_up, models.FollowUp) and follow_up.description_id == described.id

        stored = call("get_description", description_id=described.id)
        assert isinstance(stored, models.DescriptionWithFollowUps)
        assert [turn.question for turn in stored.follow_ups] == ["What does the label say?"]

        feedback = call("add_feedback", description_id=described.id,
                        body=models.FeedbackBody(rating=models.FeedbackBodyRating.HELPFUL))
        assert isinstance(feedback, models.FeedbackOut) and feedback.description_id == described.id

        missing = call("get_description", description_id=str(uuid.uuid4()))
        assert isinstance(missing, models.ErrorBody) and missing.error == "not_found"
