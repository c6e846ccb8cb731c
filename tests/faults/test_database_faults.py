"""The database fails: stopped (connections refused) or frozen (SIGSTOP: connections accepted, nothing answers).

A real server (uvicorn) on a private PostgreSQL cluster, with the production defaults of every timeout. Every
operation answers the declared 503 (problem+json with `Retry-After`, checked against the spec by the contract
client) instead of a 500 or a hang; readiness answers 503; once the database is back the service answers again
without a restart, and every write it acknowledged before the outage is still there. A failure is one log line,
never a traceback. (Timing figures live in `make fault-test`; the bounds here are liveness checks.)
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from impl.app import create_app
from scripts.fault_test.private_postgres import PrivatePostgres
from scripts.live_server import live_server
from tests.api.conftest import DEFAULT_PASSWORD, LiveServer, problem
from tests.contract_client import contract_client
from tests.dbutil import create_database
from tests.faults.conftest import migrate
from tests.settings import TEST_SECRET_KEY, settings_for_tests

# Far above every bound the server keeps (2 s by default): a request that reaches it hung.
CLIENT_TIMEOUT_SECONDS = 15.0
RECOVERY_DEADLINE_SECONDS = 15.0


@pytest.fixture(scope="module")
async def server(
    private_postgres: PrivatePostgres, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveServer]:
    log_path = tmp_path_factory.mktemp("fault-server") / "uvicorn.log"
    environment = {"SECRET_KEY": TEST_SECRET_KEY, "LOG_LEVEL": "INFO"}
    async with live_server(private_postgres.url, log_path, environment=environment) as running:
        yield LiveServer(base_url=running.base_url, database_url=running.database_url, log_path=log_path)


def client_of(server: LiveServer) -> httpx.AsyncClient:
    return contract_client(base_url=server.base_url, timeout=CLIENT_TIMEOUT_SECONDS)


async def account(http: httpx.AsyncClient) -> dict[str, str]:
    email = f"fault-{uuid.uuid4().hex[:10]}@example.com"
    registered = await http.post("/v1/auth/register", json={"email": email, "password": DEFAULT_PASSWORD})
    assert registered.status_code == 201, registered.text
    token = await http.post(
        "/v1/auth/token", data={"grant_type": "password", "username": email, "password": DEFAULT_PASSWORD}
    )
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


Call = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


def every_kind_of_call(headers: dict[str, str], item_id: str) -> list[Call]:
    """A read, a write, an anonymous read and the token endpoint: each reaches the database differently."""
    return [
        lambda http: http.get("/v1/users/me", headers=headers),
        lambda http: http.get(f"/v1/items/{item_id}", headers=headers),
        lambda http: http.post("/v1/items", json={"name": "During", "price": "1.00"}, headers=headers),
        lambda http: http.get("/v1/articles"),
        lambda http: http.post(
            "/v1/auth/token", data={"grant_type": "password", "username": "nobody@example.com", "password": "x" * 8}
        ),
    ]


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, f"{response.request.method} {response.request.url}: {response.text}"
    assert int(response.headers["retry-after"]) >= 1
    assert problem(response)["status"] == 503


async def wait_until_served(http: httpx.AsyncClient, headers: dict[str, str]) -> None:
    """Poll (with a deadline) until the service answers from the database again."""
    deadline = time.monotonic() + RECOVERY_DEADLINE_SECONDS
    while True:
        response = await http.get("/v1/users/me", headers=headers)
        if response.status_code == 200:
            return
        assert time.monotonic() < deadline, f"not recovered in time: {response.status_code} {response.text}"


async def outage_round(
    server: LiveServer, fail: Callable[[], None], restore: Callable[[], None], concurrent: int
) -> None:
    async with client_of(server) as http:
        headers = await account(http)
        created = await http.post("/v1/items", json={"name": "Before", "price": "2.00"}, headers=headers)
        assert created.status_code == 201
        item_id = created.json()["id"]
        log_before = server.log_path.stat().st_size

        fail()
        try:
            calls = every_kind_of_call(headers, item_id) * concurrent
            answers = await asyncio.gather(*(call(http) for call in calls))
            for answer in answers:
                assert_unavailable(answer)
            ready = await http.get("/health/ready")
            assert ready.status_code == 503
            assert (await http.get("/health/live")).status_code == 200
        finally:
            restore()

        await wait_until_served(http, headers)
        kept = await http.get(f"/v1/items/{item_id}", headers=headers)
        assert kept.status_code == 200, "a write acknowledged before the outage is gone"
        assert kept.json()["name"] == "Before"
        ready = await http.get("/health/ready")
        assert ready.status_code == 200

    # One line per failure at most, each naming its cause; never a traceback (a 20 s outage once wrote 17 MB).
    outage_log = server.log_path.read_bytes()[log_before:].decode(errors="replace")
    assert "Traceback" not in outage_log, outage_log
    database_lines = [line for line in outage_log.splitlines() if "database" in line]
    assert database_lines, "the outage was not logged"
    assert len(database_lines) <= 8, outage_log


async def test_a_stopped_database_answers_503_then_recovers(
    server: LiveServer, private_postgres: PrivatePostgres
) -> None:
    await outage_round(server, private_postgres.stop, private_postgres.start, concurrent=4)


async def test_a_frozen_database_answers_503_instead_of_hanging(
    server: LiveServer, private_postgres: PrivatePostgres
) -> None:
    await outage_round(server, private_postgres.freeze, private_postgres.thaw, concurrent=4)


async def test_a_stopped_and_restarted_database_leaves_no_broken_pooled_connection(
    server: LiveServer, private_postgres: PrivatePostgres
) -> None:
    """Connections pooled before a restart are dead; not one request after the restart may fail on one."""
    async with client_of(server) as http:
        headers = await account(http)
        # Fill the pool with connections that the restart will kill.
        warm = await asyncio.gather(*(http.get("/v1/users/me", headers=headers) for _ in range(10)))
        assert {answer.status_code for answer in warm} == {200}
        private_postgres.stop()
        private_postgres.start()
        after = await asyncio.gather(*(http.get("/v1/users/me", headers=headers) for _ in range(20)))
        assert [answer.status_code for answer in after] == [200] * 20


# --- readiness keeps its own timeout --------------------------------------------------------------------------


@pytest.fixture
async def patient_app(private_postgres: PrivatePostgres) -> AsyncIterator[FastAPI]:
    """An app whose database timeouts are all far longer than the readiness timeout (0.5 s)."""
    url = await create_database(private_postgres.url, f"ready_{uuid.uuid4().hex[:12]}")
    await migrate(url)
    settings = settings_for_tests(
        url,
        db_ready_timeout_seconds=0.5,
        db_connect_timeout_seconds=60,
        db_pool_timeout_seconds=60,
        db_statement_timeout_seconds=60,
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


async def test_readiness_answers_503_in_its_own_time_when_the_database_hangs(
    patient_app: FastAPI, private_postgres: PrivatePostgres
) -> None:
    async with contract_client(transport=httpx.ASGITransport(app=patient_app)) as http:
        assert (await http.get("/health/ready")).status_code == 200
        private_postgres.freeze()
        try:
            # Without the probe's own timeout this waits for the 60 s connect timeout.
            async with asyncio.timeout(10):
                ready = await http.get("/health/ready")
        finally:
            private_postgres.thaw()
    assert ready.status_code == 503
    assert problem(ready)["status"] == 503


async def test_logs_never_carry_sql_parameters(tmp_path: Path, private_postgres: PrivatePostgres) -> None:
    """A failed statement's error (and so any log line built from it) names no bound value."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from impl.db.engine import create_engine

    engine = create_engine(private_postgres.url)
    secret = f"s3cret-{uuid.uuid4().hex}"
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TEMP TABLE secrets (value text PRIMARY KEY)"))
            await connection.execute(text("INSERT INTO secrets VALUES (:value)"), {"value": secret})
            with pytest.raises(IntegrityError) as raised:
                await connection.execute(text("INSERT INTO secrets VALUES (:value)"), {"value": secret})
    finally:
        await engine.dispose()
    assert secret not in str(raised.value)
    assert "hidden" in str(raised.value)
