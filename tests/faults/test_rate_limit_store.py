"""The rate-limit store: Redis through redis-py, shared by every instance; when it fails, requests keep flowing.

Against the machine's real Redis (127.0.0.1:6379, keys under a prefix of this test's own), a private redis-server
this test stops, freezes and restarts, a closed port (refused) and a port that accepts and never answers.
Policy (impl/rate_limit.py): fail open to per-process counting, each store call bounded by a short timeout,
readiness stays 200 and reports the store `degraded`, one warning line per outage (no traceback per request).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
import redis.asyncio as redis_asyncio
from fastapi import FastAPI

from impl.app import create_app
from scripts.fault_test.private_redis import PrivateRedis
from tests.contract_client import contract_client
from tests.settings import settings_for_tests

SHARED_REDIS_URL = "redis://127.0.0.1:6379/0"
STORE_TIMEOUT_SECONDS = 0.2

AppFactory = Callable[..., AbstractAsyncContextManager[FastAPI]]


@pytest.fixture
def key_prefix() -> str:
    return f"contract-api-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def app_with_store(migrated_database: str, key_prefix: str) -> AppFactory:
    @asynccontextmanager
    async def make(storage_url: str, **overrides: Any) -> AsyncIterator[FastAPI]:
        values: dict[str, Any] = {
            "rate_limit": "3/minute",
            "rate_limit_storage_url": storage_url,
            "rate_limit_key_prefix": key_prefix,
            "rate_limit_storage_timeout_seconds": STORE_TIMEOUT_SECONDS,
            **overrides,
        }
        settings = settings_for_tests(migrated_database, **values)
        application = create_app(settings)
        async with application.router.lifespan_context(application):
            yield application

    return make


def client(application: FastAPI, address: str = "192.0.2.10") -> httpx.AsyncClient:
    return contract_client(transport=httpx.ASGITransport(app=application, client=(address, 50000)))


async def statuses(http: httpx.AsyncClient, count: int) -> list[int]:
    return [(await http.get("/v1/articles")).status_code for _ in range(count)]


async def stored_keys(url: str, prefix: str) -> list[bytes]:
    connection = redis_asyncio.Redis.from_url(url)
    try:
        return [key async for key in connection.scan_iter(match=f"{prefix}*")]
    finally:
        await connection.aclose()


async def forget(url: str, prefix: str) -> None:
    connection = redis_asyncio.Redis.from_url(url)
    try:
        for key in await stored_keys(url, prefix):
            await connection.delete(key)
    finally:
        await connection.aclose()


async def test_two_instances_share_one_quota_through_redis(app_with_store: AppFactory, key_prefix: str) -> None:
    try:
        async with (
            app_with_store(SHARED_REDIS_URL) as first,
            app_with_store(SHARED_REDIS_URL) as second,
            client(first) as one,
            client(second) as two,
        ):
            # 3 a minute across both instances: per-process counters would allow 6.
            answers = [await one.get("/v1/articles"), await two.get("/v1/articles"), await one.get("/v1/articles")]
            assert [a.status_code for a in answers] == [200, 200, 200]
            assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0"]
            assert (await two.get("/v1/articles")).status_code == 429
            ready = await one.get("/health/ready")
            assert ready.json()["checks"] == {"database": "ok", "rate_limit_store": "ok"}
        assert await stored_keys(SHARED_REDIS_URL, key_prefix), "the counters are not in Redis"
    finally:
        await forget(SHARED_REDIS_URL, key_prefix)


async def test_an_unreachable_store_fails_open_to_per_process_counting(
    app_with_store: AppFactory, closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="impl.rate_limit")
    async with app_with_store(f"redis://127.0.0.1:{closed_port}/0") as application, client(application) as http:
        answers = [await http.get("/v1/articles") for _ in range(4)]
        # Served, with truthful headers for the per-process count, and still limited.
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
        ready = await http.get("/health/ready")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": "ok", "rate_limit_store": "degraded"}
    records = [r for r in caplog.records if r.name == "impl.rate_limit"]
    assert len(records) == 1, [r.getMessage() for r in records]  # one line for the outage, not one per request
    assert records[0].exc_info is None
    assert "ConnectionError" in records[0].getMessage()


async def test_a_store_that_never_answers_costs_one_short_timeout(app_with_store: AppFactory, silent_port: int) -> None:
    silent_store = f"redis://127.0.0.1:{silent_port}/0"
    async with app_with_store(silent_store, rate_limit="100/minute") as application, client(application) as http:
        async with asyncio.timeout(10):  # liveness: a hung store once held requests for 90 s and more
            answers = await asyncio.gather(*(http.get("/v1/articles") for _ in range(20)))
            ready = await http.get("/health/ready")
    assert {a.status_code for a in answers} == {200}
    assert ready.status_code == 200
    assert ready.json()["checks"]["rate_limit_store"] == "degraded"


async def test_the_store_is_used_again_once_it_returns(
    app_with_store: AppFactory, private_redis: PrivateRedis, key_prefix: str
) -> None:
    async with (
        app_with_store(private_redis.url, rate_limit_storage_retry_seconds=0.1) as application,
        client(application) as http,
    ):
        assert await statuses(http, 1) == [200]
        private_redis.freeze()
        try:
            assert await statuses(http, 1) == [200]  # counted per process meanwhile
            assert (await http.get("/health/ready")).json()["checks"]["rate_limit_store"] == "degraded"
        finally:
            private_redis.thaw()
        private_redis.stop()
        assert await statuses(http, 1) == [200]
        private_redis.start()  # empty: it keeps nothing on disk
        ready = await http.get("/health/ready")
        assert ready.json()["checks"]["rate_limit_store"] == "ok"
        assert await statuses(http, 1) == [200]
        assert await stored_keys(private_redis.url, key_prefix), "counting did not go back to Redis"


async def test_a_restarted_store_is_not_mistaken_for_a_dead_one(
    app_with_store: AppFactory, private_redis: PrivateRedis, key_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    """After a Redis restart every pooled connection is dead; each fails once. That is not an outage."""
    caplog.set_level(logging.WARNING, logger="impl.rate_limit")
    # A generous timeout: what is tested is that a dead pooled connection is replaced at once, not how fast a busy
    # machine answers (a slow answer past the default would be a true "no answer in time", logged rightly).
    generous = {"rate_limit": "100/minute", "rate_limit_storage_timeout_seconds": 5.0}
    async with app_with_store(private_redis.url, **generous) as application, client(application) as http:
        warm = await asyncio.gather(*(http.get("/v1/articles") for _ in range(5)))  # several pooled connections
        assert {answer.status_code for answer in warm} == {200}
        private_redis.stop()
        private_redis.start()  # empty: whatever is counted from now on is counted in this Redis
        answers = await asyncio.gather(*(http.get("/v1/articles") for _ in range(5)))
        assert {answer.status_code for answer in answers} == {200}
        assert await stored_keys(private_redis.url, key_prefix), "the requests were not counted in Redis"
    assert [r.getMessage() for r in caplog.records if r.name == "impl.rate_limit"] == []
