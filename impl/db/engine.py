"""Engine and session factory for PostgreSQL (asyncpg) and SQLite (aiosqlite)."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import Pool

__all__ = ["SQLITE_BUSY_TIMEOUT_MS", "create_engine", "create_session_factory"]

#: How long a SQLite writer waits for the file lock before failing with "database is locked".
SQLITE_BUSY_TIMEOUT_MS: Final = 15_000


def create_engine(
    url: str, *, echo: bool = False, poolclass: type[Pool] | None = None, statement_cache: bool = True
) -> AsyncEngine:
    """``poolclass=NullPool`` suits callers that drive the engine from more than one event loop
    (asyncpg connections belong to the loop that opened them, so they must not be pooled across).
    ``statement_cache=False`` for PgBouncer in transaction pooling mode (settings: DATABASE_STATEMENT_CACHE)."""
    options: dict[str, Any] = {"echo": echo}
    if poolclass is not None:
        options["poolclass"] = poolclass
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_async_engine(url, **options)
        _configure_sqlite(engine)
        return engine
    if not statement_cache:
        # Both caches off: asyncpg then sends unnamed statements, parsed anew in each transaction, so nothing
        # depends on which server connection PgBouncer hands out (asyncpg's and SQLAlchemy's cache, respectively).
        options["connect_args"] = {"statement_cache_size": 0, "prepared_statement_cache_size": 0}
    # pre_ping: a server restart or idle-timeout must not surface as the next request's error.
    return create_async_engine(url, pool_pre_ping=True, **options)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: rows stay readable after the request commits (no implicit async reload).
    return async_sessionmaker(engine, expire_on_commit=False)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The sqlite3 driver's own transaction handling skips BEGIN for SELECT and SAVEPOINT, which
        # breaks savepoints and isolation; take it over (BEGIN is emitted in on_begin below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # Off by default in SQLite; needed for ON DELETE CASCADE.
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            # Readers do not block the writer (no-op for :memory:).
            cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()
        # SQLite's built-in lower() folds ASCII only; match PostgreSQL for case-insensitive search.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock up front. A deferred transaction that reads and then writes
        # fails at once with "database is locked" when another writer got in between (the busy timeout
        # does not apply to that upgrade), so concurrent requests would error instead of waiting.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value
