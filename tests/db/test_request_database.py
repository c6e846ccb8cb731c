"""The request database (impl/unit_of_work.py): opened on first use, one pooled connection per request at a time.

A read-only request (GET, HEAD) on PostgreSQL reads on an asyncpg connection of its own, with no ORM session; a
session opened later hands that connection back first; the connection goes back to the pool when the request ends,
and is dropped (never reused) when the request was interrupted or the database failed under it. Write requests
read through their session's connection, inside its transaction, as before.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from impl import unit_of_work as unit_of_work_module
from impl.db.engine import create_engine, create_read_session_factory, create_session_factory
from impl.db.repositories import UserRepository
from impl.db.tables import UserRow
from impl.observability.current_request import current_scope
from impl.unit_of_work import UnitOfWork, current_database, current_session
from tests.dbutil import migrated_engine, upgrade_to_head


@pytest.fixture
async def engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated PostgreSQL database behind a pooled engine, as the app runs it."""
    async with migrated_engine(postgres_url, "request_database") as postgres_engine:
        yield postgres_engine


def unit_of_work(engine: AsyncEngine) -> UnitOfWork:
    return UnitOfWork(create_session_factory(engine), create_read_session_factory(engine))


@contextmanager
def request(method: str) -> Iterator[None]:
    """What the observability middleware records for each request: the unit of work reads the method from it."""
    token = current_scope.set({"type": "http", "method": method, "path": "/v1/items"})
    try:
        yield
    finally:
        current_scope.reset(token)


def checked_out(engine: AsyncEngine) -> int:
    count: int = engine.pool.checkedout()  # type: ignore[attr-defined]
    return count


def idle(engine: AsyncEngine) -> int:
    count: int = engine.pool.checkedin()  # type: ignore[attr-defined]
    return count


async def add_user(engine: AsyncEngine, email: str) -> uuid.UUID:
    with request("POST"):
        async with unit_of_work(engine).scope() as database:
            row = UserRow(email=email, hashed_password="h")
            database.session.add(row)
    return row.id


async def test_a_read_only_request_reads_without_a_session(engine: AsyncEngine) -> None:
    user_id = await add_user(engine, "ada@example.com")
    with request("GET"):
        async with unit_of_work(engine).scope() as database:
            assert checked_out(engine) == 0  # nothing opened before the first statement
            state = await UserRepository(current_database()).access_state(user_id)
            assert state is not None
            assert state.is_active
            assert checked_out(engine) == 1
            assert database.opened_session is None
            reader = await database.reader()
            assert reader is not None
            assert not reader.is_in_transaction()  # statement by statement: no BEGIN, no COMMIT
        assert checked_out(engine) == 0
        assert idle(engine) == 1  # handed back to the pool, not closed


async def test_a_session_opened_after_the_reader_takes_its_place(engine: AsyncEngine) -> None:
    user_id = await add_user(engine, "ada@example.com")
    with request("GET"):
        async with unit_of_work(engine).scope() as database:
            await UserRepository(current_database()).access_state(user_id)
            assert checked_out(engine) == 1
            session = current_session()
            assert checked_out(engine) == 0  # the reader's connection went back first
            rows = (await session.scalars(select(UserRow))).all()
            assert [row.id for row in rows] == [user_id]
            assert checked_out(engine) == 1
            # Further reads go through the session's connection: never a second one.
            assert await UserRepository(current_database()).access_state(user_id) is not None
            assert checked_out(engine) == 1
            assert database.opened_session is session
        assert checked_out(engine) == 0


async def test_reads_see_what_was_committed_meanwhile(engine: AsyncEngine) -> None:
    """Authorisation reads the account as committed now: a deactivation committed between two statements of a
    read-only request is seen by the second (no transaction snapshot holds the old state)."""
    user_id = await add_user(engine, "ada@example.com")
    with request("GET"):
        async with unit_of_work(engine).scope():
            users = UserRepository(current_database())
            before = await users.access_state(user_id)
            assert before is not None
            assert before.is_active
            with request("PATCH"):
                async with unit_of_work(engine).scope():
                    row = await UserRepository(current_database()).get_for_update(user_id)
                    assert row is not None
                    row.is_active = False
            after = await users.access_state(user_id)
            assert after is not None
            assert not after.is_active


