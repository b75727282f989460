"""A minimal Hugging Face Hub HTTP server for `snapshot_download` tests.

Serves one repo from a local folder with the routes huggingface_hub calls:
GET /api/models/{repo}/revision/{rev} (model info: sha, siblings, cardData),
GET /api/models/{repo}/tree/{rev}?recursive=... (file listing),
HEAD/GET /{repo}/resolve/{rev}/{path} (X-Repo-Commit, ETag, Content-Length).
Unknown repos and revisions answer 404 with the hub's X-Error-Code header.
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class FakeHub:
    """Runs the server on a free 127.0.0.1 port in a daemon thread."""

    def __init__(self, *, repo_id: str, root: Path, revisions: tuple[str, ...] = ("main",)) -> None:
        self.repo_id, self.root = repo_id, root
        self.revisions = {*revisions, COMMIT}
        self.downloads: list[str] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_HEAD(self) -> None:
                hub.handle(self, body=False)

            def do_GET(self) -> None:
                hub.handle(self, body=True)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*") if p.is_file())

    def _send(self, handler: BaseHTTPRequestHandler, status: int, data: bytes, *, body: bool,
              headers: dict[str, str]) -> None:
        handler.send_response(status)
        for key, value in {**headers, "Content-Length": str(len(data))}.items():
            handler.send_header(key, value)
        handler.end_headers()
        if body:
            handler.wfile.write(data)

    def _json(self, handler: BaseHTTPRequestHandler, payload: Any, *, body: bool,
              status: int = 200, error_code: str | None = None) -> None:
        headers = {"Content-Type": "application/json"}
        if error_code:
            headers["X-Error-Code"] = error_code
        self._send(handler, status, json.dumps(payload).encode(), body=body, headers=headers)

    def handle(self, handler: BaseHTTPRequestHandler, *, body: bool) -> None:
        path = unquote(urlsplit(handler.path).path)
        api_prefix = f"/api/models/{self.repo_id}/"
        resolve_prefix = f"/{self.repo_id}/resolve/"
        if path == api_prefix.rstrip("/"):  # model info without a revision: main
            path = api_prefix + "revision/main"
        if path.startswith("/api/models/") and not path.startswith(api_prefix):
            self._json(handler, {"error": "Repository not found"}, body=body, status=404,
                       error_code="RepoNotFound")
            return
        if path.startswith(api_prefix):
            kind, _, rest = path[len(api_prefix):].partition("/")
            revision = rest.split("/")[0]
            if revision not in self.revisions:
                self._json(handler, {"error": "Invalid rev id"}, body=body, status=404,
                           error_code="RevisionNotFound")
            elif kind == "revision":
                self._json(handler, {
                    "id": self.repo_id, "modelId": self.repo_id, "sha": COMMIT, "private": False,
                    "cardData": {"license": "apache-2.0"},
                    "siblings": [{"rfilename": p.relative_to(self.root).as_posix()}
                                 for p in self.files()]}, body=body)
            elif kind == "tree":
                entries: list[dict[str, Any]] = [{"type": "directory", "path": "onnx",
                                                  "oid": "f" * 40, "size": 0}]
                entries += [{"type": "file", "path": p.relative_to(self.root).as_posix(),
                             "size": p.stat().st_size,
                             "oid": hashlib.sha1(p.read_bytes()).hexdigest()}
                            for p in self.files()]
                self._json(handler, entries, body=body)
            else:
                self._json(handler, {"error": "not found"}, body=body, status=404)
            return
        if path.startswith(resolve_prefix):
            revision, _, name = path[len(resolve_prefix):].partition("/")
            file = self.root / name
            if revision not in self.revisions or not file.is_file():
                self._json(handler, {"error": "Entry not found"}, body=body, status=404,
                           error_code="EntryNotFound")
                return
            data = file.read_bytes()
            if body:
                self.downloads.append(name)
            self._send(handler, 200, data, body=body, headers={
                "X-Repo-Commit": COMMIT, "ETag": f'"{hashlib.sha256(data).hexdigest()}"',
                "Content-Type": "application/octet-stream"})
            return
        self._json(handler, {"error": "not found"}, body=body, status=404)
