"""Engine and session factory for PostgreSQL (asyncpg) and SQLite (aiosqlite)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, NullPool, Pool
from sqlalchemy.util import await_

__all__ = [
    "SQLITE_BUSY_TIMEOUT_MS",
    "DatabaseTimeouts",
    "create_engine",
    "create_read_session_factory",
    "create_session_factory",
]

#: How long a SQLite writer waits for the file lock before failing with "database is locked".
SQLITE_BUSY_TIMEOUT_MS: Final = 15_000

#: How much longer than the server's statement_timeout the driver waits for an answer: a live server cancels
#: the statement itself (a clean error); only a server that does not answer at all meets the driver's limit.
CLIENT_TIMEOUT_MARGIN_SECONDS: Final = 0.5

#: A pooled connection idle for longer than this is pinged before use (one round trip); a busier one is not.
PING_AFTER_IDLE_SECONDS: Final = 10.0
DEFAULT_CONNECT_SECONDS: Final = 10.0
_IDLE_SINCE: Final = "idle_since"


@dataclass(frozen=True)
class DatabaseTimeouts:
    """Bounds on every wait for the database (the app's; migrations and scripts run without them)."""

    pool_seconds: float  # waiting for a pooled connection
    connect_seconds: float  # opening a connection, and the pre-ping of a pooled one
    statement_seconds: float  # one statement (PostgreSQL: statement_timeout; the driver waits a little longer)
    sqlite_busy_seconds: float = SQLITE_BUSY_TIMEOUT_MS / 1000  # SQLite: waiting for the write lock


def create_engine(
    url: str,
    *,
    echo: bool = False,
    poolclass: type[Pool] | None = None,
    timeouts: DatabaseTimeouts | None = None,
    statement_cache: bool = True,
    pool_size: int = 30,
    max_overflow: int = 0,
) -> AsyncEngine:
    """``poolclass=NullPool`` suits callers that drive the engine from more than one event loop
    (asyncpg connections belong to the loop that opened them, so they must not be pooled across).
    ``statement_cache=False`` for PgBouncer in transaction pooling mode (settings: DATABASE_STATEMENT_CACHE)."""
    # hide_parameters: an error's text (and so a log line) never carries the statement's values (passwords,
    # tokens, personal data).
    options: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if poolclass is not None:
        options["poolclass"] = poolclass
    if timeouts is not None and not _is_null_pool(poolclass):
        options["pool_timeout"] = timeouts.pool_seconds
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_async_engine(url, **options)
        busy_ms = SQLITE_BUSY_TIMEOUT_MS if timeouts is None else max(1, math.ceil(timeouts.sqlite_busy_seconds * 1000))
        _configure_sqlite(engine, busy_ms)
        return engine
    connect_args: dict[str, Any] = {}
    if timeouts is not None:
        connect_args["timeout"] = timeouts.connect_seconds
        connect_args["command_timeout"] = timeouts.statement_seconds + CLIENT_TIMEOUT_MARGIN_SECONDS
        if statement_cache:
            # Behind PgBouncer (< 1.21 refuses startup parameters it does not track) the server-side bound is set on
            # the database role instead (README, Running in production); the driver's command timeout still holds.
            statement_ms = max(1, math.ceil(timeouts.statement_seconds * 1000))
            connect_args["server_settings"] = {"statement_timeout": str(statement_ms)}
    if not statement_cache:
        # Both caches off: asyncpg then sends unnamed statements, parsed anew in each transaction, so nothing
        # depends on which server connection PgBouncer hands out (asyncpg's and SQLAlchemy's cache, respectively).
        connect_args.update(statement_cache_size=0, prepared_statement_cache_size=0)
    if connect_args:
        options["connect_args"] = connect_args
    if poolclass is None:
        options["pool_size"] = pool_size
        options["max_overflow"] = max_overflow
    engine = create_async_engine(url, **options)
    # A server restart or idle-timeout must not surface as the next request's error: see _check_on_checkout.
    _check_on_checkout(engine, DEFAULT_CONNECT_SECONDS if timeouts is None else timeouts.connect_seconds)
    if timeouts is not None:
        _terminate_invalidated(engine)
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: rows stay readable after the request commits (no implicit async reload).
    return async_sessionmaker(engine, expire_on_commit=False)


def create_read_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession] | None:
    """Sessions for read-only requests: each statement on its own (AUTOCOMMIT), no BEGIN and no COMMIT round trip.
    PostgreSQL only; None on SQLite, whose transactions begin with BEGIN IMMEDIATE for the writers' sake."""
    if engine.dialect.name != "postgresql":
        return None
    return async_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)


def _is_null_pool(poolclass: type[Pool] | None) -> bool:
    return poolclass is not None and issubclass(poolclass, NullPool)


def _check_on_checkout(engine: AsyncEngine, timeout_seconds: float) -> None:
    """Every connection the pool hands out is alive, without a round trip per request (pool_pre_ping's cost).

    - A connection the server closed (a restart, an administrator's kill, the server's idle timeout) is known to be
      closed as soon as the event loop has read its end: it is replaced at once, with no round trip.
    - A connection idle for longer than PING_AFTER_IDLE_SECONDS may have been dropped silently on the way (a
      firewall, a proxy): it is pinged first, one simple-protocol round trip (fine behind PgBouncer in transaction
      mode) bounded by the connect timeout. A timeout is raised as is: the request answers 503.
    A connection found dead is replaced (SQLAlchemy retries the checkout on DisconnectionError)."""

    @event.listens_for(engine.sync_engine.pool, "checkin")
    def on_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.sync_engine.pool, "checkout")
    def on_checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        driver_connection = dbapi_connection._connection
        if driver_connection.is_closed():
            raise DisconnectionError("the server closed this pooled connection")
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            await_(driver_connection.execute("SELECT 1", timeout=timeout_seconds))
        except TimeoutError:
            raise
        except Exception as error:
            raise DisconnectionError(f"a pooled connection failed its ping: {type(error).__name__}") from error


def _terminate_invalidated(engine: AsyncEngine) -> None:
    """A connection is invalidated because it broke or stopped answering. SQLAlchemy then closes it politely,
    waiting up to 2 s for a goodbye from a server that may be frozen; drop the socket at once instead."""

    @event.listens_for(engine.sync_engine, "invalidate")
    def on_invalidate(dbapi_connection: Any, _record: Any, _exception: BaseException | None) -> None:
        driver_connection = getattr(dbapi_connection, "_connection", None)
        if driver_connection is not None and not driver_connection.is_closed():
            driver_connection.terminate()


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The sqlite3 driver's own transaction handling skips BEGIN for SELECT and SAVEPOINT, which
        # breaks savepoints and isolation; take it over (BEGIN is emitted in on_begin below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # Off by default in SQLite; needed for ON DELETE CASCADE.
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
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
