"""PhotoDecoder: decoding runs off the event loop, bounded, and sheds load with 503."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from app import ingest_pool
from app.errors import ServiceUnavailableError, UnsupportedMediaTypeError
from app.ingest import DecodedPhoto, decode_photo
from app.ingest_pool import PhotoDecoder


async def test_decodes_a_real_photo_in_a_worker_thread(vizwiz_photos: list[Path]):
    decoder = PhotoDecoder(max_workers=2, analysis_max_side=512)
    try:
        photo = await decoder.decode(vizwiz_photos[0].read_bytes())
        assert max(photo.width, photo.height) <= 512
        with pytest.raises(UnsupportedMediaTypeError):
            await decoder.decode(b"GIF89a" + b"\x00" * 32)
    finally:
        decoder.close()


class Gate:
    """Stands in for decode_photo and blocks its thread until opened."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.running = 0
        self.peak = 0
        self.lock = threading.Lock()

    def __call__(self, data: bytes, **_: object) -> DecodedPhoto:
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        self.open.wait(5)
        with self.lock:
            self.running -= 1
        return decode_photo(data)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Gate:
    gate = Gate()
    monkeypatch.setattr(ingest_pool, "decode_photo", gate)
    return gate


async def test_excess_requests_wait_then_get_503(gate: Gate, vizwiz_photos: list[Path]):
    data = vizwiz_photos[0].read_bytes()
    decoder = PhotoDecoder(max_workers=2, max_waiting=2, max_wait_s=5)
    try:
        tasks = [asyncio.create_task(decoder.decode(data)) for _ in range(4)]
        await asyncio.sleep(0.2)
        assert decoder.waiting == 2
        with pytest.raises(ServiceUnavailableError) as exc:
            await decoder.decode(data)  # 2 running + 2 waiting: the queue is full
        assert exc.value.status_code == 503
        gate.open.set()
        results = await asyncio.gather(*tasks)
        assert len(results) == 4
        assert gate.peak == 2, "more decodes ran at once than the pool allows"
    finally:
        gate.open.set()
        decoder.close()


async def test_a_long_wait_gets_503(gate: Gate, vizwiz_photos: list[Path]):
    data = vizwiz_photos[0].read_bytes()
    decoder = PhotoDecoder(max_workers=1, max_waiting=5, max_wait_s=0.2)
    try:
        first = asyncio.create_task(decoder.decode(data))
        await asyncio.sleep(0.05)
        with pytest.raises(ServiceUnavailableError):
            await decoder.decode(data)
        gate.open.set()
        await first
    finally:
        gate.open.set()
        decoder.close()


async def test_cancelled_request_keeps_its_slot_until_the_thread_ends(
    gate: Gate, vizwiz_photos: list[Path]
):
    data = vizwiz_photos[0].read_bytes()
    decoder = PhotoDecoder(max_workers=1, max_waiting=5, max_wait_s=0.2)
    try:
        first = asyncio.create_task(decoder.decode(data))
        await asyncio.sleep(0.05)
        first.cancel()  # the client went away; its thread is still decoding
        await asyncio.sleep(0.05)
        with pytest.raises(ServiceUnavailableError):
            await decoder.decode(data)
        gate.open.set()
        await asyncio.sleep(0.3)
        photo = await decoder.decode(data)  # the slot came back when the thread ended
        assert photo.format == "jpeg"
    finally:
        gate.open.set()
        decoder.close()


async def test_event_loop_stays_responsive_while_decoding(vizwiz_photos: list[Path]):
    decoder = PhotoDecoder(max_workers=2)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        big = max(vizwiz_photos, key=lambda p: p.stat().st_size).read_bytes()
        await asyncio.gather(*(decoder.decode(big) for _ in range(6)))
    finally:
        task.cancel()
        decoder.close()
    assert ticks > 3


def test_parallel_decodes_give_the_same_pixels_as_serial_ones(vizwiz_photos: list[Path]):
    # Shared state (warnings lock, cached ICC transforms) must be thread-safe.
    from concurrent.futures import ThreadPoolExecutor

    from PIL import Image

    from .images import jpeg_bytes, linear_rgb_icc_profile

    tagged = jpeg_bytes(
        Image.new("RGB", (400, 300), (128, 90, 40)), icc_profile=linear_rgb_icc_profile()
    )
    inputs = [p.read_bytes() for p in vizwiz_photos[:12]] + [tagged] * 12
    serial = [decode_photo(data).image for data in inputs]
    with ThreadPoolExecutor(max_workers=6) as pool:
        parallel = list(pool.map(decode_photo, inputs))
    for expected, photo in zip(serial, parallel, strict=True):
        assert (expected == photo.image).all()
