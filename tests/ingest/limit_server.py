"""A small FastAPI app behind BodySizeLimitMiddleware, served by uvicorn for the TCP tests.

Run as: python tests/ingest/limit_server.py PORT MAX_BODY_BYTES
"""

from __future__ import annotations

import sys

from fastapi import FastAPI, File, Request, UploadFile

from app.body_limit import BodySizeLimitMiddleware


def build_app(max_body_bytes: int) -> FastAPI:
    """Endpoints that read the body the ways the real API does."""
    api = FastAPI()

    @api.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @api.post("/v1/descriptions")
    async def upload(photo: UploadFile = File(...)) -> dict[str, int]:
        return {"photo_bytes": len(await photo.read())}

    @api.post("/v1/descriptions/raw")
    async def raw(request: Request) -> dict[str, int]:
        # request.body() would hold everything: the middleware must stop it first.
        return {"bytes": len(await request.body())}

    @api.post("/v1/descriptions/streamed")
    async def streamed(request: Request) -> dict[str, int]:
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
        return {"bytes": total}

    @api.post("/elsewhere")
    async def elsewhere(request: Request) -> dict[str, int]:
        return {"bytes": len(await request.body())}

    api.add_middleware(BodySizeLimitMiddleware, max_body_bytes=max_body_bytes)
    return api


if __name__ == "__main__":
    import uvicorn

    port, limit = int(sys.argv[1]), int(sys.argv[2])
    uvicorn.run(build_app(limit), host="127.0.0.1", port=port, log_level="warning")
