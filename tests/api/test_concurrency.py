"""Races decided by the database, not by luck: concurrent requests through the in-process app."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from impl.db.tables import RefreshTokenRow, UserRow
from tests.api.conftest import DEFAULT_PASSWORD, Account, Database, login, new_account, unique_email

CONCURRENCY = 20


async def test_concurrent_registrations_of_one_email(client: httpx.AsyncClient, db: Database) -> None:
    email = unique_email("race")
    # Letter case differs between requests: uniqueness ignores it.
    variants = [email.upper() if i % 2 else email for i in range(CONCURRENCY)]
    responses = await asyncio.gather(
        *(
            client.post("/v1/auth/register", json={"email": variant, "password": DEFAULT_PASSWORD})
            for variant in variants
        )
    )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: CONCURRENCY - 1}, statuses
    assert await db.count(UserRow, UserRow.email_normalized == email.lower()) == 1
    (created,) = [r.json() for r in responses if r.status_code == 201]
    tokens = await login(client, email)
    me = await client.get("/v1/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json()["id"] == created["id"]


async def test_concurrent_registrations_of_different_emails(client: httpx.AsyncClient, db: Database) -> None:
    responses = await asyncio.gather(
        *(
            client.post("/v1/auth/register", json={"email": unique_email("many"), "password": DEFAULT_PASSWORD})
            for _ in range(CONCURRENCY)
        )
    )
    assert [r.status_code for r in responses] == [201] * CONCURRENCY
    assert await db.count(UserRow) == CONCURRENCY


async def test_concurrent_refreshes_of_one_token(client: httpx.AsyncClient, db: Database, user: Account) -> None:
    responses = await asyncio.gather(
        *(
            client.post("/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": user.refresh_token})
            for _ in range(CONCURRENCY)
        )
    )
    statuses = Counter(r.status_code for r in responses)
    # The token works once; every other presentation is a reuse.
    assert statuses == {200: 1, 400: CONCURRENCY - 1}, statuses
    assert all(r.json()["error"] == "invalid_grant" for r in responses if r.status_code == 400)
    # Reuse revokes the family, so the one token issued is revoked as well.
    (issued,) = [r.json() for r in responses if r.status_code == 200]
    again = await client.post(
        "/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}
    )
    assert again.status_code == 400
    assert await db.count(RefreshTokenRow, RefreshTokenRow.revoked_at.is_(None)) == 0


async def test_concurrent_email_changes_to_one_address(client: httpx.AsyncClient) -> None:
    accounts = [await new_account(client) for _ in range(5)]
    target = unique_email("wanted")
    responses = await asyncio.gather(
        *(client.patch("/v1/users/me", json={"email": target}, headers=a.headers) for a in accounts)
    )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, 409: len(accounts) - 1}, statuses
    (winner,) = [r.json() for r in responses if r.status_code == 200]
    for account in accounts:
        me = (await client.get("/v1/users/me", headers=account.headers)).json()
        assert me["email"] == (target if me["id"] == winner["id"] else account.email)


async def test_concurrent_item_creation_keeps_every_item(client: httpx.AsyncClient, user: Account) -> None:
    responses = await asyncio.gather(
        *(
            client.post("/v1/items", json={"name": f"item {i}", "price": "1.00"}, headers=user.headers)
            for i in range(CONCURRENCY)
        )
    )
    assert [r.status_code for r in responses] == [201] * CONCURRENCY
    listed = await client.get("/v1/items", params={"limit": 100}, headers=user.headers)
    assert {i["id"] for i in listed.json()["items"]} == {r.json()["id"] for r in responses}
