"""The request boundary: one session per request, committed (or rolled back) before the response is sent.

Implementations and repositories never commit; they reach the request's session through `current_session()`.
An operation that does slow work between reading and writing (checking a password) ends its read-only part with
`end_reading()`, so that nothing is held meanwhile: no pooled connection, no transaction, no lock (on SQLite every
transaction holds the database's write lock).
It is also the one place where "the database is unavailable" (down, frozen, too slow, out of connections) becomes
the declared 503 with `Retry-After`, whichever query of whichever operation met it (see impl/db/errors.py).
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Final

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from impl.db.errors import database_unavailable_cause, describe_database_error
from impl.observability.current_request import current_scope
from impl.outages import OutageLog
from impl.problems import DatabaseUnavailable

logger = logging.getLogger(__name__)

_session: ContextVar[AsyncSession] = ContextVar("request_session")

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


def current_session() -> AsyncSession:
    try:
        return _session.get()
    except LookupError:
        raise RuntimeError("no request session: code reached the database outside a request scope") from None


async def end_reading() -> None:
    """End the request's transaction, which must only have read, and give its connection back.

    Rows loaded so far are detached: their values stay readable, but read a row again (locked, when it is to
    change) before writing it. The next query begins a new transaction, committed at the request boundary as
    usual. Raises RuntimeError after a write: a write is only ever committed by the request boundary.
    """
    session = current_session()
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
    async def scope(self) -> AsyncIterator[AsyncSession]:
        try:
            async with self._scope() as session:
                yield session
        except Exception as error:
            if database_unavailable_cause(error) is None:
                raise
            self.outage.failed(describe_database_error(error))
            raise DatabaseUnavailable() from None
        if self.outage.ongoing:
            self.outage.recovered()

    @asynccontextmanager
    async def _scope(self) -> AsyncIterator[AsyncSession]:
        read_only = self._read_sessions is not None and _is_read_only_request()
        sessions = self._read_sessions if read_only and self._read_sessions is not None else self._sessions
        async with sessions(sync_session_class=RequestSession) as session:
            if read_only:
                session.info[_READ_ONLY] = True
            token = _session.set(session)
            try:
                yield session
            except BaseException as exc:
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
                try:
                    await session.commit()
                except Exception as exc:
                    if database_unavailable_cause(exc) is not None:
                        await session.invalidate()  # as above: closing would ROLLBACK on the stuck connection
                    raise
            finally:
                _session.reset(token)
