"""Fixtures and helpers of the API suite.

Every test that uses ``client`` runs twice, on PostgreSQL and on SQLite: ``database_url`` is a session-scoped
fixture parametrized by backend that creates one fresh database per backend and migrates it with the real
Alembic migrations. ``app`` is built once per backend through the composition root; ``client`` is an in-process
httpx client (every response validated against openapi.yaml by tests/contract_client.py) and empties every table
before the test, so tests are independent.

``live_server`` runs the real thing: a uvicorn process on a free port against its own migrated PostgreSQL database.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.elements import ColumnElement

from impl.app import create_app
from impl.db.engine import create_engine
from impl.db.tables import ArticleRow, Base, IdempotencyRow, ItemRow, RefreshTokenRow, UserRow
from impl.settings import Settings
from scripts.live_server import live_server as start_live_server
from tests.contract_client import ContractValidator, contract_client
from tests.dbutil import create_database, drop_database, unique_database_name, upgrade_to_head
from tests.settings import TEST_SECRET_KEY, settings_for_tests

DEFAULT_PASSWORD = "correct horse battery staple"
BACKENDS = ["postgresql", "sqlite"]


def app_settings(database_url: str, **overrides: Any) -> Settings:
    """The settings every in-process app of the suite uses."""
    return settings_for_tests(database_url, **overrides)


# --------------------------------------------------------------------------------------------------------------
# Database


class Database:
    """Direct SQLAlchemy access to the database the app under test uses (for set-up and for checking effects)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: AsyncEngine = create_engine(url)

    async def dispose(self) -> None:
        await self.engine.dispose()

    async def clear(self) -> None:
        async with self.engine.begin() as connection:
            for table in (IdempotencyRow, RefreshTokenRow, ArticleRow, ItemRow, UserRow):
                await connection.execute(delete(table))

    async def user_row(self, email: str) -> dict[str, Any]:
        async with self.engine.connect() as connection:
            result = await connection.execute(
                select(UserRow.__table__).where(UserRow.email_normalized == email.lower())
            )
            row = result.mappings().one()
            return dict(row)

    async def update_user(self, email: str, **values: Any) -> None:
        async with self.engine.begin() as connection:
            result = await connection.execute(
                update(UserRow).where(UserRow.email_normalized == email.lower()).values(**values)
            )
            assert result.rowcount == 1, f"no account {email}"

    async def count(self, table: type[Base], *conditions: ColumnElement[bool]) -> int:
        async with self.engine.connect() as connection:
            statement = select(func.count()).select_from(table).where(*conditions)
            return int((await connection.execute(statement)).scalar_one())


async def make_superuser(db: Database | str, email: str) -> None:
    """Flip is_superuser in the database (a Database or a database URL): the API has no way to create the first
    superuser."""
    if isinstance(db, Database):
        await db.update_user(email, is_superuser=True)
        return
    database = Database(db)
    try:
        await database.update_user(email, is_superuser=True)
    finally:
        await database.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A fresh database per backend, migrated to head with the project's Alembic migrations."""
    if request.param == "sqlite":
        directory, in_memory = _sqlite_directory(tmp_path_factory)
        try:
            url = f"sqlite+aiosqlite:///{directory / 'api.db'}"
            await _migrate(url)
            yield url
        finally:
            if in_memory:
                shutil.rmtree(directory, ignore_errors=True)
        return
    postgres_url: str = request.getfixturevalue("postgres_url")
    name = unique_database_name("api")
    url = await create_database(postgres_url, name)
    try:
        await _tune_for_tests(postgres_url, name)
        await _migrate(url)
        yield url
    finally:
        await drop_database(postgres_url, name)


def _sqlite_directory(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bool]:
    """Memory-backed (True) when the machine has /dev/shm: every commit fsyncs, which a throw-away file need not
    pay for. Removed by the caller then; pytest's tmp_path otherwise."""
    shm = Path("/dev/shm")  # noqa: S108  # a private directory is made inside it
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="api-sqlite-", dir=shm)), True
    return tmp_path_factory.mktemp("api-sqlite"), False


