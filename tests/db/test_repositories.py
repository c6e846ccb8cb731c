"""Repositories and column types against real databases: every test runs on PostgreSQL and SQLite."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from impl.db.engine import create_engine, create_session_factory
from impl.db.repositories import (
    AccountGoneError,
    ArticleRepository,
    EmailTakenError,
    ItemRepository,
    RefreshTokenRepository,
    UserRepository,
    article_key,
    item_key,
    user_key,
)
from impl.db.repositories._sql import binary_order
from impl.db.tables import ArticleRow, Base, ItemRow, RefreshTokenRow, UserRow
from impl.db.types import Money, UTCDateTime, utcnow
from impl.pagination import ArticleKey, CursorCodec, ItemKey, UserKey
from tests.dbutil import migrated_engine, upgrade_to_head

Sessions = async_sessionmaker[AsyncSession]
CURSORS = CursorCodec("repository-tests-cursor-secret")
T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
async def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[AsyncEngine]:
    """A migrated database of each backend, shared by this module's tests (see ``sessions``)."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("sqlite") / "repositories.db"
        sqlite_engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade_to_head(sqlite_engine)
        yield sqlite_engine
        await sqlite_engine.dispose()
        return
    postgres_url: str = request.getfixturevalue("postgres_url")
    async with migrated_engine(postgres_url, "repositories") as postgres_engine:
        yield postgres_engine


@pytest.fixture
async def sessions(engine: AsyncEngine) -> AsyncIterator[Sessions]:
    """The app's session factory; every table is emptied after the test (tests commit for real)."""
    yield create_session_factory(engine)
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())


# --- builders -------------------------------------------------------------------------------------

_emails = itertools.count()


def new_user(email: str | None = None, **fields: Any) -> UserRow:
    return UserRow(email=email or f"user{next(_emails)}@example.com", hashed_password="not-a-real-hash", **fields)


def new_item(owner: UserRow, **fields: Any) -> ItemRow:
    fields.setdefault("name", "Lamp")
    fields.setdefault("price", Decimal("19.99"))
    return ItemRow(owner_id=owner.id, **fields)


def new_article(author: UserRow, published_at: datetime | None, **fields: Any) -> ArticleRow:
    fields.setdefault("title", "On the Analytical Engine")
    return ArticleRow(
        author_id=author.id,
        body="The engine weaves algebraic patterns.",
        published=published_at is not None,
        published_at=published_at,
        **fields,
    )


def new_token(user: UserRow, **fields: Any) -> RefreshTokenRow:
    fields.setdefault("family_id", uuid.uuid4())
    return RefreshTokenRow(
        user_id=user.id,
        token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
        expires_at=utcnow() + timedelta(days=30),
        **fields,
    )


async def add_user(sessions: Sessions, email: str | None = None, **fields: Any) -> UserRow:
    async with sessions() as session, session.begin():
        return await UserRepository(session).add(new_user(email, **fields))


@contextmanager
def counting_selects(engine: AsyncEngine) -> Iterator[list[str]]:
    selects: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield selects
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


# --- column types ---------------------------------------------------------------------------------

MONEY_VALUES = ["0.01", "0.10", "19.99", "999999.99", "1000000.00"]


async def test_money_round_trips_exactly(sessions: Sessions, engine: AsyncEngine) -> None:
    owner = await add_user(sessions)
    async with sessions() as session, session.begin():
        for value in MONEY_VALUES:
            await ItemRepository(session).add(new_item(owner, name=value, price=Decimal(value)))

    async with sessions() as session:
        stored = {row.name: row.price for row in await session.scalars(select(ItemRow))}
        if engine.dialect.name == "sqlite":
            # Integer cents, not SQLite's float-backed NUMERIC.
            kinds = set((await session.execute(text("SELECT typeof(price) FROM items"))).scalars())
            assert kinds == {"integer"}
    assert {name: str(price) for name, price in stored.items()} == {value: value for value in MONEY_VALUES}
    assert all(isinstance(price, Decimal) for price in stored.values())


