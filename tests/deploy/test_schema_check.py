"""Readiness refuses a schema older than the release (replicas wait for the migration step), on real PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from impl.app import create_app
from impl.db.engine import create_engine
from impl.problems import ServiceUnavailable
from impl.schema_check import SchemaCheck
from tests.contract_client import ContractValidator, contract_client
from tests.dbutil import fresh_database, upgrade_to_head
from tests.settings import settings_for_tests

HEAD = SchemaCheck.from_migrations(create_engine("sqlite+aiosqlite://"), 1.0).expected_head


@pytest.fixture
async def database(postgres_url: str) -> AsyncIterator[str]:
    async with fresh_database(postgres_url, "schema") as url:
        yield url


@pytest.fixture
async def engine(database: str) -> AsyncIterator[AsyncEngine]:
    created = create_engine(database)
    yield created
    await created.dispose()


async def execute(engine: AsyncEngine, statement: str) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(statement))


async def test_a_database_never_migrated_is_refused_naming_the_revision_needed(engine: AsyncEngine) -> None:
    with pytest.raises(ServiceUnavailable, match=f"no schema yet; this release needs revision {HEAD}"):
        await SchemaCheck.from_migrations(engine, 2.0).ensure_current()


async def test_a_database_at_head_is_ready(engine: AsyncEngine) -> None:
    await upgrade_to_head(engine)
    await SchemaCheck.from_migrations(engine, 2.0).ensure_current()


async def test_an_older_schema_is_refused(engine: AsyncEngine) -> None:
    # This release's code as if it had one migration more than the database has.
    await upgrade_to_head(engine)
    newer_release = SchemaCheck(engine, "0002_next", frozenset({HEAD, "0002_next"}), 2.0)
    with pytest.raises(ServiceUnavailable, match=f"at revision {HEAD}; this release needs 0002_next"):
        await newer_release.ensure_current()


async def test_a_newer_schema_is_served_with_one_warning(engine: AsyncEngine, caplog: pytest.LogCaptureFixture) -> None:
    # A newer release migrated already (rolling update): its expand-then-contract migration keeps us working.
    await upgrade_to_head(engine)
    await execute(engine, "UPDATE alembic_version SET version_num = '0099_future'")
    check = SchemaCheck.from_migrations(engine, 2.0, cache_seconds=0)
    with caplog.at_level(logging.WARNING, logger="impl.schema_check"):
        await check.ensure_current()
        await check.ensure_current()
    # Only this module's lines: what else logs meanwhile (the migration) depends on how logging was configured.
    ours = [record for record in caplog.records if record.name == "impl.schema_check"]
    assert [record.message.split(":")[0] for record in ours] == [
        f"the database schema is at revision 0099_future, which this release does not know (it expects {HEAD})"
    ]


async def test_the_answer_is_kept_briefly_then_asked_again(engine: AsyncEngine) -> None:
    await upgrade_to_head(engine)
    cached = SchemaCheck.from_migrations(engine, 2.0, cache_seconds=3600)
    uncached = SchemaCheck.from_migrations(engine, 2.0, cache_seconds=0)
    await cached.ensure_current()
    await uncached.ensure_current()
    await execute(engine, "DELETE FROM alembic_version")
    await cached.ensure_current()  # within its cache time: no query
    with pytest.raises(ServiceUnavailable, match="no schema yet"):
        await uncached.ensure_current()


async def test_a_database_that_does_not_answer_is_not_ready() -> None:
    unreachable = create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/nothing")
    try:
        with pytest.raises(ServiceUnavailable, match="did not answer"):
            await SchemaCheck.from_migrations(unreachable, 2.0).ensure_current()
    finally:
        await unreachable.dispose()


async def readiness(database_url: str) -> httpx.Response:
    app = create_app(settings_for_tests(database_url))
    async with (
        app.router.lifespan_context(app),
        contract_client(transport=httpx.ASGITransport(app=app), validator=ContractValidator()) as client,
    ):
        return await client.get("/health/ready")


async def test_the_readiness_probe_waits_for_the_migration_step(database: str, engine: AsyncEngine) -> None:
    before = await readiness(database)
    assert before.status_code == 503
    assert before.headers["content-type"] == "application/problem+json"
    assert before.json()["detail"] == (
        f"The database has no schema yet; this release needs revision {HEAD}. Waiting for the migration step."
    )
    await upgrade_to_head(engine)
    after = await readiness(database)
    assert after.status_code == 200
    assert after.json()["status"] == "ok"
