"""SQLite (the `make run` default): a write lock held longer than the busy timeout answers the declared 503 with
`Retry-After`, not a 500 "database is locked"; once the lock is released the same request succeeds."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from impl.app import create_app
from tests.api.conftest import DEFAULT_PASSWORD, problem
from tests.contract_client import contract_client
from tests.faults.conftest import migrate
from tests.settings import settings_for_tests


@pytest.fixture
async def sqlite_app(tmp_path: Path) -> AsyncIterator[tuple[FastAPI, Path]]:
    path = tmp_path / "locked.db"
    url = f"sqlite+aiosqlite:///{path}"
    await migrate(url)
    application = create_app(settings_for_tests(url, sqlite_busy_timeout_seconds=0.2))
    async with application.router.lifespan_context(application):
        yield application, path


async def test_a_held_write_lock_answers_503_then_the_request_succeeds(sqlite_app: tuple[FastAPI, Path]) -> None:
    application, path = sqlite_app
    async with contract_client(transport=httpx.ASGITransport(app=application)) as http:
        payload = {"email": "locked@example.com", "password": DEFAULT_PASSWORD}
        # Another process holds the write lock (every transaction of the app takes it: BEGIN IMMEDIATE).
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            refused = await http.post("/v1/auth/register", json=payload)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert refused.status_code == 503, refused.text
        assert int(refused.headers["retry-after"]) >= 1
        assert problem(refused)["status"] == 503
        registered = await http.post("/v1/auth/register", json=payload)
        assert registered.status_code == 201, registered.text
