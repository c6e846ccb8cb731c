"""Prometheus metrics in one process: request counters and latency by operation, in-flight requests, rate-limit
refusals, the password hashing queue, the database pool; and who may read /metrics."""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from impl.app import create_app
from impl.db.engine import create_engine
from impl.observability import metrics
from impl.security.passwords import PasswordHasher
from impl.settings import Settings
from tests.observability.metrics_text import sample
from tests.settings import settings_for_tests

POLL_DEADLINE_SECONDS = 10.0


@asynccontextmanager
async def serving(
    database_url: str, client: tuple[str, int] = ("127.0.0.1", 40000), **overrides: Any
) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings_for_tests(database_url, **overrides))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


async def scrape(http: httpx.AsyncClient) -> str:
    response = await http.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return response.text


async def test_requests_are_counted_and_timed_by_operation_method_and_status(database_url: str) -> None:
    async with serving(database_url) as http:
        before = await scrape(http)
        for _ in range(3):
            assert (await http.get("/health/live")).status_code == 200
        assert (await http.get("/v1/items")).status_code == 401
        assert (await http.get("/no/such/path")).status_code == 404
        after = await scrape(http)

    def delta(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert delta("http_requests_total", operation="getLiveness", method="GET", status="200") == 3
    assert delta("http_request_duration_seconds_count", operation="getLiveness", method="GET") == 3
    assert delta("http_requests_total", operation="listItems", method="GET", status="401") == 1
    # Unknown paths share one label value: clients cannot grow the label set.
    assert delta("http_requests_total", operation="unmatched", method="GET", status="404") == 1
    assert delta("http_requests_total", operation="/metrics", method="GET", status="200") == 1
    # Only the scrape itself is in flight while it is answered.
    assert sample(after, "http_requests_in_flight") == 1


async def test_rate_limit_refusals_are_counted_and_metrics_are_never_limited(database_url: str) -> None:
    async with serving(database_url, rate_limit="2/minute") as http:
        before = await scrape(http)
        statuses = [(await http.get("/v1/items")).status_code for _ in range(4)]
        assert statuses == [401, 401, 429, 429]
        for _ in range(5):
            after = await scrape(http)
    refused = sample(after, "rate_limit_refusals_total", operation="listItems") - sample(
        before, "rate_limit_refusals_total", operation="listItems"
    )
    assert refused == 2


async def test_only_allowed_networks_may_read_metrics(database_url: str) -> None:
    outsider = ("203.0.113.7", 5000)
    async with serving(database_url, client=outsider) as http:
        response = await http.get("/metrics")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert "http_requests_total" not in response.text
    async with serving(database_url, client=outsider, metrics_allowed_networks="203.0.113.0/24") as http:
        assert "http_requests_total" in await scrape(http)
    async with serving(database_url, metrics_enabled=False) as http:
        assert (await http.get("/metrics")).status_code == 404


async def test_the_pool_gauges_follow_checkouts(database_url: str) -> None:
    engine = create_engine(database_url)
    metrics.instrument_engine(engine)
    try:
        assert metrics.DB_POOL_SIZE._value.get() == engine.sync_engine.pool.size()  # type: ignore[attr-defined]
        async with engine.connect() as first, engine.connect() as second:
            assert first is not second
            assert metrics.DB_POOL_CHECKED_OUT._value.get() == 2
        assert metrics.DB_POOL_CHECKED_OUT._value.get() == 0
    finally:
        await engine.dispose()


async def test_requests_give_their_connections_back(database_url: str) -> None:
    async with serving(database_url, database_pooling=True) as http:
        for _ in range(5):
            assert (await http.get("/health/ready")).status_code == 200
        text = await scrape(http)
    assert sample(text, "db_pool_connections_checked_out") == 0
    assert sample(text, "db_pool_size") == Settings.model_fields["db_pool_size"].default


async def _until(condition: Any) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + POLL_DEADLINE_SECONDS
    while not condition():
        assert loop.time() < deadline, "the gauges never got there"
        await asyncio.sleep(0.01)


async def test_the_password_hashing_queue_is_visible(monkeypatch: pytest.MonkeyPatch) -> None:
    hasher = PasswordHasher(time_cost=1, memory_cost_kib=8, parallelism=1, max_concurrent=1)
    assert metrics.PASSWORD_HASH_SLOTS._value.get() == 1
    release = threading.Event()
    real_hash = hasher._context.hash

    def held_hash(secret: str, **kwargs: Any) -> str:
        assert release.wait(POLL_DEADLINE_SECONDS)
        result: str = real_hash(secret, **kwargs)
        return result

    monkeypatch.setattr(hasher._context, "hash", held_hash)
    running, waiting = metrics.PASSWORD_HASHES_RUNNING._value, metrics.PASSWORD_HASHES_WAITING._value
    first = asyncio.create_task(hasher.hash("first password"))
    second = asyncio.create_task(hasher.hash("second password"))
    try:
        await _until(lambda: (running.get(), waiting.get()) == (1, 1))
    finally:
        release.set()
        await asyncio.gather(first, second)
    assert (running.get(), waiting.get()) == (0, 0)


def test_the_serving_entry_point_prepares_an_empty_shared_directory(tmp_path: Path) -> None:
    environ: dict[str, str] = {}
    assert metrics.prepare_metrics_directory(1, environ) is None
    assert environ == {}
    made = metrics.prepare_metrics_directory(2, environ)
    assert made is not None
    assert environ[metrics.MULTIPROC_ENV] == str(made)
    assert made.is_dir()
    made.rmdir()
    configured = tmp_path / "metrics"
    configured.mkdir()
    (configured / "counter_123.db").write_bytes(b"from the previous run")
    (configured / "notes.txt").write_text("not ours")
    assert metrics.prepare_metrics_directory(1, {metrics.MULTIPROC_ENV: str(configured)}) == configured
    assert sorted(p.name for p in configured.iterdir()) == ["notes.txt"]


def test_a_starting_worker_forgets_the_gauges_of_dead_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dead_pid = _pid_of_finished_process()
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path))
    dead = tmp_path / f"gauge_livesum_{dead_pid}.db"
    alive = tmp_path / f"gauge_livesum_{os.getpid()}.db"
    counter = tmp_path / f"counter_{dead_pid}.db"
    for file in (dead, alive, counter):
        file.write_bytes(b"")
    metrics.process_starting()
    # Its live gauges stop counting; what it counted stays counted.
    assert not dead.exists()
    assert alive.exists()
    assert counter.exists()


def _pid_of_finished_process() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid
