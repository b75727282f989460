"""Helpers shared by backend tests: grounded requests and the fake model server handle."""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np

from models.types import (
    BoundingBox,
    DescribeRequest,
    FaceBox,
    ImageAnalysis,
    QualityIssue,
    QualityReport,
    TextLine,
)

API_KEY = "sk-test-secret-123"


def build_request(
    *, ocr: tuple[str, ...] = ("SMITH'S OAT MILK", "Best before 12/2026"),
    image: bool = True, question: str | None = "What does the label say?",
    seed: int = 0, detail: str = "standard",
) -> DescribeRequest:
    """A request whose analysis carries OCR lines, one face and one quality issue."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(48, 64, 3), dtype=np.uint8) if image else None
    analysis = ImageAnalysis(
        width=64, height=48,
        quality=QualityReport(issues=(QualityIssue(
            kind="too_dark", score=0.8, guidance="It is dark: turn on a light."),)),
        text_lines=tuple(TextLine(text=t, confidence=0.9) for t in ocr),
        faces=(FaceBox(box=BoundingBox(x=1, y=2, width=10, height=10), position="top left",
                       relative_size=0.03),),
    )
    return DescribeRequest(image=pixels, question=question, detail=detail,  # type: ignore[arg-type]
                           language="en", analysis=analysis)


class FakeServer:
    """Handle on the fake OpenAI-compatible server subprocess."""

    def __init__(self, port: int) -> None:
        self.root = f"http://127.0.0.1:{port}"
        self.base_url = f"{self.root}/v1"

    def control(self, **settings: Any) -> None:
        httpx.post(f"{self.root}/control", json=settings, timeout=5).raise_for_status()

    def requests(self) -> list[dict[str, Any]]:
        return httpx.get(f"{self.root}/control/requests", timeout=5).json()  # type: ignore[no-any-return]
