"""Alembic environment: async engine, one code path for PostgreSQL and SQLite.

The database URL comes from the ``sqlalchemy.url`` main option if set, else the DATABASE_URL
environment variable, else the app's default SQLite file. Callers that already hold a
(synchronous) connection, such as tests running ``AsyncConnection.run_sync``, pass it as
``config.attributes["connection"]`` and the migration runs on it, inside their transaction;
that is also the way to migrate from code that runs inside an event loop (``asyncio.run`` below
cannot nest). Such callers find the revision the database was at before in
``config.attributes["revision_before"]``.

Alembic logs "Will assume transactional DDL" for both backends: on SQLite too, because the engine,
not the sqlite3 module, issues BEGIN (impl.db.engine), so a failing migration rolls back whole.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from impl.db.engine import create_engine
from impl.db.tables import Base
from impl.db.types import Money, UTCDateTime

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./app.db"

config = context.config
target_metadata = Base.metadata

# The command line gets alembic.ini's logging. Programmatic callers keep their own: those handing
# over a connection always, others by passing Config(..., attributes={"configure_logger": False}).
_programmatic = "connection" in config.attributes or not config.attributes.get("configure_logger", True)
if config.config_file_name is not None and not _programmatic:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Autogenerate writes the portable column types as ``impl.db.types.Money()`` with their import."""
    if type_ == "type" and isinstance(obj, (Money, UTCDateTime)):
        autogen_context.imports.add("import impl.db.types")
        return f"impl.db.types.{type(obj).__name__}()"
    return False


def configure(**options: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        render_item=render_item,
        **options,
    )


def run_migrations_offline() -> None:
    """Emit SQL to stdout (``alembic upgrade head --sql``) instead of running it."""
    configure(url=database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    configure(
        connection=connection,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        # SQLite DDL is transactional too once the engine controls BEGIN (impl.db.engine), so a
        # failing migration rolls back as a whole on both backends.
        transactional_ddl=True,
    )
    # Read here, from the one migration context, so a caller needs no second one (and no second log line).
    config.attributes["revision_before"] = context.get_context().get_current_revision()
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = create_engine(database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        asyncio.run(run_async_migrations())
    else:
        do_run_migrations(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
