"""Races between requests that change the same row: each ends in a declared status and a consistent state.

Every test runs many rounds of concurrent requests through the in-process app (on PostgreSQL, where requests
really interleave, and on SQLite, where writers queue) and asserts that no answer is a 5xx and that what is
stored afterwards agrees with the answers.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Awaitable, Sequence

import httpx

from impl.db.tables import ArticleRow, ItemRow, RefreshTokenRow, UserRow
from tests.api.conftest import (
    DEFAULT_PASSWORD,
    Account,
    Database,
    create_article,
    create_item,
    new_account,
    new_superuser,
)

ROUNDS = 10


async def concurrently(*requests: Awaitable[httpx.Response]) -> list[httpx.Response]:
    responses = await asyncio.gather(*requests)
    server_errors = [
        f"{r.request.method} {r.request.url.path}: {r.status_code} {r.text}" for r in responses if r.status_code >= 500
    ]
    assert not server_errors, server_errors
    return list(responses)


def statuses(responses: Sequence[httpx.Response]) -> Counter[int]:
    return Counter(r.status_code for r in responses)


async def test_patch_racing_delete_of_one_item(client: httpx.AsyncClient, db: Database, user: Account) -> None:
    for round_ in range(ROUNDS):
        item = await create_item(client, user)
        url = f"/v1/items/{item['id']}"
        patches = [client.patch(url, json={"name": f"name {round_}.{i}"}, headers=user.headers) for i in range(8)]
        responses = await concurrently(*patches[:4], client.delete(url, headers=user.headers), *patches[4:])
        deleted = responses.pop(4)
        assert deleted.status_code == 204, deleted.text
        assert set(statuses(responses)) <= {200, 404}, statuses(responses)
        assert (await client.get(url, headers=user.headers)).status_code == 404
    assert await db.count(ItemRow) == 0


async def test_concurrent_deletes_of_one_item(client: httpx.AsyncClient, db: Database, user: Account) -> None:
    for _ in range(ROUNDS):
        item = await create_item(client, user)
        url = f"/v1/items/{item['id']}"
        responses = await concurrently(*(client.delete(url, headers=user.headers) for _ in range(4)))
        assert statuses(responses) == {204: 1, 404: 3}, statuses(responses)
    assert await db.count(ItemRow) == 0


async def test_patch_racing_delete_of_one_article(client: httpx.AsyncClient, db: Database, user: Account) -> None:
    for round_ in range(ROUNDS):
        article = await create_article(client, user)
        url = f"/v1/articles/{article['id']}"
        patches = [client.patch(url, json={"title": f"title {round_}.{i}"}, headers=user.headers) for i in range(6)]
        responses = await concurrently(
            *patches[:3],
            client.delete(url, headers=user.headers),
            client.delete(url, headers=user.headers),
            *patches[3:],
        )
        deletes = [responses.pop(3), responses.pop(3)]
        assert statuses(deletes) == {204: 1, 404: 1}, statuses(deletes)
        assert set(statuses(responses)) <= {200, 404}, statuses(responses)
    assert await db.count(ArticleRow) == 0


async def test_creating_items_while_the_account_is_deleted(client: httpx.AsyncClient, db: Database) -> None:
    for _ in range(ROUNDS // 2):
        account = await new_account(client)
        creates = [
            client.post("/v1/items", json={"name": f"item {i}", "price": "1.00"}, headers=account.headers)
            for i in range(12)
        ]
        articles = [
            client.post("/v1/articles", json={"title": f"t {i}", "body": "b"}, headers=account.headers)
            for i in range(3)
        ]
        responses = await concurrently(
            *creates[:6], *articles, client.delete("/v1/users/me", headers=account.headers), *creates[6:]
        )
        deleted = responses.pop(9)
        assert deleted.status_code == 204, deleted.text
        # Created before the deletion (then removed with the account), or refused: the token names no account.
        assert set(statuses(responses)) <= {201, 401}, statuses(responses)
    assert await db.count(UserRow) == 0
    assert await db.count(ItemRow) == 0
    assert await db.count(ArticleRow) == 0


async def test_patch_me_racing_delete_me(client: httpx.AsyncClient, db: Database) -> None:
    for round_ in range(ROUNDS // 2):
        account = await new_account(client)
        patches = [
            client.patch("/v1/users/me", json={"full_name": f"name {round_}.{i}"}, headers=account.headers)
            for i in range(6)
        ]
        responses = await concurrently(
            *patches[:3], client.delete("/v1/users/me", headers=account.headers), *patches[3:]
        )
        assert responses.pop(3).status_code == 204
        assert set(statuses(responses)) <= {200, 401}, statuses(responses)
    assert await db.count(UserRow) == 0


async def test_admin_patch_racing_delete_of_one_user(client: httpx.AsyncClient, db: Database) -> None:
    admin = await new_superuser(client, db)
    for _ in range(ROUNDS // 2):
        account = await new_account(client)
        url = f"/v1/users/{account.id}"
        patches = [client.patch(url, json={"is_active": i % 2 == 0}, headers=admin.headers) for i in range(6)]
        deletes = [client.delete(url, headers=admin.headers) for _ in range(2)]
        responses = await concurrently(*patches[:3], *deletes, *patches[3:])
        deleted = [responses.pop(3), responses.pop(3)]
        assert statuses(deleted) == {204: 1, 404: 1}, statuses(deleted)
        assert set(statuses(responses)) <= {200, 404}, statuses(responses)
    assert await db.count(UserRow) == 1  # the admin


async def test_concurrent_reuse_of_one_refresh_token(client: httpx.AsyncClient, db: Database) -> None:
    burst = 35
    for _ in range(ROUNDS // 2):
        account = await new_account(client)
        form = {"grant_type": "refresh_token", "refresh_token": account.refresh_token}
        responses = await concurrently(*(client.post("/v1/auth/token", data=form) for _ in range(burst)))
        # Exactly one use wins; every other one is a reuse, answered invalid_grant ...
        assert statuses(responses) == {200: 1, 400: burst - 1}, statuses(responses)
        assert {r.json()["error"] for r in responses if r.status_code == 400} == {"invalid_grant"}
        # ... and revokes the family, including the token the winner was given.
        (winner,) = [r.json() for r in responses if r.status_code == 200]
        again = await client.post(
            "/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": winner["refresh_token"]}
        )
        assert again.status_code == 400
        owner = RefreshTokenRow.user_id == uuid.UUID(account.id)
        assert await db.count(RefreshTokenRow, owner, RefreshTokenRow.revoked_at.is_(None)) == 0


async def test_concurrent_password_changes_with_one_token(client: httpx.AsyncClient) -> None:
    for round_ in range(ROUNDS // 2):
        account = await new_account(client)
        new_passwords = [f"new password {round_}.{i}" for i in range(4)]
        responses = await concurrently(
            *(
                client.post(
                    "/v1/users/me/password",
                    json={"current_password": DEFAULT_PASSWORD, "new_password": password},
                    headers=account.headers,
                )
                for password in new_passwords
            )
        )
        # One change wins; it ends the token the others were sent with.
        assert statuses(responses) == {204: 1, 401: 3}, statuses(responses)
        (winner,) = [p for p, r in zip(new_passwords, responses, strict=True) if r.status_code == 204]
        for password in [DEFAULT_PASSWORD, *new_passwords]:
            login = await client.post(
                "/v1/auth/token", data={"grant_type": "password", "username": account.email, "password": password}
            )
            assert login.status_code == (200 if password == winner else 400), (password, login.text)


async def test_logins_racing_a_password_change_keep_no_session_of_the_old_password(client: httpx.AsyncClient) -> None:
    for round_ in range(ROUNDS // 2):
        account = await new_account(client)
        new_password = f"new password {round_}"
        form = {"grant_type": "password", "username": account.email, "password": DEFAULT_PASSWORD}
        logins = [client.post("/v1/auth/token", data=form) for _ in range(4)]
        change = client.post(
            "/v1/users/me/password",
            json={"current_password": DEFAULT_PASSWORD, "new_password": new_password},
            headers=account.headers,
        )
        responses = await concurrently(*logins[:2], change, *logins[2:])
        assert responses.pop(2).status_code == 204
        assert set(statuses(responses)) <= {200, 400}, statuses(responses)
        # A login with the old password either lost, or its session was ended by the change: none survives it.
        for issued in (r.json() for r in responses if r.status_code == 200):
            me = await client.get("/v1/users/me", headers={"Authorization": f"Bearer {issued['access_token']}"})
            assert me.status_code == 401
            again = await client.post(
                "/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}
            )
            assert again.status_code == 400, again.text
