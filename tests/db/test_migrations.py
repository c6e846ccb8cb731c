"""The Alembic migrations build exactly the schema the ORM declares, on PostgreSQL and SQLite."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from impl.db.engine import create_engine
from impl.db.tables import Base
from tests.dbutil import alembic_config, fresh_database, run_alembic, upgrade_to_head

APP_TABLES = {"users", "items", "articles", "refresh_tokens", "idempotency_keys"}


@pytest.fixture(params=["postgresql", "sqlite"])
async def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on a new, empty database of each backend."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}")
        yield engine
        await engine.dispose()
        return
    postgres_url: str = request.getfixturevalue("postgres_url")
    async with fresh_database(postgres_url, "migrations") as url:
        engine = create_engine(url)
        yield engine
        await engine.dispose()


async def table_names(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())


async def test_upgrade_downgrade_upgrade(empty_engine: AsyncEngine) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()

    await upgrade_to_head(empty_engine)
    assert await table_names(empty_engine) == APP_TABLES | {"alembic_version"}
    assert await current_revision(empty_engine) == head

    await run_alembic(empty_engine, lambda config: command.downgrade(config, "base"))
    # Alembic keeps its (now empty) bookkeeping table; nothing of ours is left.
    assert await table_names(empty_engine) == {"alembic_version"}
    assert await current_revision(empty_engine) is None

    await upgrade_to_head(empty_engine)
    assert await table_names(empty_engine) == APP_TABLES | {"alembic_version"}
    assert await current_revision(empty_engine) == head


async def test_migrated_schema_matches_the_models(empty_engine: AsyncEngine) -> None:
    await upgrade_to_head(empty_engine)

    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with empty_engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_migrated_sqlite_enforces_foreign_keys(sqlite_url: str) -> None:
    """Cascades on SQLite depend on the engine turning the (off by default) pragma on."""
    engine = create_engine(sqlite_url)
    try:
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar_one() == 1
    finally:
        await engine.dispose()


def test_command_line_path_migrates_the_configured_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a handed-over connection env.py opens its own engine: URL from sqlalchemy.url, else DATABASE_URL."""
    from_option = tmp_path / "from_option.db"
    from_environment = tmp_path / "from_environment.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{from_environment}")

    config = alembic_config()
    config.set_main_option("sqlalchemy.url", f"sqlite+aiosqlite:///{from_option}")
    command.upgrade(config, "head")
    assert sqlite_tables(from_option) == APP_TABLES | {"alembic_version"}
    assert not from_environment.exists()

    command.upgrade(alembic_config(), "head")
    assert sqlite_tables(from_environment) == APP_TABLES | {"alembic_version"}


def sqlite_tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as connection:
        return {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
