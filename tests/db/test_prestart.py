"""scripts/prestart.py against real databases: a fresh PostgreSQL database and a SQLite file."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect, select, text
from sqlalchemy.engine import Engine, make_url

from impl.db.engine import create_engine, create_session_factory
from impl.db.repositories.users import UserRepository
from impl.db.tables import UserRow
from impl.security.passwords import PasswordHasher
from impl.settings import Settings
from scripts.prestart import (
    CREATE_DATABASE_ENV,
    EXIT_CONFIG,
    MIGRATION_LOCK_KEY,
    DatabaseMissingError,
    DatabaseRefusedError,
    SuperuserOutcome,
    ensure_first_superuser,
    main,
    migrate,
    prestart,
    wait_for_database,
)
from tests.dbutil import alembic_config, drop_database, fresh_database, unique_database_name

APP_TABLES = {"users", "items", "articles", "refresh_tokens", "idempotency_keys"}
EMAIL = "admin@example.com"
PASSWORD = "correct horse battery staple"
# Low but real Argon2 cost, as in test_passwords.py.
FAST_ARGON2: dict[str, Any] = {"argon2_time_cost": 1, "argon2_memory_cost_kib": 1024, "argon2_parallelism": 1}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings read the environment; only what the tests pass may count.
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture(params=["postgresql", "sqlite"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a new, empty database of each backend."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'prestart.db'}"
        return
    postgres_url: str = request.getfixturevalue("postgres_url")
    async with fresh_database(postgres_url, "prestart") as url:
        yield url


def make_settings(url: str, email: str | None = EMAIL, password: str | None = PASSWORD) -> Settings:
    return Settings(
        _env_file=None,
        database_url=url,
        first_superuser_email=email,
        first_superuser_password=password,
        **FAST_ARGON2,
    )


async def schema_state(url: str) -> tuple[set[str], str | None]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            tables = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
            revision = await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())
    finally:
        await engine.dispose()
    return tables, revision


async def all_users(url: str) -> list[UserRow]:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return list((await session.scalars(select(UserRow).order_by(UserRow.created_at))).all())
    finally:
        await engine.dispose()


async def password_matches(password: str, hashed: str) -> bool:
    ok, _ = await PasswordHasher(time_cost=1, memory_cost_kib=1024, parallelism=1).verify(password, hashed)
    return ok


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_prestart_migrates_and_creates_the_superuser(database_url: str) -> None:
    outcome = await prestart(make_settings(database_url), wait_seconds=10)

    assert outcome is SuperuserOutcome.CREATED
    assert await schema_state(database_url) == (APP_TABLES | {"alembic_version"}, head_revision())
    [user] = await all_users(database_url)
    assert user.email == EMAIL
    assert user.email_normalized == EMAIL
    assert user.is_superuser
    assert user.is_active
    assert user.token_version == 0
    assert user.created_at == user.updated_at
    assert await password_matches(PASSWORD, user.hashed_password)


async def test_prestart_twice_is_idempotent_and_keeps_the_password(database_url: str) -> None:
    await prestart(make_settings(database_url), wait_seconds=10)
    [first] = await all_users(database_url)

    # A changed setting must not reset the password of an account that exists.
    outcome = await prestart(make_settings(database_url, password="a different passphrase"), wait_seconds=10)

    assert outcome is SuperuserOutcome.UNCHANGED
    assert await schema_state(database_url) == (APP_TABLES | {"alembic_version"}, head_revision())
    [again] = await all_users(database_url)
    assert again.id == first.id
    assert again.is_superuser
    assert again.is_active
    assert again.hashed_password == first.hashed_password
    assert again.updated_at == first.updated_at
    assert await password_matches(PASSWORD, again.hashed_password)


async def test_an_existing_account_in_another_case_is_promoted(database_url: str) -> None:
    await migrate(database_url)
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            existing = await UserRepository(session).add(
                UserRow(email="Admin@EXAMPLE.com", hashed_password="existing-hash", is_active=False)
            )
            existing_id = existing.id
    finally:
        await engine.dispose()

    outcome = await prestart(make_settings(database_url, email=EMAIL), wait_seconds=10)

    assert outcome is SuperuserOutcome.PROMOTED
    [user] = await all_users(database_url)
    assert user.id == existing_id
    assert user.is_superuser
    assert user.is_active
    # Only the flags change: the email as typed and the password stay.
    assert user.email == "Admin@EXAMPLE.com"
    assert user.hashed_password == "existing-hash"


async def test_an_existing_account_is_looked_up_not_reinserted(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by a case-insensitive lookup: no password is hashed and no INSERT is tried (and refused) for it."""
    await migrate(database_url)
    await prestart(make_settings(database_url), wait_seconds=10)
    hashes: list[str] = []
    original_hash = PasswordHasher.hash

    async def counting_hash(self: PasswordHasher, password: str) -> str:
        hashes.append(password)
        return await original_hash(self, password)

    monkeypatch.setattr(PasswordHasher, "hash", counting_hash)
    with recorded_statements() as statements:
        outcome = await ensure_first_superuser(make_settings(database_url, email=EMAIL.upper()))

    assert outcome is SuperuserOutcome.UNCHANGED
    assert hashes == []
    assert not [s for s in statements if s.lstrip().upper().startswith("INSERT")], statements
    assert len(await all_users(database_url)) == 1


