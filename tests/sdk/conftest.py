"""Fixtures for the SDK tests: live servers, accounts, and a transport that records what goes over the wire.

The SDK under test is the packed wheel, installed as a partner would install it: ``make sdk-test`` runs pytest
with ``uv run --with dist/sdk/packages/contract_api_client-<version>-py3-none-any.whl``. These tests are not in
``make test`` (they need the built SDK).
"""

from __future__ import annotations

import importlib.util
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from impl.db.tables import UserRow
from scripts.live_server import LiveServer, live_server

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"

# Checked at import time so a missing SDK is one clear error, not an ImportError per test module.
_spec = importlib.util.find_spec("contract_api_client")
if _spec is None or _spec.origin is None:
    raise pytest.UsageError(
        "the Python SDK is not installed: run `make sdk-test` (it builds the wheel and installs it for this run)"
    )
if Path(_spec.origin).resolve().is_relative_to(PROJECT_ROOT / "dist"):
    raise pytest.UsageError(f"contract_api_client comes from the build tree ({_spec.origin}), not the installed wheel")

# The throttled server's quotas: low enough that a few requests in a row meet a real 429 (with a Retry-After of
# a second or two), per client address like every quota; registration and login have their own.
THROTTLED_ENVIRONMENT = {"RATE_LIMIT": "3/2 seconds", "AUTH_RATE_LIMIT": "2/2 seconds"}


@pytest.fixture(scope="session")
async def server(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveServer]:
    """uvicorn on a fresh migrated PostgreSQL database; each test registers its own accounts on it."""
    async with live_server(postgres_url, tmp_path_factory.mktemp("sdk-live-server") / "uvicorn.log") as running:
        yield running


@pytest.fixture(scope="session")
async def throttled_server(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveServer]:
    """A second live server whose rate limits are low enough to answer real 429s."""
    log = tmp_path_factory.mktemp("sdk-throttled-server") / "uvicorn.log"
    async with live_server(postgres_url, log, environment=THROTTLED_ENVIRONMENT) as running:
        yield running


def new_email() -> str:
    return f"sdk-{uuid.uuid4().hex[:12]}@example.com"


async def make_superuser(server: LiveServer, email: str) -> None:
    """The API has no way to create the first superuser: flip the flag in the server's database."""
    engine = create_async_engine(server.database_url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(
                update(UserRow).where(UserRow.email_normalized == email.lower()).values(is_superuser=True)
            )
            assert result.rowcount == 1, f"no account {email}"
    finally:
        await engine.dispose()


@dataclass(frozen=True)
class Exchange:
    """One attempt as it went over the wire (below the SDK's retries)."""

    method: str
    path: str
    query: dict[str, str]
    request_headers: httpx.Headers
    request_body: bytes
    status: int | None
    response_headers: httpx.Headers
    sent_at: float
    error: Exception | None = None

    def form(self) -> dict[str, str]:
        return dict(httpx.QueryParams(self.request_body.decode()))


@dataclass
class Recorder(httpx.AsyncBaseTransport, httpx.BaseTransport):
    """httpx's own transports, recording every attempt; passed to the SDK as ``transport``."""

    exchanges: list[Exchange] = field(default_factory=list)
    _async: httpx.AsyncHTTPTransport = field(default_factory=httpx.AsyncHTTPTransport)
    _sync: httpx.HTTPTransport = field(default_factory=httpx.HTTPTransport)

    def _record(self, request: httpx.Request, response: httpx.Response | None, error: Exception | None) -> None:
        self.exchanges.append(
            Exchange(
                method=request.method,
                path=request.url.path,
                query=dict(request.url.params),
                request_headers=httpx.Headers(request.headers),
                request_body=request.content,
                status=response.status_code if response is not None else None,
                response_headers=httpx.Headers(response.headers if response is not None else {}),
                sent_at=time.monotonic(),
                error=error,
            )
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self._async.handle_async_request(request)
        except httpx.TransportError as error:
            self._record(request, None, error)
            raise
        self._record(request, response, None)
        return response

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self._sync.handle_request(request)
        except httpx.TransportError as error:
            self._record(request, None, error)
            raise
        self._record(request, response, None)
        return response

    async def aclose(self) -> None:
        await self._async.aclose()

    def close(self) -> None:
        self._sync.close()

    def to(self, method: str, path: str) -> list[Exchange]:
        return [exchange for exchange in self.exchanges if (exchange.method, exchange.path) == (method, path)]

    def clear(self) -> None:
        self.exchanges.clear()


@cache
def declared_statuses() -> list[tuple[str, re.Pattern[str], frozenset[int]]]:
    """(method, path pattern, statuses) of every operation in openapi.yaml."""
    spec = yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    operations = []
    for template, item in spec["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$")
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                statuses = frozenset(int(status) for status in operation["responses"])
                operations.append((method.upper(), pattern, statuses))
    return operations


def undeclared(exchanges: list[Exchange]) -> list[str]:
    """Answers whose status the spec does not declare for their operation: the spec must never lie."""
    found = []
    for exchange in exchanges:
        if exchange.status is None:
            continue
        # A literal path (/v1/users/me) wins over a template that also matches it (/v1/users/{user_id}).
        matches = sorted(
            (pattern.pattern.count("[^/]+"), statuses)
            for method, pattern, statuses in declared_statuses()
            if method == exchange.method and pattern.match(exchange.path)
        )
        if not matches or exchange.status not in matches[0][1]:
            found.append(f"{exchange.method} {exchange.path} answered {exchange.status}")
    return found


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    """Records a test's traffic; afterwards, every answer it saw must have a status the spec declares."""
    recorded = Recorder()
    yield recorded
    assert undeclared(recorded.exchanges) == []


class Clock:
    """A monotonic clock the test can move forward, for token expiry without waiting."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds
