"""A tiny OpenAI-compatible chat-completions server for tests, run as a subprocess.

It checks the shape of each request (auth header, messages, a valid base64 JPEG
data URL when an image part is present), records it, and answers
deterministically from the grounding in the prompt: it "reads" the first OCR
line. POST /control {"mode": ..., "times": n} makes the next n chat requests
fail: "500", "429" (Retry-After: 0), "401", "hang" (sleeps `hang_s`), "close"
(drops the connection), "break" (streams two pieces then drops the connection).
Usage: python fake_openai_server.py --api-key KEY; it prints the port it listens on.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

STATE: dict[str, Any] = {"mode": "ok", "times": 0, "hang_s": 5.0, "requests": []}
LOCK = threading.Lock()
API_KEY = ""
FENCE = re.compile(r"<<<PHOTO_TEXT\n(.*?)\nPHOTO_TEXT>>>", re.S)


def answer_for(user_text: str) -> str:
    match = FENCE.search(user_text)
    if match:
        first = match.group(1).splitlines()[0]
        return f'The photo shows a label. It says "{first}".'
    return "The photo shows a plain surface with no text."


def validate(body: dict[str, Any]) -> tuple[str, bool]:
    """Return (user prompt text, has_image); raise ValueError on a bad shape."""
    messages = body["messages"]
    if messages[0]["role"] != "system" or messages[-1]["role"] != "user":
        raise ValueError("expected system then user message")
    text, has_image = "", False
    for part in messages[-1]["content"]:
        if part["type"] == "text":
            text += part["text"]
        elif part["type"] == "image_url":
            url = part["image_url"]["url"]
            prefix = "data:image/jpeg;base64,"
            if not url.startswith(prefix):
                raise ValueError("image must be a JPEG data URL")
            if not base64.b64decode(url[len(prefix):]).startswith(b"\xff\xd8"):
                raise ValueError("not a JPEG")
            has_image = True
    if not isinstance(body.get("model"), str):
        raise ValueError("model missing")
    return text, has_image


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def do_GET(self) -> None:
        if self.path == "/control/requests":
            with LOCK:
                self._json(200, STATE["requests"])
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        if self.path == "/control":
            with LOCK:
                STATE.update(json.loads(raw))
                if STATE.pop("clear", False):
                    STATE["requests"] = []
            self._json(200, {"ok": True})
            return
        if self.path != "/v1/chat/completions":
            self._json(404, {"error": "not found"})
            return
        with LOCK:
            mode = STATE["mode"] if STATE["times"] > 0 else "ok"
            if STATE["times"] > 0:
                STATE["times"] -= 1
        body = json.loads(raw)
        try:
            user_text, has_image = validate(body)
        except (KeyError, ValueError, IndexError) as exc:
            self._json(400, {"error": {"message": str(exc)}})
            return
        with LOCK:
            STATE["requests"].append({
                "authorization": self.headers.get("Authorization"),
                "user_text": user_text, "system": body["messages"][0]["content"],
                "has_image": has_image, "stream": bool(body.get("stream")),
                "max_tokens": body.get("max_tokens"),
            })
        if self.headers.get("Authorization") != f"Bearer {API_KEY}":
            self._json(401, {"error": {"message": "bad key"}})
            return
        if mode == "500":
            self._json(500, {"error": {"message": "boom"}})
            return
        if mode == "429":
            self._json(429, {"error": {"message": "slow down"}}, {"Retry-After": "0"})
            return
        if mode == "401":
            self._json(401, {"error": {"message": "bad key"}})
            return
        if mode == "hang":
            time.sleep(float(STATE["hang_s"]))
            self.close_connection = True
            return
        if mode == "close":
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        text = answer_for(user_text)
        if not body.get("stream"):
            self._json(200, {
                "id": "cmpl-1", "object": "chat.completion", "model": body["model"],
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": text}}],
            })
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        first = {"choices": [{"index": 0, "delta": {"role": "assistant"}}]}
        self._chunk(f"data: {json.dumps(first)}\n\n".encode())
        words = re.findall(r"\S+\s*", text)
        for index, word in enumerate(words):
            if mode == "break" and index == 2:
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            event = {"choices": [{"index": 0, "delta": {"content": word}}]}
            self._chunk(f"data: {json.dumps(event)}\n\n".encode())
        self._chunk(b": keep-alive comment\n\n")
        self._chunk(b"data: [DONE]\n\n")
        self._chunk(b"")


def main() -> None:
    global API_KEY
    parser = argparse.ArgumentParser()
    parser.add_argument("--api-key", required=True)
    args = parser.parse_args()
    API_KEY = args.api_key
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
