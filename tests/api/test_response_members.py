"""Answers carry exactly the members the spec declares: nothing more (a leak), nothing less.

The spec's response schemas are open (no `additionalProperties: false`), so schema validation alone would let an
undeclared member through (a user's email inside an article's author, say). Two nets catch it: the runtime renders
every body through the declared model (the unit tests below prove it drops what the model does not declare), and
the API tests compare every answer's members with the spec's property lists.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import ConfigDict
from starlette.requests import Request

from contract_runtime.responses import render
from generated import models
from generated.routers.articles import GET_ARTICLE
from generated.routers.users import GET_CURRENT_USER
from tests.api.conftest import Account, create_article, create_item, login, register
from tests.contract_client import spec_document


def declared(schema_name: str) -> set[str]:
    return set(spec_document()["components"]["schemas"][schema_name]["properties"])


def assert_user(body: dict[str, Any]) -> None:
    assert set(body) == declared("User"), body


def assert_article(body: dict[str, Any]) -> None:
    assert set(body) == declared("Article"), body
    assert set(body["author"]) == declared("ArticleAuthor"), body["author"]


def assert_item(body: dict[str, Any]) -> None:
    assert set(body) == declared("Item"), body


async def test_user_answers(client: httpx.AsyncClient, user: Account, superuser: Account) -> None:
    assert_user(await register(client))
    assert_user((await client.get("/v1/users/me", headers=user.headers)).json())
    assert_user((await client.patch("/v1/users/me", json={"full_name": "X"}, headers=user.headers)).json())
    assert_user((await client.get(f"/v1/users/{user.id}", headers=superuser.headers)).json())
    patched = await client.patch(f"/v1/users/{user.id}", json={"full_name": "Y"}, headers=superuser.headers)
    assert_user(patched.json())
    page = (await client.get("/v1/users", headers=superuser.headers)).json()
    assert set(page) == declared("UserPage")
    for listed in page["items"]:
        assert_user(listed)


async def test_article_answers(client: httpx.AsyncClient, user: Account) -> None:
    article = await create_article(client, user, published=True)
    assert_article(article)
    assert_article((await client.get(f"/v1/articles/{article['id']}")).json())
    patched = await client.patch(f"/v1/articles/{article['id']}", json={"title": "T"}, headers=user.headers)
    assert_article(patched.json())
    page = (await client.get("/v1/articles")).json()
    assert set(page) == declared("ArticlePage")
    assert page["items"]
    for listed in page["items"]:
        assert_article(listed)


async def test_item_answers(client: httpx.AsyncClient, user: Account) -> None:
    item = await create_item(client, user)
    assert_item(item)
    assert_item((await client.get(f"/v1/items/{item['id']}", headers=user.headers)).json())
    assert_item((await client.patch(f"/v1/items/{item['id']}", json={"name": "N"}, headers=user.headers)).json())
    page = (await client.get("/v1/items", headers=user.headers)).json()
    assert set(page) == declared("ItemPage")
    for listed in page["items"]:
        assert_item(listed)


async def test_token_answers(client: httpx.AsyncClient, user: Account) -> None:
    assert set(await login(client, user.email)) == declared("TokenResponse")


# --- the runtime's net -------------------------------------------------------------------------------------------


class LeakyUser(models.User):
    model_config = ConfigDict(extra="allow")


class LeakyAuthor(models.ArticleAuthor):
    model_config = ConfigDict(extra="allow")


# Supplied by the rate limiter and the request-id middleware in a real request; render() insists on every required
# header.
RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": "10",
    "RateLimit-Remaining": "9",
    "RateLimit-Reset": "60",
    "X-Request-ID": "test-request-1",
}


def a_request(path: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": path, "headers": [(b"accept", b"application/json")]})


USER = {
    "id": "0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b",
    "email": "ada@example.com",
    "full_name": "Ada Lovelace",
    "is_active": True,
    "is_superuser": False,
    "created_at": "2026-11-22T10:15:30Z",
    "updated_at": "2026-11-22T10:15:30Z",
}


def test_the_runtime_drops_a_member_the_spec_does_not_declare() -> None:
    leaky = LeakyUser.model_validate({**USER, "hashed_password": "$argon2id$secret"})
    assert leaky.model_dump()["hashed_password"]  # the implementation's object does carry it
    response = render(a_request("/v1/users/me"), GET_CURRENT_USER, 200, leaky, {**RATE_LIMIT_HEADERS, "ETag": '"1"'})
    assert b"hashed_password" not in response.body
    assert b"ada@example.com" in response.body


def test_the_runtime_drops_an_undeclared_member_of_an_embedded_author() -> None:
    author = LeakyAuthor.model_validate({"id": USER["id"], "full_name": "Ada Lovelace", "email": "ada@example.com"})
    article = models.Article.model_validate(
        {
            "id": "0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6d",
            "title": "T",
            "body": "B",
            "published": True,
            "published_at": "2026-11-22T10:15:30Z",
            "author": author,
            "created_at": "2026-11-22T10:15:30Z",
            "updated_at": "2026-11-22T10:15:30Z",
        }
    )
    response = render(a_request("/v1/articles/x"), GET_ARTICLE, 200, article, {**RATE_LIMIT_HEADERS, "ETag": '"1.1"'})
    assert b"ada@example.com" not in response.body
    assert b"Ada Lovelace" in response.body
