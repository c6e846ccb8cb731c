"""Password work holds nothing: no pooled connection, no transaction, no lock, on PostgreSQL and on SQLite.

`end_reading()` (impl/unit_of_work.py) ends a request's read-only transaction and gives its connection back; the
operations that hash (registration, the password grant, the password change) call it before the slow part. The
storm tests drive those operations through the same objects the composition root wires (the unit of work around
each call, as the generated routes do) with real Argon2 costs, and watch the pool while the hashes run.
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from generated import models
from impl.auth import Auth
from impl.db.engine import create_engine, create_session_factory
from impl.db.repositories import UserRepository
from impl.db.tables import UserRow
from impl.pagination import CursorCodec
from impl.principal import CurrentUser
from impl.security.passwords import PasswordHasher
from impl.security.tokens import AccessTokenCodec
from impl.unit_of_work import UnitOfWork, current_session, end_reading
from impl.users import Users
from tests.dbutil import migrated_engine, upgrade_to_head
from tests.settings import TEST_SECRET_KEY

T = TypeVar("T")
PASSWORD = "correct horse battery staple"
STORM = 8


@pytest.fixture(params=["postgresql", "sqlite"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated database of each backend behind a pooled engine, as the app runs it."""
    if request.param == "sqlite":
        sqlite_engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'password-work.db'}")
        await upgrade_to_head(sqlite_engine)
        yield sqlite_engine
        await sqlite_engine.dispose()
        return
    postgres_url: str = request.getfixturevalue("postgres_url")
    async with migrated_engine(postgres_url, "password_work") as postgres_engine:
        yield postgres_engine


def checked_out(engine: AsyncEngine) -> int:
    """Connections the pool has handed out right now."""
    count: int = engine.pool.checkedout()  # type: ignore[attr-defined]
    return count


# --- end_reading ------------------------------------------------------------------------------------------------


async def test_end_reading_gives_the_connection_back(engine: AsyncEngine) -> None:
    unit = UnitOfWork(create_session_factory(engine))
    async with unit.scope() as database:
        database.session.add(UserRow(email="ada@example.com", hashed_password="h"))
    async with unit.scope():
        row = await UserRepository(current_session()).get_by_email("ada@example.com")
        assert row is not None
        assert checked_out(engine) == 1
        await end_reading()
        assert checked_out(engine) == 0
        # Detached, but what was read stays readable.
        assert row.email == "ada@example.com"
        # Reading again begins a new transaction; the write in it is committed at the boundary as usual.
        again = await UserRepository(current_session()).get_for_update(row.id)
        assert again is not None
        again.full_name = "Ada"
    async with unit.scope():
        stored = await UserRepository(current_session()).get_by_email("ada@example.com")
        assert stored is not None
        assert stored.full_name == "Ada"


@pytest.mark.parametrize("how", ["orm", "statement", "pending"])
async def test_end_reading_refuses_after_a_write(engine: AsyncEngine, how: str) -> None:
    unit = UnitOfWork(create_session_factory(engine))
    async with unit.scope() as database:
        database.session.add(UserRow(email="ada@example.com", hashed_password="h"))

    async def write_then_end_reading() -> None:
        async with unit.scope() as database:
            session = database.session
            if how == "orm":
                session.add(UserRow(email="grace@example.com", hashed_password="h"))
                await session.flush()
            elif how == "statement":
                await session.execute(update(UserRow).values(full_name="changed"))
            else:
                session.add(UserRow(email="grace@example.com", hashed_password="h"))
            await end_reading()

    with pytest.raises(RuntimeError, match="after a write"):
        await write_then_end_reading()
    # The failed scope rolled back: nothing of it was committed.
    async with unit.scope() as database:
        rows = (await database.session.scalars(select(UserRow))).all()
        assert [(r.email, r.full_name) for r in rows] == [("ada@example.com", None)]


async def test_end_reading_releases_sqlites_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade_to_head(engine)
        unit = UnitOfWork(create_session_factory(engine))
        async with unit.scope():
            await UserRepository(current_session()).get_by_email("ada@example.com")
            assert not can_take_sqlite_write_lock(path)  # every transaction holds it (BEGIN IMMEDIATE)
            await end_reading()
            assert can_take_sqlite_write_lock(path)
    finally:
        await engine.dispose()


def can_take_sqlite_write_lock(path: Path) -> bool:
    """Whether another connection gets the write lock at once (no busy wait)."""
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        if "locked" not in str(error):
            raise
        return False
    finally:
        connection.close()
    return True