async def test_money_compares_and_sorts_as_numbers(sessions: Sessions) -> None:
    owner = await add_user(sessions)
    async with sessions() as session, session.begin():
        for value in ["10.49", "10.50", "10.51", "9.99", "100.00", "1000000.00", "0.01"]:
            await ItemRepository(session).add(new_item(owner, name=value, price=Decimal(value)))

    async with sessions() as session:
        at_least = await session.scalars(
            select(ItemRow.name).where(ItemRow.price >= Decimal("10.5")).order_by(ItemRow.price)
        )
        assert list(at_least) == ["10.50", "10.51", "100.00", "1000000.00"]
        in_range = await ItemRepository(session).list_page(
            owner_id=owner.id,
            limit=10,
            after=None,
            sort="price",
            status=None,
            q=None,
            min_price=Decimal("0.01"),
            max_price=Decimal("10.5"),
        )
        assert [row.name for row in in_range] == ["0.01", "9.99", "10.49", "10.50"]


@pytest.mark.parametrize("url", ["postgresql+asyncpg://", "sqlite+aiosqlite://"])
def test_money_refuses_inexact_input(url: str) -> None:
    dialect = make_url(url).get_dialect()()
    money = Money()
    with pytest.raises(TypeError):
        money.process_bind_param(0.1, dialect)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="two decimal places"):
        money.process_bind_param(Decimal("0.001"), dialect)
    with pytest.raises(ValueError, match="finite"):
        money.process_bind_param(Decimal("NaN"), dialect)
    with pytest.raises(ValueError, match="at most"):
        money.process_bind_param(Decimal("1E+30"), dialect)


async def test_datetimes_come_back_aware_utc(sessions: Sessions) -> None:
    plus_two = timezone(timedelta(hours=2))
    early = datetime(2026, 1, 1, 10, 0, 0, 123456, tzinfo=plus_two)  # 08:00:00.123456Z
    late = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    async with sessions() as session, session.begin():
        late_user = await UserRepository(session).add(new_user(created_at=late))
        early_user = await UserRepository(session).add(new_user(created_at=early))

    async with sessions() as session:
        rows = list(await session.scalars(select(UserRow).order_by(UserRow.created_at)))
    # Stored as UTC, so ordering is by instant, not by local wall-clock text.
    assert [row.id for row in rows] == [early_user.id, late_user.id]
    assert rows[0].created_at == early
    assert rows[0].created_at.tzinfo is UTC
    assert rows[0].created_at.isoformat() == "2026-01-01T08:00:00.123456+00:00"
    assert all(row.updated_at.tzinfo is UTC for row in rows)


async def test_naive_datetimes_are_refused(sessions: Sessions, engine: AsyncEngine) -> None:
    async with sessions() as session, session.begin():
        with pytest.raises(StatementError) as caught:
            await UserRepository(session).add(new_user(created_at=datetime(2026, 1, 1)))
        assert isinstance(caught.value.orig, ValueError)
        await session.rollback()
    assert UTCDateTime().process_result_value(datetime(2026, 1, 1), engine.dialect) == datetime(2026, 1, 1, tzinfo=UTC)


# --- users ----------------------------------------------------------------------------------------


async def test_email_is_unique_case_insensitively(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        users = UserRepository(session)
        ada = await users.add(new_user("Ada@Example.com"))
        with pytest.raises(EmailTakenError):
            await users.add(new_user("ada@EXAMPLE.com"))
        # The savepoint kept the transaction usable.
        grace = await users.add(new_user("grace@example.com"))

    async with sessions() as session, session.begin():
        users = UserRepository(session)
        found = await users.get_by_email("ADA@example.COM")
        assert found is not None
        assert found.id == ada.id
        assert found.email == "Ada@Example.com"
        assert found.email_normalized == "ada@example.com"

        grace_row = await users.get(grace.id)
        assert grace_row is not None
        with pytest.raises(EmailTakenError):
            await users.update_email(grace_row, "ADA@example.com")
        # The failed change is undone and the row is readable (reloaded, not expired).
        assert grace_row.email == "grace@example.com"
        await users.update_email(grace_row, "Grace.Hopper@example.com")

    async with sessions() as session:
        assert await UserRepository(session).get_by_email("grace.hopper@EXAMPLE.com") is not None


async def test_concurrent_registrations_of_one_email_admit_exactly_one(sessions: Sessions) -> None:
    async def register(attempt: int) -> bool:
        # Each attempt spells the same address in a different mix of upper and lower case.
        email = "".join(c.upper() if attempt >> i & 1 else c for i, c in enumerate("race@example.com"))
        async with sessions() as session, session.begin():
            try:
                await UserRepository(session).add(new_user(email))
            except EmailTakenError:
                return False
            return True

    outcomes = await asyncio.gather(*(register(attempt) for attempt in range(20)))
    assert outcomes.count(True) == 1
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(UserRow)) == 1


