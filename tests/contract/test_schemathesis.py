"""Schemathesis, in-process, against the hand-written spec: every check, the examples / coverage / fuzzing phases
per operation and the stateful phase, with a fixed seed, on a fresh migrated PostgreSQL database.

The app is reached through an ASGI proxy so the schema can be loaded at import time (pytest collects one test per
operation) while the app itself is built by a fixture once its database exists.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from sqlalchemy import text
from sqlalchemy.pool import NullPool
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from impl.app import create_app
from impl.db.engine import create_engine
from scripts.contract.hooks import POSITIVE_DATA_EXPECTED_STATUSES, fresh_idempotency_key
from tests.dbutil import PROJECT_ROOT, create_database, drop_database, unique_database_name, upgrade_to_head
from tests.settings import settings_for_tests

SEED = 20261122
MAX_EXAMPLES = 30

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {"database": "none", "max-examples": MAX_EXAMPLES},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True}},
        # As the CLI gate (scripts/contract/hooks.py): a false If-Match precondition (412) is not a rejection.
        "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_DATA_EXPECTED_STATUSES}},
    }
)


@dataclass
class AppProxy:
    """An ASGI app that forwards to the app the fixture built."""

    target: ASGIApp | None = None
    database_url: str | None = None

    def reset_database(self) -> None:
        """Empty every table: each stateful scenario starts from the same state, so Hypothesis can replay it."""
        assert self.database_url is not None

        async def truncate() -> None:
            engine = create_engine(self.database_url or "", poolclass=NullPool)
            try:
                async with engine.begin() as connection:
                    await connection.execute(text("TRUNCATE refresh_tokens, items, articles, users CASCADE"))
            finally:
                await engine.dispose()

        asyncio.run(truncate())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.target is not None, "the contract_app fixture has not built the app"
        await self.target(scope, receive, send)


@dataclass
class Caller:
    """A registered user and a valid token; re-registers when the fuzzer deleted the account or changed its password."""

    app: AppProxy
    token: str | None = None
    password: str = field(default_factory=lambda: uuid.uuid4().hex)

    def headers(self) -> dict[str, str]:
        if self.token is None:
            email = f"fuzz-{uuid.uuid4().hex}@example.com"
            with TestClient(self.app) as client:
                registered = client.post("/v1/auth/register", json={"email": email, "password": self.password})
                assert registered.status_code == 201, registered.text
                issued = client.post(
                    "/v1/auth/token", data={"grant_type": "password", "username": email, "password": self.password}
                )
                assert issued.status_code == 200, issued.text
            self.token = issued.json()["access_token"]
        return {"Authorization": f"Bearer {self.token}"}

    def observe(self, operation_id: str | None, status: int) -> None:
        if operation_id in {"deleteCurrentUser", "changePassword"} and status == 204:
            self.token = None


proxy = AppProxy()
caller = Caller(proxy)
schema = schemathesis.openapi.from_path(PROJECT_ROOT / "openapi.yaml", config=CONFIG)
schema.app = proxy


@pytest.fixture(scope="module", autouse=True)
def contract_app(postgres_url: str) -> Iterator[None]:
    name = unique_database_name("contract")

    async def prepare() -> str:
        url = await create_database(postgres_url, name)
        engine = create_engine(url)
        try:
            await upgrade_to_head(engine)
        finally:
            await engine.dispose()
        return url

    url = asyncio.run(prepare())
    proxy.database_url = url
    proxy.target = create_app(settings_for_tests(url, database_pooling=False))
    try:
        yield
    finally:
        proxy.target = None
        caller.token = None
        asyncio.run(drop_database(postgres_url, name))


def _operation_id(case: Any) -> str | None:
    definition = case.operation.definition.raw
    return definition.get("operationId") if isinstance(definition, dict) else None


@schema.parametrize()
@hypothesis.settings(deadline=None, suppress_health_check=list(hypothesis.HealthCheck), derandomize=True)
def test_operation_conforms(case: Any) -> None:
    # Each generated request is one a client means once: a fresh Idempotency-Key (see scripts/contract/hooks.py).
    fresh_idempotency_key(case.headers)
    response = case.call_and_validate(headers=caller.headers())
    caller.observe(_operation_id(case), response.status_code)


class ContractStateMachine(schema.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        proxy.reset_database()
        caller.token = None

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        fresh_idempotency_key(case.headers)
        return {"headers": caller.headers()}

    def after_call(self, response: Any, case: Any) -> None:
        caller.observe(_operation_id(case), response.status_code)


def test_stateful_sequences_conform() -> None:
    ContractStateMachine.run(
        settings=hypothesis.settings(
            max_examples=40,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            database=None,
        )
    )