@contextmanager
def recorded_statements() -> Iterator[list[str]]:
    """Every SQL statement any engine sends meanwhile."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


async def test_without_a_configured_superuser_only_migrates(database_url: str) -> None:
    outcome = await prestart(make_settings(database_url, email=None, password=None), wait_seconds=10)

    assert outcome is SuperuserOutcome.SKIPPED
    assert await schema_state(database_url) == (APP_TABLES | {"alembic_version"}, head_revision())
    assert await all_users(database_url) == []


async def test_migrate_returns_the_head_revision(database_url: str) -> None:
    assert await migrate(database_url) == head_revision()
    assert await migrate(database_url) == head_revision()


async def test_concurrent_prestarts_migrate_once_and_create_one_superuser(database_url: str) -> None:
    """Several containers starting together: one migration wins, one account is created."""
    settings = make_settings(database_url)

    outcomes = await asyncio.gather(*(prestart(settings, wait_seconds=10) for _ in range(4)))

    assert sorted(outcomes) == sorted([SuperuserOutcome.CREATED] + [SuperuserOutcome.UNCHANGED] * 3)
    assert await schema_state(database_url) == (APP_TABLES | {"alembic_version"}, head_revision())
    [user] = await all_users(database_url)
    assert user.is_superuser


async def test_concurrent_bootstraps_after_migration_create_one_superuser(database_url: str) -> None:
    """The insert race itself: every bootstrap may see no account, only one insert may win."""
    await migrate(database_url)
    settings = make_settings(database_url)

    outcomes = await asyncio.gather(*(ensure_first_superuser(settings) for _ in range(4)))

    assert outcomes.count(SuperuserOutcome.CREATED) == 1
    assert outcomes.count(SuperuserOutcome.UNCHANGED) == 3
    assert len(await all_users(database_url)) == 1


async def wait_until_a_session_waits_for_a_lock(url: str, task: asyncio.Task[Any], deadline_s: float = 30.0) -> None:
    """Poll pg_stat_activity until another session of this database is blocked on a lock (or fail)."""
    engine = create_engine(url)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + deadline_s
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
    )
    try:
        async with engine.connect() as connection:
            while not await connection.scalar(query):
                assert not task.done(), "the task finished instead of waiting for the lock"
                assert loop.time() < deadline, "no session started waiting for the lock"
                await connection.rollback()  # a fresh snapshot of pg_stat_activity on the next poll
                await asyncio.sleep(0.02)
    finally:
        await engine.dispose()


async def test_migrations_wait_for_a_concurrent_prestart_on_postgresql(postgres_url: str) -> None:
    """The advisory lock: a second prestart migrates only once the first one's transaction ends."""
    async with fresh_database(postgres_url, "prestart_lock") as url:
        holder = create_engine(url)
        try:
            async with holder.connect() as connection:
                # What a concurrent migrate() holds for the length of its migration transaction.
                await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                task = asyncio.create_task(migrate(url))
                await wait_until_a_session_waits_for_a_lock(url, task)
                assert await connection.run_sync(lambda sync: inspect(sync).get_table_names()) == []
                await connection.commit()  # releases the lock
            assert await task == head_revision()
        finally:
            await holder.dispose()
        assert await schema_state(url) == (APP_TABLES | {"alembic_version"}, head_revision())


