"""Idempotency-Key: replay, mismatch, concurrency, expiry, per-caller scoping, failures not stored.

On PostgreSQL and SQLite (the `client` fixture runs each test on both)."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update

from impl.app import create_app
from impl.db.tables import IdempotencyRow, ItemRow, RefreshTokenRow, UserRow
from impl.db.types import utcnow
from impl.items import Items
from tests.api.conftest import DEFAULT_PASSWORD, Account, Database, app_settings, problem, unique_email
from tests.contract_client import ContractValidator, contract_client

CONCURRENCY = 20
ROUNDS = 5
ITEM = {"name": "Lamp", "price": "19.90", "tags": ["office"]}


def keyed(account: Account | None, key: str) -> dict[str, str]:
    headers = {"Idempotency-Key": key}
    if account is not None:
        headers.update(account.headers)
    return headers


def new_key() -> str:
    return str(uuid.uuid4())


async def test_a_retried_create_replays_the_first_answer(
    client: httpx.AsyncClient, db: Database, user: Account
) -> None:
    key = new_key()
    first = await client.post("/v1/items", json=ITEM, headers=keyed(user, key))
    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    again = await client.post("/v1/items", json=ITEM, headers=keyed(user, key))
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["content-type"] == first.headers["content-type"]
    # The replay is a full answer of its own: this request's id and rate-limit headers.
    assert again.headers["x-request-id"] != first.headers["x-request-id"]
    assert "ratelimit-remaining" in again.headers
    assert await db.count(ItemRow) == 1
    # Without a key, the same request is a new one.
    third = await client.post("/v1/items", json=ITEM, headers=user.headers)
    assert third.status_code == 201
    assert third.json()["id"] != first.json()["id"]
    assert await db.count(ItemRow) == 2


async def test_every_keyed_operation_replays(client: httpx.AsyncClient, db: Database, user: Account) -> None:
    register = {"email": unique_email("idem"), "password": DEFAULT_PASSWORD}
    article = {"title": "Notes", "body": "On the engine."}
    password = {"current_password": DEFAULT_PASSWORD, "new_password": "another long passphrase"}
    calls: list[tuple[str, dict[str, Any], Account | None, int]] = [
        ("/v1/auth/register", register, None, 201),
        ("/v1/articles", article, user, 201),
        ("/v1/auth/logout", {"refresh_token": user.refresh_token}, None, 204),
    ]
    for path, body, account, status in calls:
        key = new_key()
        first = await client.post(path, json=body, headers=keyed(account, key))
        assert first.status_code == status, first.text
        again = await client.post(path, json=body, headers=keyed(account, key))
        assert again.status_code == status, again.text
        assert again.headers["idempotent-replayed"] == "true"
        assert again.content == first.content
        assert again.headers.get("location") == first.headers.get("location")
    assert await db.count(UserRow, UserRow.email_normalized == register["email"]) == 1
    # The password change ends the token it was made with: its retry cannot authenticate, so it is not replayed
    # but refused (401), and the change is not made twice.
    key = new_key()
    changed = await client.post("/v1/users/me/password", json=password, headers=keyed(user, key))
    assert changed.status_code == 204
    retried = await client.post("/v1/users/me/password", json=password, headers=keyed(user, key))
    assert retried.status_code == 401


async def test_the_same_key_with_another_request_is_refused(
    client: httpx.AsyncClient, db: Database, user: Account
) -> None:
    key = new_key()
    assert (await client.post("/v1/items", json=ITEM, headers=keyed(user, key))).status_code == 201
    other_body = await client.post("/v1/items", json={**ITEM, "name": "Desk"}, headers=keyed(user, key))
    assert other_body.status_code == 422
    assert problem(other_body)["errors"][0]["type"] == "idempotency_key_reused"
    other_path = await client.post("/v1/articles", json={"title": "T", "body": "B"}, headers=keyed(user, key))
    assert other_path.status_code == 422
    assert await db.count(ItemRow) == 1


async def test_keys_belong_to_their_caller(
    client: httpx.AsyncClient, db: Database, user: Account, other_user: Account
) -> None:
    key = new_key()
    mine = await client.post("/v1/items", json=ITEM, headers=keyed(user, key))
    theirs = await client.post("/v1/items", json=ITEM, headers=keyed(other_user, key))
    assert mine.status_code == theirs.status_code == 201
    assert "idempotent-replayed" not in theirs.headers
    assert theirs.json()["owner_id"] == other_user.id != mine.json()["owner_id"]
    assert await db.count(ItemRow) == 2


async def test_anonymous_keys_belong_to_the_client_address(app: FastAPI, db: Database) -> None:
    await db.clear()
    body = {"email": unique_email("anon"), "password": DEFAULT_PASSWORD}
    key = new_key()
    answers = []
    for address in ("10.0.0.1", "10.0.0.1", "10.0.0.2"):
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with contract_client(transport=transport, validator=ContractValidator()) as http:
            answers.append(await http.post("/v1/auth/register", json=body, headers={"Idempotency-Key": key}))
    first, replayed, elsewhere = answers
    assert first.status_code == 201
    assert replayed.status_code == 201
    assert replayed.headers["idempotent-replayed"] == "true"
    assert replayed.content == first.content
    # Another client's key is another key: its request runs, and finds the email taken.
    assert elsewhere.status_code == 409
    assert "idempotent-replayed" not in elsewhere.headers


async def test_concurrent_copies_have_exactly_one_effect(
    client: httpx.AsyncClient, db: Database, user: Account
) -> None:
    for round_ in range(ROUNDS):
        key = new_key()
        body = {**ITEM, "name": f"Round {round_}"}
        responses = await asyncio.gather(
            *(client.post("/v1/items", json=body, headers=keyed(user, key)) for _ in range(CONCURRENCY))
        )
        statuses = Counter(r.status_code for r in responses)
        assert set(statuses) <= {201, 409}, statuses
        assert statuses[201] >= 1
        created = [r for r in responses if r.status_code == 201]
        assert len({r.content for r in created}) == 1, "every 201 is the one answer"
        assert sum("idempotent-replayed" not in r.headers for r in created) == 1
        assert all(r.headers["retry-after"] == "1" for r in responses if r.status_code == 409)
        assert await db.count(ItemRow, ItemRow.name == body["name"]) == 1
        # After the race, every retry replays.
        retry = await client.post("/v1/items", json=body, headers=keyed(user, key))
        assert retry.status_code == 201
        assert retry.content == created[0].content


async def test_concurrent_anonymous_logouts_with_one_key(
    client: httpx.AsyncClient, db: Database, user: Account
) -> None:
    key = new_key()
    responses = await asyncio.gather(
        *(
            client.post("/v1/auth/logout", json={"refresh_token": user.refresh_token}, headers=keyed(None, key))
            for _ in range(CONCURRENCY)
        )
    )
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {204, 409}, statuses
    assert statuses[204] >= 1, statuses
    assert await db.count(RefreshTokenRow, RefreshTokenRow.revoked_at.is_(None)) == 0


async def _expire_all(db: Database) -> None:
    async with db.engine.begin() as connection:
        await connection.execute(update(IdempotencyRow).values(expires_at=utcnow() - timedelta(seconds=1)))


async def test_an_expired_key_no_longer_replays(client: httpx.AsyncClient, db: Database, user: Account) -> None:
    key = new_key()
    first = await client.post("/v1/items", json=ITEM, headers=keyed(user, key))
    async with db.engine.connect() as connection:
        (expires_at,) = (await connection.execute(select(IdempotencyRow.expires_at))).one()
    assert expires_at - utcnow() > timedelta(hours=23, minutes=59), "kept at least 24 hours"
    await _expire_all(db)
    again = await client.post("/v1/items", json=ITEM, headers=keyed(user, key))
    assert again.status_code == 201
    assert "idempotent-replayed" not in again.headers
    assert again.json()["id"] != first.json()["id"]
    assert await db.count(ItemRow) == 2
    # The key is taken again, by the new answer.
    third = await client.post("/v1/items", json=ITEM, headers=keyed(user, key))
    assert third.headers["idempotent-replayed"] == "true"
    assert third.content == again.content


@pytest.fixture
async def sweeping_app(database_url: str) -> AsyncIterator[FastAPI]:
    application = create_app(app_settings(database_url, idempotency_sweep_every=1))
    async with application.router.lifespan_context(application):
        yield application


async def test_expired_records_are_swept(
    sweeping_app: FastAPI, client: httpx.AsyncClient, db: Database, user: Account
) -> None:
    for _ in range(3):
        assert (await client.post("/v1/items", json=ITEM, headers=keyed(user, new_key()))).status_code == 201
    await _expire_all(db)
    transport = httpx.ASGITransport(app=sweeping_app)
    async with contract_client(transport=transport, validator=ContractValidator()) as http:
        assert (await http.post("/v1/items", json=ITEM, headers=keyed(user, new_key()))).status_code == 201
    async with db.engine.connect() as connection:
        remaining = (await connection.execute(select(func.count()).select_from(IdempotencyRow))).scalar_one()
    assert remaining == 1, "the expired records of earlier requests are gone; the new one stays"


async def test_a_failed_first_attempt_is_not_stored(
    client: httpx.AsyncClient, db: Database, user: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Items.create_item
    calls = 0

    async def fail_once(self: Items, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            await original(self, **kwargs)  # the effect happens, then the operation fails: it must roll back
            raise RuntimeError("planted failure")
        return await original(self, **kwargs)

    monkeypatch.setattr(Items, "create_item", fail_once)
    key = new_key()
    failed = await client.post("/v1/items", json=ITEM, headers=keyed(user, key))
    assert failed.status_code == 500
    assert await db.count(ItemRow) == 0
    assert await db.count(IdempotencyRow) == 0
    retried = await client.post("/v1/items", json=ITEM, headers=keyed(user, key))
    assert retried.status_code == 201
    assert "idempotent-replayed" not in retried.headers
    assert calls == 2
    assert await db.count(ItemRow) == 1


async def test_a_refused_request_is_not_stored(client: httpx.AsyncClient, db: Database, user: Account) -> None:
    key = new_key()
    body = {"email": user.email, "password": DEFAULT_PASSWORD}
    taken = await client.post("/v1/auth/register", json=body, headers={"Idempotency-Key": key})
    assert taken.status_code == 409
    assert "retry-after" not in taken.headers
    assert await db.count(IdempotencyRow) == 0
    # After the account is gone, the retry with the same key runs again and succeeds.
    assert (await client.delete("/v1/users/me", headers=user.headers)).status_code == 204
    retried = await client.post("/v1/auth/register", json=body, headers={"Idempotency-Key": key})
    assert retried.status_code == 201
    assert "idempotent-replayed" not in retried.headers


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "tab\there"])
async def test_malformed_keys_are_refused(client: httpx.AsyncClient, user: Account, key: str) -> None:
    response = await client.post("/v1/items", json=ITEM, headers=keyed(user, key))
    assert response.status_code == 422
    assert ("header", "Idempotency-Key") in {(e["in"], e["field"]) for e in problem(response)["errors"]}
