"""Hostile and malformed input: each is refused with the right problem, and a refused write changes nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.api.conftest import Account, create_article, create_item, error_fields, items_of, problem
from tests.contract_client import HTTP_METHODS, spec_document

JSON_HEADERS = {"content-type": "application/json"}


def raw(body: str) -> bytes:
    """A JSON text sent as is (escapes such as \\ud800 stay escapes: json.dumps would refuse nothing)."""
    return body.encode("utf-8")


@pytest.fixture
async def item(client: httpx.AsyncClient, user: Account) -> dict[str, Any]:
    return await create_item(client, user, description="Brass.", tags=["lighting"])


# --- NUL characters and unpaired surrogates ----------------------------------------------------------------------

BAD_TEXT_BODIES = [
    pytest.param('{"name": "La\\u0000mp", "price": "1.00"}', "/name", id="nul-escaped"),
    pytest.param('{"name": "Lamp", "price": "1.00", "description": "a\\u0000b"}', "/description", id="nul-description"),
    pytest.param('{"name": "Lamp", "price": "1.00", "tags": ["ok", "b\\u0000d"]}', "/tags/1", id="nul-in-tag"),
    pytest.param('{"name": "a\\ud800", "price": "1.00"}', "/name", id="lone-high-surrogate"),
    pytest.param('{"name": "\\udc00z", "price": "1.00"}', "/name", id="lone-low-surrogate"),
    pytest.param('{"name": "\\ude00\\ud83d", "price": "1.00"}', "/name", id="reversed-pair"),
    pytest.param('{"name": "Lamp", "price": "1.00", "tags": ["\\ud800"]}', "/tags/0", id="surrogate-in-tag"),
]


@pytest.mark.parametrize(("body", "field"), BAD_TEXT_BODIES)
async def test_bad_text_is_refused_on_create(client: httpx.AsyncClient, user: Account, body: str, field: str) -> None:
    response = await client.post("/v1/items", content=raw(body), headers={**JSON_HEADERS, **user.headers})
    assert ("body", field) in error_fields(response)
    assert await items_of(client, user) == []


@pytest.mark.parametrize(("body", "field"), BAD_TEXT_BODIES)
async def test_bad_text_is_refused_on_update(
    client: httpx.AsyncClient, user: Account, item: dict[str, Any], body: str, field: str
) -> None:
    patch = json.loads(body)  # the escapes decode to the bad characters; json.dumps writes them back escaped
    patch.pop("price")
    response = await client.patch(
        f"/v1/items/{item['id']}", content=raw(json.dumps(patch)), headers={**JSON_HEADERS, **user.headers}
    )
    assert ("body", field) in error_fields(response)
    assert (await client.get(f"/v1/items/{item['id']}", headers=user.headers)).json() == item


async def test_raw_nul_byte_in_a_json_string_is_refused(client: httpx.AsyncClient, user: Account) -> None:
    # A literal NUL (not an escape) is a control character, which JSON forbids inside strings.
    response = await client.post(
        "/v1/items", content=b'{"name": "La\x00mp", "price": "1.00"}', headers={**JSON_HEADERS, **user.headers}
    )
    assert response.status_code in (400, 422)
    problem(response)
    assert await items_of(client, user) == []


async def test_surrogate_pair_is_fine(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.post(
        "/v1/items",
        content=raw('{"name": "lamp \\ud83d\\ude00", "price": "1.00"}'),
        headers={**JSON_HEADERS, **user.headers},
    )
    assert response.status_code == 201
    assert response.json()["name"] == "lamp \U0001f600"


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        (
            "/v1/auth/register",
            '{"email": "a@example.com", "password": "long enough", "full_name": "A\\u0000"}',
            "/full_name",
        ),
        ("/v1/auth/register", '{"email": "a@example.com", "password": "long \\ud800 enough"}', "/password"),
        ("/v1/articles", '{"title": "T\\u0000", "body": "B"}', "/title"),
        ("/v1/articles", '{"title": "T", "body": "\\udfff"}', "/body"),
        ("/v1/auth/logout", '{"refresh_token": "\\u0000"}', "/refresh_token"),
    ],
)
async def test_bad_text_in_other_bodies(
    client: httpx.AsyncClient, user: Account, path: str, payload: str, field: str
) -> None:
    response = await client.post(path, content=raw(payload), headers={**JSON_HEADERS, **user.headers})
    assert ("body", field) in error_fields(response)
    assert (await client.get("/v1/articles")).json()["items"] == []


async def test_nul_in_a_query_parameter(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.get("/v1/items", params={"q": "a\x00b"}, headers=user.headers)
    assert ("query", "q") in error_fields(response)
    response = await client.get("/v1/articles", params={"q": "\x00"})
    assert ("query", "q") in error_fields(response)


async def test_nul_in_a_form_field(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.post(
        "/v1/auth/token", data={"grant_type": "password", "username": user.email + "\x00", "password": user.password}
    )
    # The token endpoint answers every malformed request 400 invalid_request (RFC 6749 section 5.2).
    assert response.status_code == 400, response.text
    assert problem(response)["error"] == "invalid_request"
    assert "body /username:" in problem(response)["detail"]


# --- numbers and ids ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "limit", ["9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999999999999999999"]
)
async def test_limit_beyond_int64(client: httpx.AsyncClient, user: Account, limit: str) -> None:
    response = await client.get("/v1/items", params={"limit": limit}, headers=user.headers)
    assert ("query", "limit") in error_fields(response)
    response = await client.get("/v1/articles", params={"limit": limit})
    assert ("query", "limit") in error_fields(response)


@pytest.mark.parametrize("limit", ["1.0", "1e1", "ten", "", " 5", "0x10"])
async def test_limit_that_is_not_an_integer(client: httpx.AsyncClient, user: Account, limit: str) -> None:
    response = await client.get("/v1/items", params={"limit": limit}, headers=user.headers)
    assert ("query", "limit") in error_fields(response)


@pytest.mark.parametrize(
    "bad_id",
    [
        "not-a-uuid",
        "0193a2b4c5d67e8f9a0b1c2d3e4f5a6b",  # no dashes
        "{0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b}",
        "0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6",  # one digit short
        "0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6bb",
        "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
        "1",
    ],
)
async def test_malformed_uuid_path_parameter(
    client: httpx.AsyncClient, user: Account, superuser: Account, item: dict[str, Any], bad_id: str
) -> None:
    for method, prefix, name, headers in [
        ("GET", "/v1/items/", "item_id", user.headers),
        ("PATCH", "/v1/items/", "item_id", user.headers),
        ("DELETE", "/v1/items/", "item_id", user.headers),
        ("GET", "/v1/articles/", "article_id", user.headers),
        ("DELETE", "/v1/articles/", "article_id", user.headers),
        ("GET", "/v1/users/", "user_id", superuser.headers),
        ("DELETE", "/v1/users/", "user_id", superuser.headers),
    ]:
        body = {"name": "x"} if method == "PATCH" else None
        response = await client.request(method, prefix + bad_id, json=body, headers=headers)
        assert ("path", name) in error_fields(response), f"{method} {prefix}{bad_id}"
    assert await items_of(client, user) == [item]


async def test_malformed_uuid_query_parameter(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/articles", params={"author_id": "nope"})
    assert ("query", "author_id") in error_fields(response)


# --- explicit null on non-nullable fields ------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "price", "tags", "status"])
async def test_null_item_field_is_refused(
    client: httpx.AsyncClient, user: Account, item: dict[str, Any], field: str
) -> None:
    response = await client.patch(f"/v1/items/{item['id']}", json={field: None}, headers=user.headers)
    assert ("body", f"/{field}") in error_fields(response)
    assert (await client.get(f"/v1/items/{item['id']}", headers=user.headers)).json() == item

    payload: dict[str, Any] = {"name": "Lamp", "price": "1.00", field: None}
    response = await client.post("/v1/items", json=payload, headers=user.headers)
    assert ("body", f"/{field}") in error_fields(response)
    assert await items_of(client, user) == [item]


@pytest.mark.parametrize("field", ["title", "body", "published"])
async def test_null_article_field_is_refused(client: httpx.AsyncClient, user: Account, field: str) -> None:
    article = await create_article(client, user, published=True)
    response = await client.patch(f"/v1/articles/{article['id']}", json={field: None}, headers=user.headers)
    assert ("body", f"/{field}") in error_fields(response)
    assert (await client.get(f"/v1/articles/{article['id']}")).json() == article

    payload: dict[str, Any] = {"title": "T", "body": "B", field: None}
    response = await client.post("/v1/articles", json=payload, headers=user.headers)
    assert ("body", f"/{field}") in error_fields(response)
    assert [a["id"] for a in (await client.get("/v1/articles")).json()["items"]] == [article["id"]]


async def test_null_email_is_refused(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.patch("/v1/users/me", json={"email": None}, headers=user.headers)
    assert ("body", "/email") in error_fields(response)
    assert (await client.get("/v1/users/me", headers=user.headers)).json()["email"] == user.email


# --- wrong types and values --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"price": 19.99}, "/price"),
        ({"price": 1999}, "/price"),
        ({"price": "19.9"}, "/price"),
        ({"price": "19.999"}, "/price"),
        ({"price": "0.00"}, "/price"),
        ({"price": "-1.00"}, "/price"),
        ({"price": "1000000.01"}, "/price"),
        ({"price": "1e3"}, "/price"),
        ({"price": " 19.99"}, "/price"),
        ({"price": "19.99\n"}, "/price"),
        ({"name": ""}, "/name"),
        ({"name": 5}, "/name"),
        ({"status": "sold"}, "/status"),
        ({"tags": ["a", "a"]}, "/tags"),
        ({"tags": "lighting"}, "/tags"),
        ({"tags": [""]}, "/tags/0"),
        ({"tags": ["line\nbreak"]}, "/tags/0"),
        ({"tags": [f"t{i}" for i in range(11)]}, "/tags"),
        ({"description": "x" * 2001}, "/description"),
        ({"unknown": 1}, "/unknown"),
    ],
)
async def test_invalid_item_update_changes_nothing(
    client: httpx.AsyncClient, user: Account, item: dict[str, Any], patch: dict[str, Any], field: str
) -> None:
    response = await client.patch(f"/v1/items/{item['id']}", json=patch, headers=user.headers)
    assert ("body", field) in error_fields(response)
    assert (await client.get(f"/v1/items/{item['id']}", headers=user.headers)).json() == item


async def test_every_offending_field_is_named(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.post(
        "/v1/items", json={"name": "", "price": "free", "status": "sold", "extra": True}, headers=user.headers
    )
    assert {("body", "/name"), ("body", "/price"), ("body", "/status"), ("body", "/extra")} <= error_fields(response)


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        (
            "/v1/auth/register",
            {"email": "a@example.com", "password": "long enough", "is_superuser": True},
            "/is_superuser",
        ),
        ("/v1/auth/logout", {"refresh_token": "x", "all": True}, "/all"),
        (
            "/v1/articles",
            {"title": "T", "body": "B", "author_id": "0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b"},
            "/author_id",
        ),
        (
            "/v1/items",
            {"name": "Lamp", "price": "1.00", "owner_id": "0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b"},
            "/owner_id",
        ),
    ],
)
async def test_extra_property_is_refused(
    client: httpx.AsyncClient, user: Account, path: str, payload: dict[str, Any], field: str
) -> None:
    response = await client.post(path, json=payload, headers=user.headers)
    assert ("body", field) in error_fields(response)
    assert await items_of(client, user) == []
    assert (await client.get("/v1/articles")).json()["items"] == []


async def test_register_refuses_a_superuser_flag_and_creates_nothing(client: httpx.AsyncClient) -> None:
    email = "sneaky@example.com"
    response = await client.post(
        "/v1/auth/register", json={"email": email, "password": "long enough", "is_superuser": True}
    )
    assert response.status_code == 422
    # Nothing was created: the email is still free.
    created = await client.post("/v1/auth/register", json={"email": email, "password": "long enough"})
    assert created.status_code == 201
    assert created.json()["is_superuser"] is False


# --- undecodable bodies ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", [b'{"name": "Lamp", "price": "1.00"', b"{name: 'Lamp'}", b'{"name": "Lamp",}', b"\xff\xfe{}", b"nul"]
)
async def test_malformed_json_is_400(
    client: httpx.AsyncClient, user: Account, item: dict[str, Any], body: bytes
) -> None:
    response = await client.post("/v1/items", content=body, headers={**JSON_HEADERS, **user.headers})
    assert response.status_code == 400, response.text
    assert problem(response)["status"] == 400
    response = await client.patch(f"/v1/items/{item['id']}", content=body, headers={**JSON_HEADERS, **user.headers})
    assert response.status_code == 400
    assert await items_of(client, user) == [item]


@pytest.mark.parametrize("body", [b"", b"[]", b'"Lamp"', b"null", b"42"])
async def test_body_that_is_not_an_object_is_422(
    client: httpx.AsyncClient, user: Account, item: dict[str, Any], body: bytes
) -> None:
    response = await client.post("/v1/items", content=body, headers={**JSON_HEADERS, **user.headers})
    assert response.status_code == 422, response.text
    assert problem(response)["errors"]
    response = await client.patch(f"/v1/items/{item['id']}", content=body, headers={**JSON_HEADERS, **user.headers})
    assert response.status_code == 422, response.text
    assert await items_of(client, user) == [item]


# --- paths and methods -------------------------------------------------------------------------------------------


# (`/` is not unknown: it leads to the docs, tests/serving/test_serve.py.)
@pytest.mark.parametrize("path", ["/v1", "/v1/item", "/v2/items", "/v1/users/me/password/x", "/%00", "/v1/%2e%2e/x"])
async def test_unknown_path_is_a_404_problem(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    body = problem(response)
    assert body["status"] == 404
    assert body["title"] == "Not Found"


@pytest.mark.parametrize("path", ["/v1/items/", "/v1/users/me/", "/v1/articles/"])
async def test_trailing_slash_is_not_a_second_resource(client: httpx.AsyncClient, user: Account, path: str) -> None:
    # Not in the spec, so unknown: a 404 problem, not a redirect the spec does not describe.
    response = await client.get(path, headers=user.headers)
    assert response.status_code == 404
    assert problem(response)["status"] == 404


SPEC_PATHS = list(spec_document()["paths"].items())


@pytest.mark.parametrize(("path", "item"), SPEC_PATHS, ids=[p for p, _ in SPEC_PATHS])
async def test_undeclared_method_is_405_with_allow(client: httpx.AsyncClient, path: str, item: dict[str, Any]) -> None:
    declared = {method.upper() for method in HTTP_METHODS if method in item}
    url = path.format(
        user_id="0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b",
        item_id="0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b",
        article_id="0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b",
    )
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        if method in declared:
            continue
        response = await client.request(method, url)
        assert response.status_code == 405, f"{method} {path}"
        allow = {m.strip() for m in response.headers["allow"].split(",")}
        assert allow == declared, f"{method} {path}: Allow {response.headers['allow']!r}"
        assert problem(response)["status"] == 405


async def test_put_items_allows_get_and_post(client: httpx.AsyncClient) -> None:
    response = await client.put("/v1/items", json={"name": "Lamp", "price": "1.00"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