async def test_users_list_page_walks_every_user_once_oldest_first(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        users = UserRepository(session)
        for index in range(11):
            # Three users share each timestamp: the id breaks the ties.
            await users.add(new_user(created_at=T0 + timedelta(seconds=index // 3)))
        expected = [
            row.id for row in sorted(await session.scalars(select(UserRow)), key=lambda row: (row.created_at, row.id))
        ]

    seen: list[uuid.UUID] = []
    after: UserKey | None = None
    async with sessions() as session:
        while True:
            page = await UserRepository(session).list_page(
                limit=4, after=after, q=None, is_active=None, is_superuser=None
            )
            seen += [row.id for row in page[:4]]
            if len(page) <= 4:
                break
            after = CURSORS.decode_user_key(CURSORS.encode_user_key(user_key(page[3])))
    assert seen == expected


async def test_users_list_page_filters(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        users = UserRepository(session)
        await users.add(new_user("ada@example.com", full_name="Ada Lovelace"))
        await users.add(new_user("root@example.com", full_name="Admin", is_superuser=True))
        await users.add(new_user("gone@example.com", full_name="Gone", is_active=False))

    async with sessions() as session:
        users = UserRepository(session)

        async def emails(**filters: Any) -> set[str]:
            defaults: dict[str, Any] = {"q": None, "is_active": None, "is_superuser": None}
            page = await users.list_page(limit=10, after=None, **(defaults | filters))
            return {row.email for row in page}

        assert await emails(q="LOVELACE") == {"ada@example.com"}  # full name, any case
        assert await emails(q="ROOT@") == {"root@example.com"}  # email, any case
        assert await emails(is_superuser=True) == {"root@example.com"}
        assert await emails(is_active=False) == {"gone@example.com"}
        assert await emails(is_active=True, is_superuser=False) == {"ada@example.com"}


async def test_search_treats_like_wildcards_literally(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        users = UserRepository(session)
        owner = await users.add(new_user("100%sure@example.com", full_name="Under_Score"))
        await users.add(new_user("100xsure@example.com", full_name="UnderXScore"))
        await users.add(new_user("back@example.com", full_name="Back\\Slash/Slash"))
        for name in ["100% cotton", "100 cotton", "a_b", "axb", "c/d", "c\\d", "ÄPFEL"]:
            await ItemRepository(session).add(new_item(owner, name=name))
        for title in ["50% off", "50 off", "snake_case", "snakeXcase"]:
            await ArticleRepository(session).add(new_article(owner, published_at=T0, title=title))

    async with sessions() as session:

        async def user_emails(q: str) -> set[str]:
            page = await UserRepository(session).list_page(limit=10, after=None, q=q, is_active=None, is_superuser=None)
            return {row.email for row in page}

        async def item_names(q: str) -> set[str]:
            page = await ItemRepository(session).list_page(
                owner_id=owner.id,
                limit=10,
                after=None,
                sort="name",
                status=None,
                q=q,
                min_price=None,
                max_price=None,
            )
            return {row.name for row in page}

        async def article_titles(q: str) -> set[str]:
            page = await ArticleRepository(session).list_published_page(limit=10, after=None, author_id=None, q=q)
            return {row.title for row in page}

        assert await user_emails("0%s") == {"100%sure@example.com"}
        assert await user_emails("r_s") == {"100%sure@example.com"}
        assert await user_emails("\\") == {"back@example.com"}
        assert await user_emails("%") == {"100%sure@example.com"}
        assert await item_names("0%") == {"100% cotton"}
        assert await item_names("COTTON") == {"100% cotton", "100 cotton"}
        assert await item_names("a_b") == {"a_b"}
        assert await item_names("_") == {"a_b"}
        assert await item_names("/") == {"c/d"}
        assert await item_names("\\") == {"c\\d"}
        assert await item_names("äpfel") == {"ÄPFEL"}  # non-ASCII case folding on both backends
        assert await article_titles("0%") == {"50% off"}
        assert await article_titles("e_c") == {"snake_case"}


# --- items ----------------------------------------------------------------------------------------

ITEM_SORT_KEYS: dict[str, Callable[[ItemRow], Any]] = {
    "created_at": lambda row: row.created_at,
    "price": lambda row: row.price,
    # Code point order (as Python sorts str) on both backends, whatever PostgreSQL's locale.
    "name": lambda row: row.name,
}


@pytest.mark.parametrize("sort", ["created_at", "-created_at", "price", "-price", "name", "-name"])
async def test_item_keyset_pagination_returns_every_row_once(sessions: Sessions, sort: str) -> None:
    owner = await add_user(sessions)
    stranger = await add_user(sessions)
    names = ["lamp", "Lamp", "ÄPFEL", "apfel", "zebra", "Zebra", "lamp"]
    prices = [Decimal("0.01"), Decimal("19.99"), Decimal("19.99"), Decimal("1000000.00"), Decimal("5.50")]
    async with sessions() as session, session.begin():
        items = ItemRepository(session)
        # Few distinct values per sort key, so every page boundary falls inside a run of ties.
        for index in range(23):
            await items.add(
                new_item(
                    owner,
                    name=names[index % len(names)],
                    price=prices[index % len(prices)],
                    created_at=T0 + timedelta(seconds=index % 4),
                )
            )
        await items.add(new_item(stranger))
        rows = list(await session.scalars(select(ItemRow).where(ItemRow.owner_id == owner.id)))

    field = sort.removeprefix("-")
    expected = [
        row.id
        for row in sorted(rows, key=lambda row: (ITEM_SORT_KEYS[field](row), row.id), reverse=sort.startswith("-"))
    ]

    seen: list[uuid.UUID] = []
    after: ItemKey | None = None
    async with sessions() as session:
        for _ in range(len(rows)):
            page = await ItemRepository(session).list_page(
                owner_id=owner.id,
                limit=4,
                after=after,
                sort=sort,
                status=None,
                q=None,
                min_price=None,
                max_price=None,
            )
            seen += [row.id for row in page[:4]]
            if len(page) <= 4:
                break
            # Through the cursor text, as the API does.
            after = CURSORS.decode_item_key(CURSORS.encode_item_key(item_key(page[3])))
    assert seen == expected


async def test_item_filters_and_lifecycle(sessions: Sessions) -> None:
    owner = await add_user(sessions)
    async with sessions() as session, session.begin():
        items = ItemRepository(session)
        draft = await items.add(new_item(owner, name="Draft lamp", tags=["lighting", "brass"]))
        await items.add(new_item(owner, name="Live lamp", status="published"))
        assert draft.status == "draft"

    async with sessions() as session, session.begin():
        items = ItemRepository(session)
        page = await items.list_page(
            owner_id=owner.id,
            limit=10,
            after=None,
            sort="-created_at",
            status="published",
            q=None,
            min_price=None,
            max_price=None,
        )
        assert [row.name for row in page] == ["Live lamp"]
        loaded = await items.get(draft.id)
        assert loaded is not None
        assert loaded.tags == ["lighting", "brass"]
        assert await items.delete(loaded.id) is True
        assert await items.delete(loaded.id) is False  # gone: the second delete finds nothing

    async with sessions() as session:
        assert await ItemRepository(session).get(draft.id) is None


# --- articles -------------------------------------------------------------------------------------


async def test_published_feed_is_one_select_newest_first(sessions: Sessions, engine: AsyncEngine) -> None:
    ada = await add_user(sessions, full_name="Ada Lovelace")
    grace = await add_user(sessions, full_name="Grace Hopper")
    async with sessions() as session, session.begin():
        articles = ArticleRepository(session)
        for index in range(7):
            author = ada if index % 2 else grace
            # Pairs share a publication time: the id breaks the ties.
            await articles.add(new_article(author, published_at=T0 + timedelta(minutes=index // 2)))
        await articles.add(new_article(ada, published_at=None, title="Draft"))
        published = [
            row.id
            for row in await session.scalars(
                select(ArticleRow)
                .where(ArticleRow.published_at.is_not(None))
                .order_by(ArticleRow.published_at.desc(), ArticleRow.id.desc())
            )
        ]

    seen: list[uuid.UUID] = []
    after: ArticleKey | None = None
    async with sessions() as session:
        articles = ArticleRepository(session)
        while True:
            with counting_selects(engine) as selects:
                page = await articles.list_published_page(limit=3, after=after, author_id=None, q=None)
                # Authors came with the page (lazy="raise" would raise otherwise).
                authors = {row.author.full_name for row in page}
            assert len(selects) == 1, selects
            assert authors <= {"Ada Lovelace", "Grace Hopper"}
            seen += [row.id for row in page[:3]]
            if len(page) <= 3:
                break
            after = CURSORS.decode_article_key(CURSORS.encode_article_key(article_key(page[2])))
        assert seen == published

        by_ada = await articles.list_published_page(limit=10, after=None, author_id=ada.id, q=None)
        assert {row.author_id for row in by_ada} == {ada.id}
        assert len(by_ada) == 3


async def test_get_with_author_loads_the_author(sessions: Sessions) -> None:
    ada = await add_user(sessions, full_name="Ada Lovelace")
    async with sessions() as session, session.begin():
        articles = ArticleRepository(session)
        article = await articles.add(new_article(ada, published_at=None))
        # Even for a row already in the session's identity map.
        same = await articles.get_with_author(article.id)
        assert same is article
        assert same.author.full_name == "Ada Lovelace"

    async with sessions() as session:
        loaded = await ArticleRepository(session).get_with_author(article.id)
        assert loaded is not None
        assert loaded.author.id == ada.id
        assert await ArticleRepository(session).get_with_author(uuid.uuid4()) is None


# --- refresh tokens -------------------------------------------------------------------------------


async def test_mark_rotated_has_exactly_one_winner(sessions: Sessions) -> None:
    user = await add_user(sessions)
    async with sessions() as session, session.begin():
        token = await RefreshTokenRepository(session).add(new_token(user))

    async def rotate() -> bool:
        async with sessions() as session, session.begin():
            return await RefreshTokenRepository(session).mark_rotated(token.id, utcnow())

    assert sorted(await asyncio.gather(rotate(), rotate())) == [False, True]
    assert await rotate() is False

    async with sessions() as session:
        stored = await RefreshTokenRepository(session).get_by_hash(token.token_hash)
        assert stored is not None
        assert stored.rotated_at is not None
        assert stored.rotated_at.tzinfo is UTC


async def wait_until_someone_waits_for_a_lock(engine: AsyncEngine) -> None:
    """On PostgreSQL, return once a session is blocked on a lock; proves the race really overlapped.

    SQLite's waiter blocks inside the driver's thread (busy timeout), which SQL cannot observe; there
    the contender may run before or after the commit, and must lose either way.
    """
    if engine.dialect.name != "postgresql":
        return
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    # Autocommit: pg_stat_activity is snapshotted per transaction, so each poll needs a fresh one.
    async with asyncio.timeout(10), engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        while not await autocommit.scalar(waiting):
            pass


async def test_mark_rotated_waits_for_an_uncommitted_winner(sessions: Sessions, engine: AsyncEngine) -> None:
    """The loser is blocked by the winner's open transaction and then sees the token as used."""
    user = await add_user(sessions)
    async with sessions() as session, session.begin():
        token = await RefreshTokenRepository(session).add(new_token(user))

    async with sessions() as first, sessions() as second:
        async with first.begin():
            assert await RefreshTokenRepository(first).mark_rotated(token.id, utcnow()) is True

            async def rotate_second() -> bool:
                async with second.begin():
                    return await RefreshTokenRepository(second).mark_rotated(token.id, utcnow())

            # Started while the first transaction holds the row (PostgreSQL) / the write lock (SQLite).
            contender = asyncio.create_task(rotate_second())
            await wait_until_someone_waits_for_a_lock(engine)
        assert await contender is False


async def test_revoked_tokens_cannot_rotate_and_revocation_counts(sessions: Sessions) -> None:
    user = await add_user(sessions)
    other = await add_user(sessions)
    family = uuid.uuid4()
    async with sessions() as session, session.begin():
        tokens = RefreshTokenRepository(session)
        first = await tokens.add(new_token(user, family_id=family))
        await tokens.add(new_token(user, family_id=family))
        await tokens.add(new_token(user))
        await tokens.add(new_token(other))

    async with sessions() as session, session.begin():
        tokens = RefreshTokenRepository(session)
        assert await tokens.revoke_family(family, utcnow()) == 2
        assert await tokens.revoke_family(family, utcnow()) == 0  # already revoked: time kept
        assert await tokens.mark_rotated(first.id, utcnow()) is False
        assert await tokens.revoke_all_for_user(user.id, utcnow()) == 1

    async with sessions() as session:
        revoked = await session.scalars(select(RefreshTokenRow.user_id).where(RefreshTokenRow.revoked_at.is_not(None)))
        assert list(revoked) == [user.id] * 3


# --- cascades -------------------------------------------------------------------------------------


async def test_deleting_a_user_cascades_to_everything_they_own(sessions: Sessions) -> None:
    doomed = await add_user(sessions)
    survivor = await add_user(sessions)
    async with sessions() as session, session.begin():
        for owner in (doomed, survivor):
            await ItemRepository(session).add(new_item(owner))
            await ArticleRepository(session).add(new_article(owner, published_at=T0))
            await RefreshTokenRepository(session).add(new_token(owner))

    async with sessions() as session, session.begin():
        assert await UserRepository(session).delete(doomed.id) is True

    async with sessions() as session:
        assert await UserRepository(session).get(doomed.id) is None
        for table, owner_column in (
            (ItemRow, ItemRow.owner_id),
            (ArticleRow, ArticleRow.author_id),
            (RefreshTokenRow, RefreshTokenRow.user_id),
        ):
            owners = list(await session.scalars(select(owner_column)))
            assert owners == [survivor.id], table.__tablename__


# --- engine ---------------------------------------------------------------------------------------


async def test_sqlite_read_then_write_transactions_queue_instead_of_failing(sqlite_url: str) -> None:
    """Concurrent read-modify-write requests on SQLite wait their turn: no "database is locked"
    error and no lost update (the engine begins every transaction IMMEDIATE)."""
    engine = create_engine(sqlite_url)
    try:
        await upgrade_to_head(engine)
        sessions = create_session_factory(engine)
        user = await add_user(sessions)

        async def bump_token_version() -> None:
            async with sessions() as session, session.begin():
                row = await UserRepository(session).get(user.id)
                assert row is not None
                row.token_version += 1

        await asyncio.gather(*(bump_token_version() for _ in range(10)))
        async with sessions() as session:
            assert await session.scalar(select(UserRow.token_version).where(UserRow.id == user.id)) == 10
    finally:
        await engine.dispose()


def test_name_order_is_code_point_order_on_postgresql_whatever_the_locale() -> None:
    statement = select(ItemRow.id).order_by(binary_order(ItemRow.name))

    def sql(url: str) -> str:
        return str(statement.compile(dialect=make_url(url).get_dialect()()))

    assert sql("postgresql+asyncpg://").endswith('ORDER BY items.name COLLATE "C"')
    # SQLite's default BINARY collation already compares code points.
    assert sql("sqlite+aiosqlite://").endswith("ORDER BY items.name")


# --- what concurrent writers rely on ----------------------------------------------------------------------------


async def test_rows_added_for_a_deleted_account_are_refused_as_account_gone(sessions: Sessions) -> None:
    gone = await add_user(sessions)
    async with sessions() as session, session.begin():
        assert await UserRepository(session).delete(gone.id) is True
    for add in (
        lambda session: ItemRepository(session).add(new_item(gone)),
        lambda session: ArticleRepository(session).add(new_article(gone, published_at=None)),
    ):
        async with sessions() as session:
            with pytest.raises(AccountGoneError) as refused:
                await add(session)
            assert refused.value.user_id == gone.id


async def test_replace_password_applies_only_to_the_version_it_saw(sessions: Sessions) -> None:
    user = await add_user(sessions)
    async with sessions() as session, session.begin():
        users = UserRepository(session)
        assert await users.replace_password(user.id, seen_token_version=0, hashed_password="first", now=T0)
        # Another change saw version 0 too: it lost.
        assert not await users.replace_password(user.id, seen_token_version=0, hashed_password="second", now=T0)
        assert not await users.replace_password(uuid.uuid4(), seen_token_version=0, hashed_password="x", now=T0)
    async with sessions() as session:
        row = await UserRepository(session).get(user.id)
        assert row is not None
        assert (row.hashed_password, row.token_version, row.updated_at) == ("first", 1, T0)


async def test_get_for_update_waits_for_a_concurrent_delete_and_sees_it(
    sessions: Sessions, engine: AsyncEngine
) -> None:
    """What PATCH racing DELETE relies on: the locked read waits for the deleting transaction, then finds nothing
    (instead of a later UPDATE matching no row)."""
    owner = await add_user(sessions)
    async with sessions() as session, session.begin():
        item = await ItemRepository(session).add(new_item(owner))

    async with sessions() as deleting, sessions() as patching:
        async with deleting.begin():
            assert await ItemRepository(deleting).delete(item.id) is True

            async def locked_read() -> ItemRow | None:
                async with patching.begin():
                    return await ItemRepository(patching).get_for_update(item.id)

            # Started while the deletion holds the row (PostgreSQL) / the write lock (SQLite).
            reader = asyncio.create_task(locked_read())
            await wait_until_someone_waits_for_a_lock(engine)
        assert await reader is None
