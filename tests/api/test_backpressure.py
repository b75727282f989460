"""Back-pressure against a real server: requests wait their turn, refusal starts exactly
past the queue bound, and the rest of the service keeps answering meanwhile.

The analysis is held on an event so that the queue fills deterministically;
every wait is on a count or an event, never on a sleep.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from live import LiveServer, register_and_log_in, server_settings, start_server
from photos import files, small_jpeg

from app.metrics import WORK_ABANDONED_TOTAL
from app.services import AppServices

LIMIT, QUEUE, EXTRA = 1, 3, 2
WAIT_S = 1800  # a bound on a hung test, not a performance goal


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Wait until a count reaches a value (polling a counter, not timing anything)."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"never reached: {what}"
        time.sleep(0.01)


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with one describe at a time and three waiting."""
    server = start_server(server_settings(tmp_path_factory.mktemp("backpressure"),
                                          worker_threads=LIMIT, max_queued_photos=QUEUE))
    yield server
    server.stop()


def services_of(server: LiveServer) -> AppServices:
    return server.server.config.app.state.services


class HeldAnalysis:
    """Replaces the analysis suite's `analyze` and holds every call until released."""

    def __init__(self, services: AppServices) -> None:
        self.suite = services.describe.pipeline.analysis
        self.original = self.suite.analyze
        self.release = threading.Event()
        self.entered = 0

    def __enter__(self) -> HeldAnalysis:
        async def held(image: Any, **kwargs: Any) -> Any:
            self.entered += 1
            await asyncio.to_thread(self.release.wait)
            return await self.original(image, **kwargs)

        self.suite.analyze = held  # type: ignore[method-assign]
        return self

    def __exit__(self, *_: object) -> None:
        self.release.set()
        del self.suite.analyze  # back to the class's method


def test_refusal_starts_exactly_past_the_queue_bound(small_server: LiveServer) -> None:
    account = register_and_log_in(small_server)
    gate = services_of(small_server).describe.admission
    photo = small_jpeg((40, 160, 40))

    def describe(_: int) -> tuple[int, dict, dict]:
        with small_server.client(account.access_token, timeout=WAIT_S) as client:
            response = client.post("/v1/descriptions", files=files(photo))
            return response.status_code, dict(response.headers), response.json()

    with HeldAnalysis(services_of(small_server)) as held, ThreadPoolExecutor(LIMIT + QUEUE + EXTRA) as pool:
        admitted = [pool.submit(describe, n) for n in range(LIMIT)]
        wait_for(lambda: held.entered == LIMIT, "the first request is being analyzed")
        queued = [pool.submit(describe, n) for n in range(QUEUE)]
        wait_for(lambda: gate.waiting == QUEUE, "the queue is full")
        refused = [pool.submit(describe, n) for n in range(EXTRA)]
        refusals = [future.result() for future in refused]  # answered while the others wait
        assert [status for status, _, _ in refusals] == [503] * EXTRA
        for _, headers, body in refusals:
            assert int(headers["retry-after"]) > 0
            assert body["error"] == "unavailable" and set(body) == {"error", "detail"}
        assert gate.waiting == QUEUE and held.entered == LIMIT
        # The rest of the service answers while describes wait: health, history, and a
        # login whose Argon2 verification runs in its own pool.
        with small_server.client(account.access_token) as client:
            assert client.get("/healthz").status_code == 200
            assert client.get("/v1/descriptions").status_code == 200
        assert register_and_log_in(small_server).access_token
        held.release.set()
        statuses = [future.result()[0] for future in admitted + queued]
    assert statuses == [201] * (LIMIT + QUEUE)
    assert (gate.running, gate.waiting) == (0, 0)


def test_a_queued_follow_up_waits_its_turn_too(small_server: LiveServer) -> None:
    account = register_and_log_in(small_server)
    gate = services_of(small_server).describe.admission
    first = account.client.post("/v1/descriptions", files=files(small_jpeg()))
    assert first.status_code == 201
    def post(path: str, **kwargs: Any) -> int:
        with small_server.client(account.access_token, timeout=WAIT_S) as client:
            return client.post(path, **kwargs).status_code

    with HeldAnalysis(services_of(small_server)) as held, ThreadPoolExecutor(2) as pool:
        describing = pool.submit(post, "/v1/descriptions", files=files(small_jpeg()))
        wait_for(lambda: held.entered == 1, "a describe holds the only turn")
        asking = pool.submit(post, f"/v1/descriptions/{first.json()['id']}/questions",
                             json={"question": "What colour is it?"})
        wait_for(lambda: gate.waiting == 1, "the follow-up waits in the queue")
        held.release.set()
        assert describing.result() == 201
        assert asking.result() == 201


def send_and_leave(server: LiveServer, token: str, photo: bytes) -> socket.socket:
    """Send a whole describe request on a raw socket and return it unread (to close later)."""
    request = httpx.Request("POST", server.base_url + "/v1/descriptions", files=files(photo),
                            headers={"Authorization": f"Bearer {token}"})
    head = f"POST /v1/descriptions HTTP/1.1\r\nHost: {request.url.host}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in request.headers.items() if name.lower() != "host")
    connection = socket.create_connection((request.url.host, request.url.port))
    connection.sendall(head.encode() + b"\r\n" + request.read())
    return connection


def test_a_request_whose_client_left_while_queued_is_skipped(small_server: LiveServer) -> None:
    account = register_and_log_in(small_server)
    services = services_of(small_server)
    gate, connections = services.describe.admission, small_server.server.server_state.connections
    skipped = WORK_ABANDONED_TOTAL.labels("describe")._value.get()

    def describe() -> int:
        with small_server.client(account.access_token, timeout=WAIT_S) as client:
            return client.post("/v1/descriptions", files=files(small_jpeg())).status_code

    with HeldAnalysis(services) as held, ThreadPoolExecutor(1) as pool:
        first = pool.submit(describe)
        wait_for(lambda: held.entered == 1, "the first request is being analyzed")
        leaving = send_and_leave(small_server, account.access_token, small_jpeg((1, 1, 1)))
        address = leaving.getsockname()[:2]
        wait_for(lambda: gate.waiting == 1, "the second request is queued")
        leaving.close()
        wait_for(lambda: all(tuple(c.client or ()) != address for c in list(connections)),
                 "the server saw the client leave")
        held.release.set()
        assert first.result() == 201
        wait_for(lambda: (gate.running, gate.waiting) == (0, 0), "the gate is idle")
    assert held.entered == 1, "the abandoned request must not be analyzed"
    assert WORK_ABANDONED_TOTAL.labels("describe")._value.get() == skipped + 1
    assert len(account.client.get("/v1/descriptions").json()["items"]) == 1
