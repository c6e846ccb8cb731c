"""Throw-away databases and Alembic runs for tests."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_SAFE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def unique_database_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


async def create_database(base_url: str, name: str) -> str:
    """Create database ``name`` on the server ``base_url`` points at; return the new database's URL."""
    await _run_maintenance(base_url, f'CREATE DATABASE "{_checked(name)}"')
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


async def drop_database(base_url: str, name: str) -> None:
    # FORCE: a test that failed half-way may leave connections open.
    await _run_maintenance(base_url, f'DROP DATABASE IF EXISTS "{_checked(name)}" WITH (FORCE)')


@asynccontextmanager
async def fresh_database(base_url: str, prefix: str) -> AsyncIterator[str]:
    """A new, empty, uniquely named PostgreSQL database for the duration of the block."""
    name = unique_database_name(prefix)
    url = await create_database(base_url, name)
    try:
        yield url
    finally:
        await drop_database(base_url, name)


def alembic_config() -> Config:
    # configure_logger=False: alembic.ini's logging setup must not replace pytest's.
    return Config(str(PROJECT_ROOT / "alembic.ini"), attributes={"configure_logger": False})


async def run_alembic(engine: AsyncEngine, operation: Callable[[Config], None]) -> None:
    """Run e.g. ``lambda cfg: command.upgrade(cfg, "head")`` on a connection of ``engine``.

    alembic/env.py uses the connection handed over in ``config.attributes`` instead of opening its
    own event loop (it cannot: this one is already running).
    """

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        operation(config)

    async with engine.begin() as connection:
        await connection.run_sync(run)


async def upgrade_to_head(engine: AsyncEngine) -> None:
    await run_alembic(engine, lambda config: command.upgrade(config, "head"))


@asynccontextmanager
async def migrated_engine(postgres_url: str, prefix: str, **options: Any) -> AsyncIterator[AsyncEngine]:
    """A fresh PostgreSQL database at the migrations' head, behind an engine as the app builds it (`options` go to
    impl.db.engine.create_engine), for the duration of the block."""
    from impl.db.engine import create_engine

    async with fresh_database(postgres_url, prefix) as url:
        engine = create_engine(url, **options)
        try:
            await upgrade_to_head(engine)
            yield engine
        finally:
            await engine.dispose()


async def _run_maintenance(base_url: str, statement: str) -> None:
    # CREATE/DROP DATABASE cannot run inside a transaction block.
    engine = create_async_engine(base_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def _checked(name: str) -> str:
    if not _SAFE_NAME.fullmatch(name):
        raise ValueError(f"unsafe database name {name!r}")
    return name
