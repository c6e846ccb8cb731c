"""ETag, If-None-Match (304), If-Match (412) and REQUIRE_IF_MATCH (428) on users, items and articles; the
lost-update scenario (on PostgreSQL and SQLite)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from impl.app import create_app
from impl.db.tables import ItemRow
from tests.api.conftest import Account, Database, app_settings, create_article, create_item, problem
from tests.contract_client import ContractValidator, contract_client

CLIENTS = 10


async def test_an_item_carries_its_version(client: httpx.AsyncClient, user: Account) -> None:
    created = await client.post("/v1/items", json={"name": "Lamp", "price": "1.00"}, headers=user.headers)
    assert created.headers["etag"] == '"1"'
    path = created.headers["location"]
    got = await client.get(path, headers=user.headers)
    assert got.headers["etag"] == '"1"'
    changed = await client.patch(path, json={"name": "Desk"}, headers=user.headers)
    assert changed.headers["etag"] == '"2"'
    assert (await client.get(path, headers=user.headers)).headers["etag"] == '"2"'


async def test_if_none_match_answers_304_while_nothing_changed(client: httpx.AsyncClient, user: Account) -> None:
    item = await create_item(client, user)
    path = f"/v1/items/{item['id']}"
    tag = (await client.get(path, headers=user.headers)).headers["etag"]
    for sent in (tag, f"W/{tag}", f'"999", {tag}', "*"):
        cached = await client.get(path, headers={**user.headers, "If-None-Match": sent})
        assert cached.status_code == 304, sent
        assert cached.content == b""
        assert cached.headers["etag"] == tag
    await client.patch(path, json={"name": "Desk"}, headers=user.headers)
    fresh = await client.get(path, headers={**user.headers, "If-None-Match": tag})
    assert fresh.status_code == 200
    assert fresh.json()["name"] == "Desk"
    assert fresh.headers["etag"] != tag


async def test_a_stale_if_match_changes_nothing(client: httpx.AsyncClient, user: Account) -> None:
    item = await create_item(client, user, name="Lamp")
    path = f"/v1/items/{item['id']}"
    old = (await client.get(path, headers=user.headers)).headers["etag"]
    now = (await client.patch(path, json={"name": "Desk"}, headers={**user.headers, "If-Match": old})).headers["etag"]
    stale = await client.patch(path, json={"name": "Chair"}, headers={**user.headers, "If-Match": old})
    assert stale.status_code == 412
    assert problem(stale)["status"] == 412
    # A weak tag never matches If-Match (strong comparison).
    weak = await client.patch(path, json={"name": "Chair"}, headers={**user.headers, "If-Match": f"W/{now}"})
    assert weak.status_code == 412
    refused_delete = await client.delete(path, headers={**user.headers, "If-Match": old})
    assert refused_delete.status_code == 412
    current = await client.get(path, headers=user.headers)
    assert current.json()["name"] == "Desk"
    assert current.headers["etag"] == now
    assert (await client.delete(path, headers={**user.headers, "If-Match": now})).status_code == 204


async def test_users_and_articles_honour_preconditions(client: httpx.AsyncClient, user: Account) -> None:
    me = await client.get("/v1/users/me", headers=user.headers)
    tag = me.headers["etag"]
    assert (await client.get("/v1/users/me", headers={**user.headers, "If-None-Match": tag})).status_code == 304
    renamed = await client.patch("/v1/users/me", json={"full_name": "Ada"}, headers={**user.headers, "If-Match": tag})
    assert renamed.status_code == 200
    assert renamed.headers["etag"] != tag
    stale = await client.patch("/v1/users/me", json={"full_name": "Bob"}, headers={**user.headers, "If-Match": tag})
    assert stale.status_code == 412

    article = await create_article(client, user, published=True)
    path = f"/v1/articles/{article['id']}"
    article_tag = (await client.get(path)).headers["etag"]
    assert (await client.get(path, headers={"If-None-Match": article_tag})).status_code == 304
    # The answer shows the author's name: renaming the author is a new representation.
    await client.patch("/v1/users/me", json={"full_name": "Ada King"}, headers=user.headers)
    after = await client.get(path, headers={"If-None-Match": article_tag})
    assert after.status_code == 200
    assert after.json()["author"]["full_name"] == "Ada King"
    stale_article = await client.patch(path, json={"title": "New"}, headers={**user.headers, "If-Match": article_tag})
    assert stale_article.status_code == 412
    ok = await client.patch(path, json={"title": "New"}, headers={**user.headers, "If-Match": after.headers["etag"]})
    assert ok.status_code == 200


async def test_two_writers_with_one_version_one_wins(client: httpx.AsyncClient, db: Database, user: Account) -> None:
    for round_ in range(5):
        item = await create_item(client, user, name="Lamp")
        path = f"/v1/items/{item['id']}"
        tag = (await client.get(path, headers=user.headers)).headers["etag"]
        answers = await asyncio.gather(
            *(
                client.patch(path, json={"name": f"Name {n}"}, headers={**user.headers, "If-Match": tag})
                for n in range(2)
            )
        )
        assert Counter(a.status_code for a in answers) == {200: 1, 412: 1}, round_
        (winner,) = [a for a in answers if a.status_code == 200]
        stored = (await client.get(path, headers=user.headers)).json()
        assert stored["name"] == winner.json()["name"]
    assert await db.count(ItemRow) == 5


async def _add_tag(client: httpx.AsyncClient, user: Account, path: str, tag: str) -> int:
    """Read-modify-write with If-Match, retried on 412; returns how many attempts it took."""
    attempts = 0
    while True:
        attempts += 1
        assert attempts < 100, "no progress"
        got = await client.get(path, headers=user.headers)
        tags = [*got.json()["tags"], tag]
        answer = await client.patch(
            path, json={"tags": tags}, headers={**user.headers, "If-Match": got.headers["etag"]}
        )
        if answer.status_code == 200:
            return attempts
        assert answer.status_code == 412, answer.text


async def test_no_update_is_lost(client: httpx.AsyncClient, user: Account) -> None:
    item = await create_item(client, user, tags=[])
    path = f"/v1/items/{item['id']}"
    wanted = [f"tag-{n}" for n in range(CLIENTS)]
    attempts = await asyncio.gather(*(_add_tag(client, user, path, tag) for tag in wanted))
    final = (await client.get(path, headers=user.headers)).json()
    assert sorted(final["tags"]) == sorted(wanted), "every client's tag is there: none silently lost"
    # Every write bumped the version once: created at 1, then one per client.
    assert (await client.get(path, headers=user.headers)).headers["etag"] == f'"{CLIENTS + 1}"'
    assert sum(attempts) >= CLIENTS


@pytest.fixture
async def strict_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    application: FastAPI = create_app(app_settings(database_url, require_if_match=True))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with contract_client(transport=transport, validator=ContractValidator()) as http:
            yield http


async def test_if_match_can_be_required(
    client: httpx.AsyncClient, strict_client: httpx.AsyncClient, user: Account
) -> None:
    item = await create_item(client, user)
    path = f"/v1/items/{item['id']}"
    missing = await strict_client.patch(path, json={"name": "Desk"}, headers=user.headers)
    assert missing.status_code == 428
    assert problem(missing)["status"] == 428
    tag = (await strict_client.get(path, headers=user.headers)).headers["etag"]
    assert tag == '"1"', "the refused change changed nothing"
    sent = await strict_client.patch(path, json={"name": "Desk"}, headers={**user.headers, "If-Match": tag})
    assert sent.status_code == 200
    # The permissive default still takes a change without it.
    assert (await client.patch(path, json={"name": "Chair"}, headers=user.headers)).status_code == 200
