"""Prometheus metrics, and `/metrics` to read them.

With several worker processes (uvicorn --workers), each process writes its samples to files in
`PROMETHEUS_MULTIPROC_DIR` and `/metrics` adds up every process's (prometheus-client's multiprocess mode). The
variable must be set before the workers start, and the directory emptied at each start (stale files would count
again): `prepare_metrics_directory` does both, for the serving entry point. Without it every process counts alone.

`/metrics` is for the operator's scraper, not for partners: not in the public spec, never rate limited, and
answered only to clients in METRICS_ALLOWED_NETWORKS (others get the same 404 as an unknown path).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import tempfile
from collections.abc import MutableMapping
from ipaddress import IPv4Address, IPv6Address, ip_address
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response

from contract_runtime.problems import ProblemError, problem_response
from impl.settings import Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
logger = logging.getLogger(__name__)
METRICS_PATH = "/metrics"

REQUESTS = Counter(
    "http_requests",
    "HTTP requests answered, by operation (operationId, or the route for docs and /metrics), method and status.",
    ["operation", "method", "status"],
)
REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by operation and method.",
    ["operation", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
# `livesum`: with several processes, the sum over the processes alive now.
REQUESTS_IN_FLIGHT = Gauge("http_requests_in_flight", "Requests being answered now.", multiprocess_mode="livesum")
RATE_LIMIT_REFUSALS = Counter(
    "rate_limit_refusals", "Requests refused with 429 by the per-client rate limit, by operation.", ["operation"]
)
PASSWORD_HASH_SLOTS = Gauge(
    "password_hash_slots", "Password hashes that may run at once (all processes).", multiprocess_mode="livesum"
)
PASSWORD_HASHES_RUNNING = Gauge(
    "password_hashes_running", "Password hashes (Argon2/bcrypt) running now.", multiprocess_mode="livesum"
)
PASSWORD_HASHES_WAITING = Gauge(
    "password_hashes_waiting", "Password hashes waiting for a free slot.", multiprocess_mode="livesum"
)
DB_POOL_SIZE = Gauge(
    "db_pool_size", "Database connections each pool keeps open (all processes).", multiprocess_mode="livesum"
)
DB_POOL_CHECKED_OUT = Gauge(
    "db_pool_connections_checked_out",
    "Database connections in use by requests now (all processes).",
    multiprocess_mode="livesum",
)


class PasswordHashingGauges:
    """What the password hasher reports: a hash is queued, then started and finished on a hashing thread (or dropped
    while still queued)."""

    def set_capacity(self, slots: int) -> None:
        PASSWORD_HASH_SLOTS.set(slots)

    def queued(self) -> None:
        PASSWORD_HASHES_WAITING.inc()

    def started(self) -> None:
        PASSWORD_HASHES_WAITING.dec()
        PASSWORD_HASHES_RUNNING.inc()

    def finished(self) -> None:
        PASSWORD_HASHES_RUNNING.dec()

    def dropped(self) -> None:
        PASSWORD_HASHES_WAITING.dec()


password_hashing = PasswordHashingGauges()


def instrument_engine(engine: AsyncEngine) -> None:
    """Report the engine's pool: its size and how many connections requests hold."""
    pool = engine.sync_engine.pool
    size = getattr(pool, "size", None)
    if callable(size):  # a QueuePool; NullPool (tests) has no size
        DB_POOL_SIZE.set(size())

    # The connections themselves, not a running count: an invalidated connection (a database outage) can be checked
    # in without a matching checkout event, and a count would drift below zero.
    in_use: set[int] = set()

    def checked_out(dbapi_connection: Any, *_: Any) -> None:
        in_use.add(id(dbapi_connection))
        DB_POOL_CHECKED_OUT.set(len(in_use))

    def checked_in(dbapi_connection: Any, *_: Any) -> None:
        in_use.discard(id(dbapi_connection))
        DB_POOL_CHECKED_OUT.set(len(in_use))

    event.listen(engine.sync_engine, "checkout", checked_out)
    event.listen(engine.sync_engine, "checkin", checked_in)


def observe_request(operation: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(operation, method, str(status)).inc()
    REQUEST_DURATION.labels(operation, method).observe(seconds)


# ---------------------------------------------------------------------------------------------------------------
# Several processes


def prepare_metrics_directory(workers: int, environ: MutableMapping[str, str] = os.environ) -> Path | None:
    """For the serving entry point, before any worker starts: with several workers, make sure there is an empty
    PROMETHEUS_MULTIPROC_DIR (a new temporary one unless set) in the environment the workers inherit."""
    configured = environ.get(MULTIPROC_ENV)
    if not configured:
        if workers <= 1:
            return None
        configured = tempfile.mkdtemp(prefix="contract-api-metrics-")
        environ[MULTIPROC_ENV] = configured
    directory = Path(configured)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    return directory


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def process_starting() -> None:
    """At a worker's start: drop the `livesum` gauges of processes that are gone (a crashed worker's would count
    forever); say so when this looks like one of several workers that do not share their samples."""
    directory = os.environ.get(MULTIPROC_ENV)
    if not directory:
        if multiprocessing.parent_process() is not None:
            logger.warning(
                "this process was started by a supervisor (uvicorn --workers) but PROMETHEUS_MULTIPROC_DIR is "
                "unset: with several workers, /metrics shows only the counts of the worker that answers it"
            )
        return
    for file in Path(directory).glob("gauge_live*_*.db"):
        pid = file.stem.rsplit("_", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            multiprocess.mark_process_dead(int(pid), directory)  # type: ignore[no-untyped-call]


def process_stopping() -> None:
    """At a worker's shutdown: its `livesum` gauges stop counting at once."""
    directory = os.environ.get(MULTIPROC_ENV)
    if directory:
        multiprocess.mark_process_dead(os.getpid(), directory)  # type: ignore[no-untyped-call]


def exposition() -> bytes:
    """The metrics in Prometheus' text format: every process's, when there are several."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


# ---------------------------------------------------------------------------------------------------------------
# /metrics


def _client_allowed(request: Request, settings: Settings) -> bool:
    if request.client is None:
        return False
    try:
        address: IPv4Address | IPv6Address = ip_address(request.client.host)
    except ValueError:
        return False
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in settings.metrics_allowed_networks)


def install_metrics(app: FastAPI, settings: Settings) -> None:
    if not settings.metrics_enabled:
        return

    @app.get(METRICS_PATH, include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if not _client_allowed(request, settings):
            return problem_response(request, ProblemError(404, "There is no resource at this path."))
        return Response(exposition(), media_type=CONTENT_TYPE_LATEST)
