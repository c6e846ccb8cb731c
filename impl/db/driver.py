"""The request's PostgreSQL connection as asyncpg itself, for the hottest reads (authorising every request,
reading one item): a statement sent straight to asyncpg costs a fraction of the same statement through the ORM
(no greenlet switch, no compilation cache lookup, no identity map). The connection is the request session's own,
checked out from the same pool, so the unit of work (its transaction, its 503s) covers it as it covers the ORM.

SQLite has no such path (None): the repositories use SQLAlchemy there.
"""

from __future__ import annotations

from typing import Any, Final

import asyncpg
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

__all__ = ["forget_driver_connection", "postgres_connection", "postgres_transaction"]

_KEY: Final = "driver.connection"


async def postgres_connection(session: AsyncSession) -> asyncpg.Connection[Any] | None:
    """The asyncpg connection under `session` (checked out now if it has none yet); None unless PostgreSQL.

    Valid until the session's transaction ends (commit, rollback, `end_reading()`): the connection then goes back
    to the pool, and the next call checks one out again."""
    bind = session.bind
    if bind is None or bind.dialect.name != "postgresql":
        return None
    cached = session.info.get(_KEY)
    if cached is not None:
        return cached
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: asyncpg.Connection[Any] = raw.driver_connection
    session.info[_KEY] = driver
    return driver


async def postgres_transaction(session: AsyncSession) -> asyncpg.Connection[Any] | None:
    """As postgres_connection, inside the session's transaction (begun now if it has not yet): what is written
    through it is committed or rolled back with everything else at the request boundary. None unless PostgreSQL,
    and for a session whose connection runs without a transaction (AUTOCOMMIT: a read-only request's)."""
    driver = await postgres_connection(session)
    if driver is None:
        return None
    connection = await session.connection()
    adapter: Any = (await connection.get_raw_connection()).dbapi_connection
    if adapter.autocommit:
        return None
    if adapter._transaction is None:  # SQLAlchemy's asyncpg adapter begins its transaction with the first statement
        await adapter._start_transaction()
    return driver


def forget_driver_connection(session: Session) -> None:
    session.info.pop(_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_on_transaction_end(session: Session, _transaction: SessionTransaction) -> None:
    # The session gave its connection back (or is about to): never reach it again through the cache.
    session.info.pop(_KEY, None)
