"""The request boundary: one session per request, committed (or rolled back) before the response is sent.

Implementations and repositories never commit; they reach the request's session through `current_session()`.
It is also the one place where "the database is unavailable" (down, frozen, too slow, out of connections) becomes
the declared 503 with `Retry-After`, whichever query of whichever operation met it (see impl/db/errors.py).
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from impl.db.errors import database_unavailable_cause, describe_database_error
from impl.outages import OutageLog
from impl.problems import DatabaseUnavailable

logger = logging.getLogger(__name__)

_session: ContextVar[AsyncSession] = ContextVar("request_session")


def current_session() -> AsyncSession:
    try:
        return _session.get()
    except LookupError:
        raise RuntimeError("no request session: code reached the database outside a request scope") from None


class UnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
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
        async with self._sessions() as session:
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