# --- storms -----------------------------------------------------------------------------------------------------


class Storm:
    """The objects the composition root wires, with the default Argon2 cost; `run` wraps a call in the unit of
    work as a generated route does."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        # The default cost and one hash at a time (the default); a queue long enough for the storm.
        self.passwords = PasswordHasher(max_waiting=3 * STORM)
        self.tokens = AccessTokenCodec(secret=TEST_SECRET_KEY, issuer="test", audience="test", ttl_seconds=900)
        self.auth = Auth(self.passwords, self.tokens, timedelta(days=1))
        self.users = Users(self.passwords, CursorCodec(TEST_SECRET_KEY))
        self.unit = UnitOfWork(create_session_factory(engine))
        self.violations: list[str] = []
        self.most_in_flight = 0

    async def run(self, call: Callable[[], Awaitable[T]]) -> T:
        async with self.unit.scope():
            return await call()

    async def watch(self, storm: Awaitable[list[T]]) -> list[T]:
        """Run the storm while checking, as often as the loop lets us, that every caller whose password work is
        admitted (running or queued) holds no connection: connections out <= callers - hashes in flight."""
        task = asyncio.ensure_future(storm)
        while not task.done():
            in_flight = self.passwords.in_flight  # read first: it only ever drops between the two reads
            out = checked_out(self.engine)
            self.most_in_flight = max(self.most_in_flight, in_flight)
            if out > STORM - in_flight:
                self.violations.append(f"{out} connections out while {in_flight} of {STORM} callers hash")
            await asyncio.sleep(0.001)  # polling, not synchronisation: the check above is the assertion
        return task.result()


async def add_accounts(storm: Storm, emails: list[str]) -> list[uuid.UUID]:
    """Accounts with PASSWORD, stored directly (one hash for all: the storm is what is measured)."""
    hashed = await storm.passwords.hash(PASSWORD)
    rows = [UserRow(email=email, hashed_password=hashed) for email in emails]
    async with storm.unit.scope() as database:
        database.session.add_all(rows)
    return [row.id for row in rows]


async def register(storm: Storm, email: str) -> uuid.UUID:
    created = await storm.run(
        lambda: storm.auth.register_user(idempotency_key=None, body=models.UserRegister(email=email, password=PASSWORD))
    )
    return created.body.id


def password_grant(storm: Storm, email: str) -> Callable[[], Awaitable[models.TokenResponse]]:
    body = models.TokenRequest(grant_type="password", username=email, password=PASSWORD)
    return lambda: storm.auth.issue_token(body=body)


def password_change(storm: Storm, user_id: uuid.UUID, new_password: str) -> Callable[[], Awaitable[None]]:
    async def call() -> None:
        # What the authenticator does first in every secured route: load the caller in the request's session.
        caller = await UserRepository(current_session()).get(user_id)
        assert caller is not None
        body = models.PasswordChange(current_password=PASSWORD, new_password=new_password)
        principal = CurrentUser(id=caller.id, is_superuser=False, token_version=caller.token_version)
        await storm.users.change_password(idempotency_key=None, body=body, principal=principal)

    return call


async def test_a_login_storm_holds_no_connection_while_hashing(engine: AsyncEngine) -> None:
    storm = Storm(engine)
    emails = [f"storm-{i}@example.com" for i in range(STORM)]
    await add_accounts(storm, emails)
    issued = await storm.watch(asyncio.gather(*(storm.run(password_grant(storm, e)) for e in emails)))
    assert len({t.refresh_token for t in issued}) == STORM
    assert storm.violations == []
    assert storm.most_in_flight >= STORM // 2, "the storm did not overlap: it proves nothing"


async def test_registrations_and_password_changes_hold_no_connection_while_hashing(engine: AsyncEngine) -> None:
    storm = Storm(engine)
    changers = await add_accounts(storm, [f"changer-{i}@example.com" for i in range(STORM // 2)])
    calls: list[Awaitable[object]] = [
        *(storm.run(password_change(storm, user_id, f"new password {i}")) for i, user_id in enumerate(changers)),
        *(register(storm, f"new-{i}@example.com") for i in range(STORM // 2)),
    ]
    await storm.watch(asyncio.gather(*calls))
    assert storm.violations == []
    assert storm.most_in_flight >= STORM // 2, "the storm did not overlap: it proves nothing"
    async with engine.connect() as connection:
        changed = (await connection.execute(select(UserRow.id).where(UserRow.token_version == 1))).scalars().all()
    assert set(changed) == set(changers)