async def test_losing_the_insert_race_on_postgresql_promotes_the_winner(postgres_url: str) -> None:
    """The bootstrap sees no account, but another transaction inserts it first: no error, one account."""
    async with fresh_database(postgres_url, "prestart_race") as url:
        await migrate(url)
        engine = create_engine(url)
        try:
            async with create_session_factory(engine)() as other:
                # Another writer's insert of the same email (another case), not committed yet.
                await other.begin()
                winner = UserRow(email="ADMIN@example.com", hashed_password="winner-hash")
                await UserRepository(other).add(winner)
                task = asyncio.create_task(ensure_first_superuser(make_settings(url)))
                # Its SELECT saw nothing; its INSERT now waits on the uncommitted duplicate key.
                await wait_until_a_session_waits_for_a_lock(url, task)
                await other.commit()
            assert await task is SuperuserOutcome.PROMOTED
        finally:
            await engine.dispose()
        [user] = await all_users(url)
        assert user.id == winner.id
        assert user.is_superuser
        assert user.hashed_password == "winner-hash"


# --- a database that answers "no" -------------------------------------------------------------------------


@pytest.fixture
async def missing_database_url(postgres_url: str) -> AsyncIterator[str]:
    """The URL of a database that does not exist (yet) on the test server; dropped afterwards if created."""
    name = unique_database_name("prestart_missing")
    yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    await drop_database(postgres_url, name)


async def test_a_missing_database_is_reported_at_once_not_waited_for(
    missing_database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="scripts.prestart")

    with pytest.raises(DatabaseMissingError) as raised:
        await wait_for_database(missing_database_url, deadline_s=60)

    name = make_url(missing_database_url).database
    assert f'database "{name}" does not exist' in str(raised.value)
    assert "createdb" in str(raised.value)
    # Not one retry, and so none of the warnings that used to fill a minute.
    assert not [record for record in caplog.records if "not ready" in record.getMessage()]


async def test_an_unknown_user_is_refused_at_once(postgres_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="scripts.prestart")
    stranger = make_url(postgres_url).set(username="no_such_role_here", password="guess")

    with pytest.raises(DatabaseRefusedError) as raised:
        await wait_for_database(stranger.render_as_string(hide_password=False), deadline_s=60)

    assert not isinstance(raised.value, DatabaseMissingError)
    assert "no_such_role_here" in str(raised.value)
    assert "guess" not in str(raised.value)
    assert not [record for record in caplog.records if "not ready" in record.getMessage()]


def test_main_says_how_to_create_a_missing_database(
    missing_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", missing_database_url)
    monkeypatch.delenv(CREATE_DATABASE_ENV, raising=False)

    assert main([]) == EXIT_CONFIG

    err = capsys.readouterr().err
    name = make_url(missing_database_url).database
    assert "createdb " in err
    assert err.rstrip().count(name or "-") >= 2  # named in the reason and in the command
    assert "--create-database" in err
    assert "Traceback" not in err


async def test_asked_to_it_creates_the_missing_database_then_migrates(missing_database_url: str) -> None:
    settings = make_settings(missing_database_url)

    outcome = await prestart(settings, wait_seconds=10, create_missing_database=True)

    assert outcome is SuperuserOutcome.CREATED
    assert await schema_state(missing_database_url) == (APP_TABLES | {"alembic_version"}, head_revision())
    # And again, with the database there: nothing to create, nothing to change.
    assert await prestart(settings, wait_seconds=10, create_missing_database=True) is SuperuserOutcome.UNCHANGED


async def test_concurrent_prestarts_asked_to_create_the_database_all_succeed(missing_database_url: str) -> None:
    settings = make_settings(missing_database_url)

    outcomes = await asyncio.gather(
        *(prestart(settings, wait_seconds=30, create_missing_database=True) for _ in range(3))
    )

    assert sorted(outcomes).count(SuperuserOutcome.CREATED) == 1
    assert await schema_state(missing_database_url) == (APP_TABLES | {"alembic_version"}, head_revision())
    assert len(await all_users(missing_database_url)) == 1
