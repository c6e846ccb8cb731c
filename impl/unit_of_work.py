"""The request boundary: one session per request, committed (or rolled back) before the response is sent.

Implementations and repositories never commit; they reach the request's database through `current_database()`
(its session: `current_session()`), opened on first use.
An operation that does slow work between reading and writing (checking a password) ends its read-only part with
`end_reading()`, so that nothing is held meanwhile: no pooled connection, no transaction, no lock (on SQLite every
transaction holds the database's write lock).
It is also the one place where "the database is unavailable" (down, frozen, too slow, out of connections) becomes
the declared 503 with `Retry-After`, whichever query of whichever operation met it (see impl/db/errors.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, Final

import asyncpg
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.pool import PoolProxiedConnection, QueuePool
from sqlalchemy.util import greenlet_spawn

from impl.db.driver import postgres_connection
from impl.db.errors import database_unavailable_cause, describe_database_error
from impl.observability.current_request import current_scope
from impl.outages import OutageLog
from impl.problems import DatabaseUnavailable

logger = logging.getLogger(__name__)

# session.info key: set once the current transaction has written.
_WROTE: Final = "unit_of_work.wrote"
# session.info key: the session of a read-only request (GET, HEAD), whose statements run without a transaction.
_READ_ONLY: Final = "unit_of_work.read_only"
#: Methods that never change anything (RFC 9110 9.2.1): their requests only read.
SAFE_METHODS: Final = frozenset({"GET", "HEAD"})


class RequestSession(Session):
    """The synchronous session behind each request's AsyncSession; it notes whether its transaction has written."""


class ReadOnlyRequestError(RuntimeError):
    """A read-only request (a safe method) tried to write: a bug, never committed."""


@event.listens_for(RequestSession, "before_flush")
def _refuse_flush_when_read_only(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    if session.info.get(_READ_ONLY) and (session.new or session.dirty or session.deleted):
        raise ReadOnlyRequestError("a GET or HEAD request tried to write")


@event.listens_for(RequestSession, "after_flush")
def _note_flush(session: Session, _flush: UOWTransaction) -> None:
    session.info[_WROTE] = True


@event.listens_for(RequestSession, "do_orm_execute")
def _note_write_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        if state.session.info.get(_READ_ONLY):
            raise ReadOnlyRequestError("a GET or HEAD request tried to write")
        state.session.info[_WROTE] = True
    elif (
        state.is_select
        and state.session.info.get(_READ_ONLY)
        and getattr(state.statement, "_for_update_arg", None) is not None
    ):
        raise ReadOnlyRequestError("a GET or HEAD request tried to lock rows")


def note_driver_write(session: AsyncSession) -> None:
    """A repository is about to write through the driver itself (impl/db/driver.py), where the session's events do
    not see it: refused in a read-only request, and remembered as a write (end_reading() refuses after one)."""
    if session.info.get(_READ_ONLY):
        raise ReadOnlyRequestError("a GET or HEAD request tried to write")
    session.info[_WROTE] = True


class RequestDatabase:
    """A request's way to the database, opened on first use: a request that never reaches the database opens
    nothing, and a read-only one on PostgreSQL whose statements all go straight to asyncpg (authorising it, reading
    one item, a list page) never builds an ORM session at all (see `reader()`).

    At most one pooled connection per request at any time: a session opened after a reader hands the reader's
    connection back first, so that requests can never hold one connection each while waiting for a second."""

    __slots__ = ("_connection", "_driver", "_engine", "_read_only", "_session", "_sessions")

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession] | None,
        *,
        read_only: bool = False,
        engine: AsyncEngine | None = None,
        session: AsyncSession | None = None,
    ) -> None:
        self._sessions = sessions
        self._read_only = read_only
        # Set only for a read-only request on PostgreSQL with a connection pool: where reader() checks its connection
        # out. (Without a pool, every connection is closed when handed back: the session's way costs the same.)
        self._engine = (
            engine
            if read_only
            and engine is not None
            and engine.dialect.name == "postgresql"
            and isinstance(engine.sync_engine.pool, QueuePool)
            else None
        )
        self._session = session
        self._connection: PoolProxiedConnection | None = None
        self._driver: asyncpg.Connection[Any] | None = None

    @classmethod
    def over(cls, session: AsyncSession) -> RequestDatabase:
        """The way to the database through an existing session (scripts, tests): reader() is its connection."""
        return cls(None, session=session)

    @property
    def session(self) -> AsyncSession:
        """The request's ORM session (opened now if it has none yet)."""
        if self._session is None:
            if self._sessions is None:
                raise RuntimeError("this request database has no sessions")
            self._release_reader()
            self._session = self._sessions(sync_session_class=RequestSession)
            if self._read_only:
                self._session.info[_READ_ONLY] = True
        return self._session

    @property
    def opened_session(self) -> AsyncSession | None:
        return self._session

    async def reader(self) -> asyncpg.Connection[Any] | None:
        """The asyncpg connection to read through, or None (SQLite: use the session).

        A read-only request (GET, HEAD) on PostgreSQL without a session reads on a pooled connection of its own,
        statement by statement (no transaction: at READ COMMITTED each statement sees what was committed when it
        began, as in the AUTOCOMMIT read session); otherwise the session's own connection (impl/db/driver.py).
        Valid until the request's session is opened, `end_reading()` or the end of the request: ask again after."""
        if self._driver is not None:
            return self._driver
        if self._engine is not None and self._session is None:
            self._connection = await self._engine.raw_connection()
            self._driver = self._connection.driver_connection
            return self._driver
        return await postgres_connection(self.session)

    def _release_reader(self) -> None:
        """Hand the reader's connection back now, from synchronous code (opening the session)."""
        connection = self._take_reader()
        if connection is None:
            return
        if _pool_keeps(connection):
            _hand_back(connection, broken=False)
        else:
            # The pool would close it (an overflow connection coming back to a full pool): closing awaits the
            # driver, which synchronous code cannot do here, so the event loop does it next.
            task = asyncio.get_running_loop().create_task(greenlet_spawn(connection.close))
            _closing.add(task)
            task.add_done_callback(_closing.discard)

    async def finish_reading(self, error: BaseException | None = None) -> None:
        """Hand the reader's connection back (dropped instead after an error that may have left it unusable)."""
        connection = self._take_reader()
        if connection is None:
            return
        broken = error is not None and (
            isinstance(error, asyncio.CancelledError) or database_unavailable_cause(error) is not None
        )
        if broken or _pool_keeps(connection):
            _hand_back(connection, broken=broken)
        else:
            await greenlet_spawn(connection.close)  # the pool closes it: see _release_reader

    def _take_reader(self) -> PoolProxiedConnection | None:
        connection, self._connection, self._driver = self._connection, None, None
        return connection


# Closings handed to the event loop (see _release_reader): referenced until done, as asyncio requires.
_closing: set[asyncio.Task[None]] = set()


def _pool_keeps(connection: PoolProxiedConnection) -> bool:
    """Whether the pool takes `connection` back without any I/O: a queue pool with room keeps it as it is (with no
    transaction open there is nothing to roll back); any other pool, or a full queue, closes it."""
    pool = getattr(connection, "_pool", None)
    return isinstance(pool, QueuePool) and pool.checkedin() < pool.size()


def _hand_back(connection: PoolProxiedConnection, *, broken: bool) -> None:
    if broken:
        # Broken, stuck, or interrupted mid-statement: dropped at once (the socket is closed without waiting for
        # the server; the pool opens a fresh one), never reused.
        connection.invalidate()
    else:
        connection.close()


_request: ContextVar[RequestDatabase] = ContextVar("request_database")


def current_database() -> RequestDatabase:
    try:
        return _request.get()
    except LookupError:
        raise RuntimeError("no request database: code reached the database outside a request scope") from None


def current_session() -> AsyncSession:
    """The request's ORM session (opened on first use)."""
    return current_database().session


async def end_reading() -> None:
    """End the request's transaction, which must only have read, and give its connection back.

    Rows loaded so far are detached: their values stay readable, but read a row again (locked, when it is to
    change) before writing it. The next query begins a new transaction, committed at the request boundary as
    usual. Raises RuntimeError after a write: a write is only ever committed by the request boundary.
    """
    database = current_database()
    await database.finish_reading()
    session = database.opened_session
    if session is None:
        return
    if session.info.get(_WROTE) or session.new or session.dirty or session.deleted:
        raise RuntimeError("end_reading() after a write: writes are committed at the request boundary only")
    session.expunge_all()
    await session.rollback()


def _is_read_only_request() -> bool:
    scope = current_scope.get()
    return scope is not None and scope.get("method") in SAFE_METHODS


class UnitOfWork:
    """``read_sessions`` (optional) serve the requests of safe methods: sessions on an AUTOCOMMIT connection, so
    that a read-only request pays no BEGIN and no COMMIT (two round trips of its four). At READ COMMITTED every
    statement sees the data committed when it starts either way, so a read answers the same; a read-only session
    refuses writes and row locks (ReadOnlyRequestError), which need the transaction."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], read_sessions: async_sessionmaker[AsyncSession] | None = None
    ) -> None:
        self._sessions = sessions
        self._read_sessions = read_sessions
        self.outage = OutageLog(logger, "database")

    @asynccontextmanager
    async def scope(self) -> AsyncIterator[RequestDatabase]:
        try:
            async with self._scope() as database:
                yield database
        except Exception as error:
            if database_unavailable_cause(error) is None:
                raise
            self.outage.failed(describe_database_error(error))
            raise DatabaseUnavailable() from None
        if self.outage.ongoing:
            self.outage.recovered()

    @asynccontextmanager
    async def _scope(self) -> AsyncIterator[RequestDatabase]:
        read_only = self._read_sessions is not None and _is_read_only_request()
        sessions = self._read_sessions if read_only and self._read_sessions is not None else self._sessions
        database = RequestDatabase(sessions, read_only=read_only, engine=sessions.kw.get("bind"))
        token = _request.set(database)
        try:
            yield database
        except BaseException as exc:
            await database.finish_reading(exc)
            session = database.opened_session
            if session is not None:
                async with session:  # closed on the way out (even if the request is cancelled meanwhile)
                    if database_unavailable_cause(exc) is not None:
                        # The connection is broken or stuck: a ROLLBACK would wait on it again. Drop it instead (the
                        # server rolls back what it has); the pool opens a fresh one for the next request.
                        await session.invalidate()
                    # Errors roll back, except the few whose point is to record something (see problems.py).
                    elif getattr(exc, "commit_changes", False):
                        await session.commit()
                    else:
                        await session.rollback()
            raise
        else:
            await database.finish_reading()
            session = database.opened_session
            if session is not None:
                async with session:
                    try:
                        await session.commit()
                    except Exception as exc:
                        if database_unavailable_cause(exc) is not None:
                            await session.invalidate()  # as above: closing would ROLLBACK on the stuck connection
                        raise
        finally:
            _request.reset(token)