async def _tune_for_tests(postgres_url: str, name: str) -> None:
    """A throw-away database need not wait for each commit to reach the disk (crash safety is all it changes)."""
    engine = create_async_engine(postgres_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    finally:
        await engine.dispose()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
async def app(database_url: str) -> AsyncIterator[FastAPI]:
    application = create_app(app_settings(database_url))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def validator() -> ContractValidator:
    return ContractValidator()


@pytest.fixture
async def client(app: FastAPI, db: Database, validator: ContractValidator) -> AsyncIterator[httpx.AsyncClient]:
    """The in-process client on an empty database; every response is checked against the contract."""
    await db.clear()
    transport = httpx.ASGITransport(app=app)
    async with contract_client(transport=transport, validator=validator) as http:
        yield http


# --------------------------------------------------------------------------------------------------------------
# Accounts


@dataclass(frozen=True)
class Account:
    id: str
    email: str
    password: str
    access_token: str
    refresh_token: str
    full_name: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return auth_headers(self.access_token)


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


def auth_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def register(
    client: httpx.AsyncClient,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    full_name: str | None = "Test User",
) -> dict[str, Any]:
    """Register an account (full_name None leaves it out); returns the created user."""
    payload: dict[str, Any] = {"email": email or unique_email(), "password": password}
    if full_name is not None:
        payload["full_name"] = full_name
    response = await client.post("/v1/auth/register", json=payload)
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


async def login(client: httpx.AsyncClient, email: str, password: str = DEFAULT_PASSWORD) -> dict[str, Any]:
    """The password grant (form-encoded); returns the token response."""
    response = await client.post(
        "/v1/auth/token", data={"grant_type": "password", "username": email, "password": password}
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


async def new_account(
    client: httpx.AsyncClient,
    *,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    full_name: str | None = "Test User",
) -> Account:
    """Register and log in."""
    user = await register(client, email=email, password=password, full_name=full_name)
    tokens = await login(client, user["email"], password)
    return Account(
        id=user["id"],
        email=user["email"],
        password=password,
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        full_name=user["full_name"],
    )


async def new_superuser(client: httpx.AsyncClient, db: Database, *, full_name: str | None = "Admin") -> Account:
    account = await new_account(client, email=unique_email("admin"), full_name=full_name)
    await make_superuser(db, account.email)
    return account


@pytest.fixture
async def user(client: httpx.AsyncClient) -> Account:
    return await new_account(client, email=unique_email("owner"), full_name="Owner")


@pytest.fixture
async def other_user(client: httpx.AsyncClient) -> Account:
    return await new_account(client, email=unique_email("other"), full_name="Other")


@pytest.fixture
async def superuser(client: httpx.AsyncClient, db: Database) -> Account:
    return await new_superuser(client, db)


async def create_item(client: httpx.AsyncClient, account: Account, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"name": "Lamp", "price": "19.99", **fields}
    response = await client.post("/v1/items", json=payload, headers=account.headers)
    assert response.status_code == 201, response.text
    item: dict[str, Any] = response.json()
    return item


async def create_article(client: httpx.AsyncClient, account: Account, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"title": "On the Analytical Engine", "body": "Weaving algebraic patterns.", **fields}
    response = await client.post("/v1/articles", json=payload, headers=account.headers)
    assert response.status_code == 201, response.text
    article: dict[str, Any] = response.json()
    return article


async def items_of(client: httpx.AsyncClient, account: Account) -> list[dict[str, Any]]:
    """Every item ``account`` owns (the suite never creates more than one page)."""
    response = await client.get("/v1/items", params={"limit": 100}, headers=account.headers)
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def problem(response: httpx.Response) -> dict[str, Any]:
    """The problem document of an error response (the contract layer has checked its shape)."""
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    return body


def error_fields(response: httpx.Response) -> set[tuple[str, str]]:
    """(in, field) of every entry of a 422's errors[]."""
    assert response.status_code == 422, f"{response.status_code}: {response.text}"
    return {(error["in"], error["field"]) for error in problem(response)["errors"]}


# --------------------------------------------------------------------------------------------------------------
# A real server process


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    database_url: str
    log_path: Path

    def client(self) -> httpx.AsyncClient:
        return contract_client(base_url=self.base_url, timeout=10.0)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="module")
async def live_server(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveServer]:
    """``python -m uvicorn --factory impl.app:create_app`` on a free port, on a fresh migrated PostgreSQL database."""
    log_path = tmp_path_factory.mktemp("live-server") / "uvicorn.log"
    async with start_live_server(postgres_url, log_path, environment={"SECRET_KEY": TEST_SECRET_KEY}) as server:
        yield LiveServer(base_url=server.base_url, database_url=server.database_url, log_path=log_path)
