"""Pixel caps and decompression bombs: refused from the header, fast, without decoding."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import warnings

import pytest
from PIL import Image

from app.errors import PayloadTooLargeError
from app.ingest import decode_photo

from .conftest import REPO_ROOT
from .images import huge_blank_png

# Runs in a fresh interpreter so that its peak RSS (VmHWM) is its own: a spike
# anywhere in a long test session would otherwise hide the one we look for.
MEASURE = textwrap.dedent(
    """
    import json, sys, time
    import numpy as np
    from app.errors import PayloadTooLargeError
    from app.ingest import decode_photo
    from tests.ingest.images import huge_blank_png

    def peak_kib():
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise RuntimeError("no VmHWM")

    width, height, max_pixels = (int(a) for a in sys.argv[1:4])
    data = huge_blank_png(width, height)
    decode_photo(huge_blank_png(64, 64))  # warm up: plugins and code paths loaded
    detail = None
    before = peak_kib()
    started = time.perf_counter()
    try:
        decode_photo(data, max_pixels=max_pixels)
        status = 200
    except PayloadTooLargeError as exc:
        status, detail = exc.status_code, exc.detail
    elapsed = time.perf_counter() - started
    after = peak_kib()
    # Control: the same probe does see a 100 MB allocation.
    control = np.ones(100 * 1024 * 1024, np.uint8)
    control_delta = peak_kib() - after
    print(json.dumps({
        "status": status, "detail": detail, "seconds": elapsed, "file_bytes": len(data),
        "peak_delta_mib": (after - before) / 1024, "control_delta_mib": control_delta / 1024,
    }))
    """
)


def measure_refusal(width: int, height: int, max_pixels: int = 50_000_000) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(width), str(height), str(max_pixels)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_20000_by_20000_png_is_refused_fast_and_without_a_memory_spike():
    report = measure_refusal(20_000, 20_000)
    print("20000x20000 PNG refusal:", report)
    assert report["file_bytes"] < 500_000
    assert report["status"] == 413
    assert "more than 50 megapixels" in report["detail"]
    assert report["seconds"] < 0.25
    assert report["peak_delta_mib"] < 50
    assert report["control_delta_mib"] > 90, "the memory probe itself does not work"


def test_over_our_cap_but_under_pillows_limit_is_refused_before_decoding():
    # 8000×8000 = 64 MP: over our 50 MP cap, under Pillow's 89 MP warning. Decoding
    # it would take ≥ 64 MB (and 192 MB as RGB): the peak shows it was not decoded.
    report = measure_refusal(8_000, 8_000)
    assert report["status"] == 413
    assert report["seconds"] < 0.25
    assert report["peak_delta_mib"] < 50


def test_cap_is_a_parameter():
    data = huge_blank_png(2_000, 1_000)
    with pytest.raises(PayloadTooLargeError) as exc:
        decode_photo(data, max_pixels=1_999_999)
    assert exc.value.status_code == 413
    assert "more than 1 megapixel." in exc.value.detail
    assert decode_photo(data, max_pixels=2_000_000).original_width == 2_000


def test_bomb_under_our_cap_but_over_pillows_limit_is_refused(monkeypatch):
    # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that. A photo in
    # between must be refused too (the warning is an error here), even when our
    # own cap is higher.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    data = huge_blank_png(1_500, 1_000)  # 1.5 MP: in Pillow's warning band
    filters_before = list(warnings.filters)
    with pytest.raises(PayloadTooLargeError) as exc:
        decode_photo(data, max_pixels=50_000_000)
    assert exc.value.status_code == 413
    assert warnings.filters == filters_before, "the warnings filter leaked out"
    # Outside decode_photo the warning is still just a warning.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Image.open(io.BytesIO(data)).close()
    assert any(issubclass(w.category, Image.DecompressionBombWarning) for w in caught)


def test_bomb_over_twice_pillows_limit_is_refused_even_with_a_high_cap():
    data = huge_blank_png(20_000, 20_000)
    with pytest.raises(PayloadTooLargeError):
        decode_photo(data, max_pixels=1_000_000_000)
