"""The request boundary: one session per request, committed (or rolled back) before the response is sent.

Implementations and repositories never commit; they reach the request's session through `current_session()`.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

_session: ContextVar[AsyncSession] = ContextVar("request_session")


def current_session() -> AsyncSession:
    try:
        return _session.get()
    except LookupError:
        raise RuntimeError("no request session: code reached the database outside a request scope") from None


class UnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @asynccontextmanager
    async def scope(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            token = _session.set(session)
            try:
                yield session
            except BaseException as exc:
                # Errors roll back, except the few whose point is to record something (see problems.py).
                if getattr(exc, "commit_changes", False):
                    await session.commit()
                else:
                    await session.rollback()
                raise
            else:
                await session.commit()
            finally:
                _session.reset(token)
