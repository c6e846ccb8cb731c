"""Login storms through the in-process app with the default Argon2 cost, on PostgreSQL and on SQLite.

Reads keep answering while logins hash (nothing is held during the hashing, see tests/db/test_password_work.py),
and a full hashing queue answers the declared 503 with Retry-After instead of queueing without bound.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from impl.app import create_app
from impl.settings import Settings
from tests.api.conftest import DEFAULT_PASSWORD, Database, app_settings, auth_headers, problem, unique_email
from tests.contract_client import contract_client

STORM = 8


async def storm_client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    await db.clear()
    app = create_app(settings)
    async with app.router.lifespan_context(app), contract_client(transport=httpx.ASGITransport(app=app)) as http:
        yield http


@pytest.fixture
async def default_cost_client(database_url: str, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The suite's settings, but the default password hashing (cost, one hash at a time, queue)."""
    defaults = Settings(_env_file=None)
    hashing = {
        name: getattr(defaults, name)
        for name in (
            "argon2_time_cost",
            "argon2_memory_cost_kib",
            "argon2_parallelism",
            "password_hash_concurrency",
            "password_hash_queue_limit",
        )
    }
    async for http in storm_client(app_settings(database_url, **hashing), db):
        yield http


async def accounts(http: httpx.AsyncClient, count: int) -> list[str]:
    emails = [unique_email("storm") for _ in range(count)]
    for email in emails:
        response = await http.post("/v1/auth/register", json={"email": email, "password": DEFAULT_PASSWORD})
        assert response.status_code == 201, response.text
    return emails


def login(http: httpx.AsyncClient, email: str) -> Any:
    return http.post("/v1/auth/token", data={"grant_type": "password", "username": email, "password": DEFAULT_PASSWORD})


async def test_reads_keep_answering_during_a_login_storm(default_cost_client: httpx.AsyncClient) -> None:
    http = default_cost_client
    reader, *emails = await accounts(http, STORM + 1)
    token = (await login(http, reader)).json()["access_token"]
    reads = [http.get("/v1/users/me", headers=auth_headers(token)) for _ in range(4 * STORM)]
    responses = await asyncio.wait_for(asyncio.gather(*(login(http, e) for e in emails), *reads), timeout=60)
    # Every login and every read succeeds: no "database is locked", no pool exhaustion, no 5xx.
    assert Counter(r.status_code for r in responses) == {200: len(responses)}, [r.text for r in responses]


async def test_a_full_hashing_queue_answers_503_with_retry_after(database_url: str, db: Database) -> None:
    # One hash at a time and no queue: of a burst of logins, the ones that find the hasher busy are turned away.
    settings = app_settings(
        database_url,
        argon2_time_cost=3,
        argon2_memory_cost_kib=65_536,
        argon2_parallelism=1,
        password_hash_concurrency=1,
        password_hash_queue_limit=0,
    )
    async for http in storm_client(settings, db):
        emails = await accounts(http, 1)
        responses = await asyncio.gather(*(login(http, emails[0]) for _ in range(STORM)))
        statuses = Counter(r.status_code for r in responses)
        assert set(statuses) <= {200, 503}, statuses
        assert statuses[200] >= 1, statuses
        assert statuses[503] >= 1, statuses
        for response in responses:
            if response.status_code == 503:
                assert int(response.headers["retry-after"]) >= 1
                assert "retry" in problem(response)["detail"]
        # Turned away, not broken: the same login works once the hasher is free.
        assert (await login(http, emails[0])).status_code == 200
