"""Prometheus metrics. Labels never carry user content."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

PIPELINE_STAGE_SECONDS = Histogram(
    "sightline_pipeline_stage_seconds",
    "Time spent in each describe pipeline stage",
    ["stage"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10),
)
DESCRIPTIONS_TOTAL = Counter(
    "sightline_descriptions_total",
    "Descriptions produced, by outcome",
    ["outcome"],
)
HTTP_REQUESTS_TOTAL = Counter(
    "sightline_http_requests_total",
    "HTTP requests by route template and status",
    ["method", "route", "status"],
)
HTTP_REQUEST_SECONDS = Histogram(
    "sightline_http_request_seconds",
    "HTTP request duration by route template",
    ["method", "route"],
)
WORK_RUNNING = Gauge(
    "sightline_work_running",
    "Work holding a turn now, by kind (app/work_bounds.py)",
    ["kind"],
)
WORK_WAITING = Gauge(
    "sightline_work_waiting",
    "Work waiting in a bounded queue now, by kind",
    ["kind"],
)
WORK_REFUSED_TOTAL = Counter(
    "sightline_work_refused_total",
    "Work refused with 503 because its queue was full, by kind",
    ["kind"],
)
WORK_ABANDONED_TOTAL = Counter(
    "sightline_work_abandoned_total",
    "Work skipped at its turn because the client had gone away while it waited, by kind",
    ["kind"],
)
