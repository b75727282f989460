"""The one Settings object: environment variables prefixed `SIGHTLINE_` and an optional `.env`."""

from __future__ import annotations

import ipaddress
import os
import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Values people paste from examples; refused as secrets outside development.
PLACEHOLDER_SECRETS = frozenset(
    {
        "",
        "change-me",
        "changeme",
        "change_me",
        "secret",
        "placeholder",
        "password",
        "xxx",
        "todo",
        "replace-me",
        "set-me",
        "dev",
        "test",
    }
)
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """Runtime configuration; built once at start-up and passed around, never read at import."""

    model_config = SettingsConfigDict(env_prefix="SIGHTLINE_", env_file=".env", extra="ignore")

    env: Literal["development", "production", "test"] = "production"
    data_dir: Path = Path("./data")
    database_url: str | None = None
    redis_url: str | None = None

    backend: Literal["local", "onnx", "openai"] = "local"
    openai_base_url: str | None = None
    openai_model: str | None = None
    openai_api_key: str | None = None
    openai_timeout_s: float = 30.0
    openai_max_retries: int = 2
    onnx_model_dir: Path | None = None
    model_cache_dir: Path | None = None
    enable_scene: bool = True
    enable_explicit: bool = True

    jwt_secret: str | None = None
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    login_rate_limit: str = "10/minute"
    register_rate_limit: str = "20/hour"

    max_upload_bytes: int = 15 * 1024 * 1024
    max_pixels: int = 50_000_000
    analysis_max_side: int = 1600
    worker_threads: int = Field(default=2, ge=1)
    max_queued_photos: int = 32
    max_question_chars: int = 2000

    retain_photos_hours: float | None = None
    purge_interval_s: float = 600.0
    idempotency_ttl_hours: float = 24.0

    log_level: str = "INFO"

    # --- hardening (issue 13; see docs/security.md) ---
    # Addresses/CIDRs of reverse proxies whose X-Forwarded-For/-Proto are believed
    # (uvicorn's --forwarded-allow-ips). Empty: nobody's; "*": everybody's.
    trusted_proxies: str = ""
    login_account_rate_limit: str = "30/hour"
    login_address_rate_limit: str = "30/minute;300/hour"
    register_account_rate_limit: str = "5/hour"
    rate_limit_key_prefix: str = "sightline-limits"
    rate_limit_store_timeout_s: float = Field(default=0.5, gt=0)
    rate_limit_store_retry_s: float = Field(default=5.0, gt=0)
    max_json_bytes: int = Field(default=64 * 1024, gt=0)
    body_timeout_s: float = Field(default=15.0, gt=0)
    body_min_rate_bytes_s: int = Field(default=1024, ge=0)
    database_connect_timeout_s: float = Field(default=3.0, gt=0)
    database_statement_timeout_s: float = Field(default=5.0, gt=0)
    database_pool_timeout_s: float = Field(default=5.0, gt=0)
    metrics_token: str | None = None
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    # --- harden2 (issue 13 part B) ---
    # An Idempotency-Key claim in progress is a lease renewed every third of this:
    # a retry after the owner died takes the key over within it.
    idempotency_lease_s: float = Field(default=10.0, gt=0)

    # --- volunteer handoff (issue 7; see docs/handoff-design.md) ---
    handoff_fanout: int = Field(default=3, ge=1, le=50)
    handoff_offer_s: float = Field(default=30.0, gt=0)
    handoff_ring_timeout_s: float = Field(default=120.0, gt=0)
    # Browser origins allowed to open /v1/ws (comma-separated); the server's own origin always is.
    allowed_origins: str = ""
    handoff_retain_days: float = Field(default=30.0, gt=0)
    handoff_sweep_s: float = Field(default=1.0, gt=0)
    handoff_heartbeat_s: float = Field(default=10.0, gt=0)
    handoff_presence_stale_s: float = Field(default=25.0, gt=0)
    handoff_auth_timeout_s: float = Field(default=5.0, gt=0)
    handoff_max_frame_bytes: int = Field(default=64 * 1024, gt=0)
    handoff_frames_per_s: float = Field(default=20.0, gt=0)
    handoff_frame_burst: int = Field(default=100, ge=1)
    handoff_redis_prefix: str = "sightline-handoff"

    @field_validator("trusted_proxies")
    @classmethod
    def _trusted_proxies_are_addresses(cls, value: str) -> str:
        # uvicorn would take a typo for a literal host name and silently trust nothing.
        for item in filter(None, (part.strip() for part in value.split(","))):
            if item == "*":
                continue
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError as error:
                raise ValueError(
                    f"SIGHTLINE_TRUSTED_PROXIES: {item!r} is not an address or CIDR range"
                ) from error
        return value

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.env == "development" or self.jwt_secret is None:
            return self
        if (
            self.jwt_secret.strip().lower() in PLACEHOLDER_SECRETS
            or len(self.jwt_secret) < MIN_SECRET_LENGTH
        ):
            raise ValueError(
                "SIGHTLINE_JWT_SECRET is a placeholder or shorter than "
                f"{MIN_SECRET_LENGTH} characters; set a real secret (or SIGHTLINE_ENV=development)."
            )
        return self

    @model_validator(mode="after")
    def _require_backend_settings(self) -> Settings:
        if self.backend == "openai" and not (self.openai_base_url and self.openai_model):
            raise ValueError(
                "SIGHTLINE_BACKEND=openai needs SIGHTLINE_OPENAI_BASE_URL and SIGHTLINE_OPENAI_MODEL."
            )
        if self.backend == "onnx" and self.onnx_model_dir is None:
            raise ValueError("SIGHTLINE_BACKEND=onnx needs SIGHTLINE_ONNX_MODEL_DIR.")
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL; a SQLite file under the data directory by default."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'sightline.db').resolve()}"

    @property
    def photos_dir(self) -> Path:
        """Where retained (face-blurred, metadata-free) photos are written."""
        return self.data_dir / "photos"

    @property
    def resolved_model_cache_dir(self) -> Path:
        """Where converted models (e.g. EfficientNet-Lite0 → ONNX) are cached."""
        return self.model_cache_dir or self.data_dir / "models"

    @cached_property
    def signing_secret(self) -> str:
        """The JWT signing secret: the configured one, or one generated once and
        kept in the data directory (mode 0600) so that a fresh machine works
        without a placeholder. Several replicas must share SIGHTLINE_JWT_SECRET."""
        if self.jwt_secret:
            return self.jwt_secret
        path = self.data_dir / "jwt_secret"
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            # O_EXCL: when two processes start at once, exactly one writes the secret.
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        value = secrets.token_urlsafe(48)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(value)
        return value
