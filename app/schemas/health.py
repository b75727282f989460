"""Bodies of the operations routes `/healthz` and `/readyz`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Health(BaseModel):
    """Liveness: the process answers."""

    status: Literal["ok"] = Field(description="Always `ok` when the process answers.")


class ReadinessChecks(BaseModel):
    """One flag per dependency the service needs to answer requests."""

    database: bool = Field(description="The database answered `SELECT 1`.")
    rate_limit_store: bool = Field(
        description="The rate-limit store (Redis, or in-process memory) answered."
    )
    models: bool = Field(description="The describe pipeline and its models are loaded.")


Dependency = Literal["database", "rate_limit_store", "models"]


class Readiness(BaseModel):
    """Readiness: whether this process should receive traffic, and why not."""

    status: Literal["ready", "degraded", "not_ready"] = Field(
        description="`ready` when every check passed (HTTP 200); `degraded` when only the "
        "rate-limit store is down: requests are still served and each process counts its "
        "own limits meanwhile (HTTP 200); `not_ready` when the database or the models are "
        "unavailable (HTTP 503)."
    )
    checks: ReadinessChecks = Field(description="The result of each check.")
    unavailable: list[Dependency] = Field(
        default_factory=list,
        description="The dependencies whose check failed, by name; empty when ready.",
        examples=[["rate_limit_store"]],
    )
