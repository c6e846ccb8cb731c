"""Bad input is told the spec's sentence (`x-pattern-message`), never a regular expression; cursors are opaque,
and an altered or foreign one is a 422 naming `cursor`, never a 500 or a silently wrong page."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
import yaml

from tests.api.conftest import Account, create_article, create_item, problem
from tests.dbutil import PROJECT_ROOT

SPEC: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text(encoding="utf-8"))
SCHEMAS = SPEC["components"]["schemas"]
PRICE_SENTENCE = SCHEMAS["Price"]["x-pattern-message"]
PRICE_BOUND_SENTENCE = SCHEMAS["PriceBound"]["x-pattern-message"]
CURSOR_SENTENCE = SPEC["components"]["parameters"]["ItemCursor"]["schema"]["x-pattern-message"]


def field_error(response: httpx.Response, where: str, field: str) -> dict[str, Any]:
    assert response.status_code == 422, f"{response.status_code}: {response.text}"
    errors = [e for e in problem(response)["errors"] if (e["in"], e["field"]) == (where, field)]
    assert errors, problem(response)
    # No regular expression leaks into what a partner reads.
    assert "pattern" not in errors[0]["detail"], errors[0]
    assert "^" not in errors[0]["detail"], errors[0]
    error: dict[str, Any] = errors[0]
    return error


def test_every_pattern_in_the_spec_has_its_sentence() -> None:
    def walk(node: Any, pointer: str) -> list[str]:
        missing: list[str] = []
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str) and not node.get("x-pattern-message"):
                missing.append(pointer)
            for key, value in node.items():
                missing += walk(value, f"{pointer}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                missing += walk(value, f"{pointer}/{index}")
        return missing

    assert walk(SPEC, "#") == []


async def test_a_bad_price_is_told_the_sentence(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.post("/v1/items", json={"name": "Lamp", "price": "19.9"}, headers=user.headers)
    error = field_error(response, "body", "/price")
    assert error["detail"] == PRICE_SENTENCE
    assert error["type"] == "string_pattern_mismatch"


async def test_a_bad_price_bound_is_told_the_sentence(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.get("/v1/items", params={"min_price": "1e3"}, headers=user.headers)
    assert field_error(response, "query", "min_price")["detail"] == PRICE_BOUND_SENTENCE


async def test_a_nul_is_told_the_sentence(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.get("/v1/items", params={"q": "a\x00b"}, headers=user.headers)
    assert field_error(response, "query", "q")["detail"] == "Must not contain NUL characters (U+0000)."


async def test_a_cursor_with_foreign_characters_is_told_the_sentence(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.get("/v1/items", params={"cursor": "1732300000000000.1999"}, headers=user.headers)
    assert field_error(response, "query", "cursor")["detail"] == CURSOR_SENTENCE


async def pages(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 1}
    while True:
        response = await client.get(path, params=params, headers=headers)
        assert response.status_code == 200, response.text
        found.append(response.json())
        if response.json()["next_cursor"] is None:
            return found
        params = {"limit": 1, "cursor": response.json()["next_cursor"]}


async def test_item_cursors_are_opaque_and_page_through(client: httpx.AsyncClient, user: Account) -> None:
    for name in ("Confidential merger plan", "Lamp"):
        await create_item(client, user, name=name)
    seen = await pages(client, "/v1/items", user.headers)
    assert [len(page["items"]) for page in seen] == [1, 1]
    cursor = seen[0]["next_cursor"]
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    for name in ("Confidential merger plan", "Lamp"):
        assert name.encode() not in raw
        assert name.encode().hex() not in cursor
    schema = SCHEMAS["ItemPage"]["properties"]["next_cursor"]
    assert len(cursor) <= schema["maxLength"]


def altered(cursor: str) -> str:
    index = len(cursor) // 2
    return cursor[:index] + ("A" if cursor[index] != "A" else "B") + cursor[index + 1 :]


@pytest.mark.parametrize("path", ["/v1/items", "/v1/articles"])
async def test_an_altered_cursor_is_a_422_naming_cursor(client: httpx.AsyncClient, user: Account, path: str) -> None:
    for index in range(2):
        if path == "/v1/items":
            await create_item(client, user, name=f"Lamp {index}")
        else:
            await create_article(client, user, title=f"Article {index}", published=True)
    first = await client.get(path, params={"limit": 1}, headers=user.headers)
    cursor = first.json()["next_cursor"]
    assert cursor is not None
    for bad in (altered(cursor), cursor[:-4], "A" * 40):
        response = await client.get(path, params={"limit": 1, "cursor": bad}, headers=user.headers)
        error = field_error(response, "query", "cursor")
        assert error["type"] == "invalid_cursor"
        assert "next_cursor" in error["detail"]


async def test_a_cursor_of_another_list_is_refused(client: httpx.AsyncClient, user: Account) -> None:
    for index in range(2):
        await create_article(client, user, title=f"Article {index}", published=True)
    article_cursor = (await client.get("/v1/articles", params={"limit": 1})).json()["next_cursor"]
    response = await client.get("/v1/items", params={"cursor": article_cursor}, headers=user.headers)
    assert field_error(response, "query", "cursor")["type"] == "invalid_cursor"


async def test_a_users_cursor_is_sealed_too(client: httpx.AsyncClient, superuser: Account) -> None:
    first = await client.get("/v1/users", params={"limit": 1}, headers=superuser.headers)
    assert first.status_code == 200, first.text
    response = await client.get("/v1/users", params={"cursor": "A" * 71}, headers=superuser.headers)
    assert field_error(response, "query", "cursor")["type"] == "invalid_cursor"