async def test_a_request_that_fails_hands_its_connection_back(engine: AsyncEngine) -> None:
    user_id = await add_user(engine, "ada@example.com")
    with request("GET"), pytest.raises(LookupError):  # noqa: PT012 (the request is the block)
        async with unit_of_work(engine).scope():
            await UserRepository(current_database()).access_state(user_id)
            raise LookupError("not found")  # an ordinary refusal (404 and the like)
    assert checked_out(engine) == 0
    assert idle(engine) == 1


async def test_an_interrupted_request_drops_its_connection(engine: AsyncEngine) -> None:
    """Cancelled mid-statement (the client went away), the connection may still be busy: never reused."""
    await add_user(engine, "ada@example.com")
    started = asyncio.Event()
    interrupted: list[object] = []

    async def slow_read() -> None:
        with request("GET"):
            async with unit_of_work(engine).scope() as database:
                reader = await database.reader()
                assert reader is not None
                interrupted.append(reader)
                started.set()
                await reader.fetchval("SELECT pg_sleep(30)")

    task = asyncio.create_task(slow_read())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert checked_out(engine) == 0
    [dropped] = interrupted
    assert dropped.is_closed()  # type: ignore[attr-defined]
    # The pool opens a fresh connection for the next request.
    with request("GET"):
        async with unit_of_work(engine).scope() as database:
            reader = await database.reader()
            assert reader is not None
            assert reader is not dropped
            assert await reader.fetchval("SELECT 1") == 1


async def test_write_requests_read_inside_their_transaction(engine: AsyncEngine) -> None:
    user_id = await add_user(engine, "ada@example.com")
    with request("POST"):
        async with unit_of_work(engine).scope() as database:
            assert await UserRepository(current_database()).access_state(user_id) is not None
            assert database.opened_session is not None
            assert checked_out(engine) == 1


async def test_sqlite_reads_through_the_session(tmp_path: Path) -> None:
    sqlite_engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'reads.db'}")
    try:
        await upgrade_to_head(sqlite_engine)
        user_id = await add_user(sqlite_engine, "ada@example.com")
        with request("GET"):
            async with UnitOfWork(create_session_factory(sqlite_engine)).scope() as database:
                assert await database.reader() is None
                assert await UserRepository(current_database()).access_state(user_id) is not None
                assert database.opened_session is not None
    finally:
        await sqlite_engine.dispose()


@pytest.mark.parametrize("opens_session", [False, True], ids=["request-end", "session-opened"])
async def test_an_overflow_connection_is_closed_when_handed_back(postgres_url: str, opens_session: bool) -> None:
    """A pool of one with one overflow: the second reader's connection is closed when it comes back to a full pool
    (closing awaits the driver: at the end of a request, and when a session takes the reader's place)."""
    async with migrated_engine(postgres_url, "request_database_overflow", pool_size=1, max_overflow=1) as small:
        user_id = await add_user(small, "ada@example.com")
        both_reading = asyncio.Barrier(2)
        readers: list[object] = []

        async def read(*, then_session: bool) -> None:
            with request("GET"):
                async with unit_of_work(small).scope() as database:
                    assert await UserRepository(current_database()).access_state(user_id) is not None
                    readers.append(await database.reader())
                    await both_reading.wait()  # both connections out: one pooled, one overflow
                    if then_session:
                        session = current_session()
                        assert (await session.scalars(select(UserRow.id))).all() == [user_id]

        await asyncio.gather(read(then_session=opens_session), read(then_session=opens_session))
        await asyncio.gather(*unit_of_work_module._closing)
        assert checked_out(small) == 0
        assert idle(small) == 1  # the pooled one kept, the overflow one closed
        assert sum(reader.is_closed() for reader in readers) == 1  # type: ignore[attr-defined]


async def test_without_a_pool_reads_go_through_the_session(postgres_url: str) -> None:
    """Without a pool every connection handed back is closed: a reader of its own would save nothing."""
    async with migrated_engine(postgres_url, "request_database_nullpool", poolclass=NullPool) as unpooled:
        user_id = await add_user(unpooled, "ada@example.com")
        with request("GET"):
            async with unit_of_work(unpooled).scope() as database:
                assert await UserRepository(current_database()).access_state(user_id) is not None
                assert database.opened_session is not None
