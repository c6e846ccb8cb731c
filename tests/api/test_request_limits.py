"""What the runtime refuses before an operation runs, on the real app and both databases.

Body size (413), media type (415), JSON nesting (400) and the per-client rate limits (429, `RateLimit-*`), plus
CORS. Each refusal is the declared problem, and a refused write leaves stored data exactly as it was.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest

from impl.app import create_app
from tests.api.conftest import (
    DEFAULT_PASSWORD,
    Account,
    Database,
    app_settings,
    create_article,
    create_item,
    items_of,
    problem,
)
from tests.contract_client import contract_client, spec_document

JSON_HEADERS = {"content-type": "application/json"}
LIMITS = spec_document()["x-request-limits"]
MAX_BODY_BYTES: int = LIMITS["max-body-bytes"]
MAX_JSON_DEPTH: int = LIMITS["max-json-depth"]


# --- 413: bodies over the declared size --------------------------------------------------------------------------


async def test_an_oversized_create_is_413_and_stores_nothing(client: httpx.AsyncClient, user: Account) -> None:
    body = b'{"name": "Lamp", "price": "1.00", "description": "' + b"x" * MAX_BODY_BYTES + b'"}'
    response = await client.post("/v1/items", content=body, headers={**JSON_HEADERS, **user.headers})
    assert response.status_code == 413
    assert problem(response)["detail"] == f"The request body is larger than {MAX_BODY_BYTES} bytes."
    assert await items_of(client, user) == []


async def test_an_oversized_update_is_413_and_changes_nothing(client: httpx.AsyncClient, user: Account) -> None:
    article = await create_article(client, user)
    body = b'{"body": "' + b"y" * (MAX_BODY_BYTES + 1) + b'"}'
    response = await client.patch(
        f"/v1/articles/{article['id']}", content=body, headers={**JSON_HEADERS, **user.headers}
    )
    assert response.status_code == 413
    assert (await client.get(f"/v1/articles/{article['id']}", headers=user.headers)).json() == article


async def test_the_largest_valid_article_fits_the_limit(client: httpx.AsyncClient, user: Account) -> None:
    # The limit must never refuse a valid request: the longest body, every character at its longest escape.
    longest = spec_document()["components"]["schemas"]["ArticleBody"]["maxLength"]
    body = '{"title": "t", "body": "' + "\\u00e9" * longest + '"}'
    assert len(body.encode()) <= MAX_BODY_BYTES
    response = await client.post("/v1/articles", content=body.encode(), headers={**JSON_HEADERS, **user.headers})
    assert response.status_code == 201, response.text


# --- 415: bodies in an undeclared media type ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/json-seq"]
)
async def test_a_create_in_another_media_type_is_415(
    client: httpx.AsyncClient, user: Account, content_type: str
) -> None:
    response = await client.post(
        "/v1/items",
        content=b'{"name": "Lamp", "price": "1.00"}',
        headers={"content-type": content_type, **user.headers},
    )
    assert response.status_code == 415
    assert problem(response)["detail"] == "The request body must be application/json (UTF-8)."
    assert await items_of(client, user) == []


async def test_a_form_encoded_profile_update_is_415_and_changes_nothing(
    client: httpx.AsyncClient, user: Account
) -> None:
    before = (await client.get("/v1/users/me", headers=user.headers)).json()
    response = await client.patch("/v1/users/me", data={"full_name": "Mallory"}, headers=user.headers)
    assert response.status_code == 415
    assert (await client.get("/v1/users/me", headers=user.headers)).json() == before


async def test_a_json_token_request_is_415(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.post(
        "/v1/auth/token", json={"grant_type": "password", "username": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 415
    assert problem(response)["detail"] == "The request body must be application/x-www-form-urlencoded (UTF-8)."


# --- 400: JSON nested too deeply ----------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 50_000])
async def test_deeply_nested_json_is_400_and_changes_nothing(
    client: httpx.AsyncClient, user: Account, depth: int
) -> None:
    item = await create_item(client, user)
    nested = "[" * depth + "]" * depth
    response = await client.patch(
        f"/v1/items/{item['id']}", content=f'{{"tags": {nested}}}'.encode(), headers={**JSON_HEADERS, **user.headers}
    )
    assert response.status_code == 400
    assert problem(response)["detail"] == f"The JSON body nests more than {MAX_JSON_DEPTH} levels deep."
    assert (await client.get(f"/v1/items/{item['id']}", headers=user.headers)).json() == item


async def test_nesting_within_the_limit_reaches_validation(client: httpx.AsyncClient, user: Account) -> None:
    nested = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    response = await client.post(
        "/v1/items", content=f'{{"name": "L", "price": "1.00", "tags": {nested}}}'.encode(), headers=JSON_HEADERS
    )
    assert response.status_code == 401  # past the body checks: the next refusal is the missing token


# --- 429: per-client rate limits ----------------------------------------------------------------------------------

ClientFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
async def limited(database_url: str, db: Database) -> AsyncIterator[ClientFactory]:
    """Clients of a fresh app (fresh counters) with tiny quotas: 3 requests a minute, 2 to the credential ones."""
    await db.clear()
    app = create_app(app_settings(database_url, rate_limit="3/minute", auth_rate_limit="2/minute"))

    @asynccontextmanager
    async def client_from(address: str = "192.0.2.1") -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=app, client=(address, 50000))
        async with contract_client(transport=transport) as http:
            yield http

    async with app.router.lifespan_context(app):
        yield client_from


async def test_over_the_quota_the_answer_is_429_with_retry_after(limited: ClientFactory) -> None:
    async with limited() as http:
        answers = [await http.get("/v1/articles") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert all(a.headers["ratelimit-limit"] == "3" for a in answers)
    refused = answers[-1]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert 0 < int(refused.headers["ratelimit-reset"]) <= 60
    assert problem(refused)["status"] == 429


async def test_a_refused_registration_creates_no_account(limited: ClientFactory, db: Database) -> None:
    async with limited() as http:
        statuses = [
            (
                await http.post("/v1/auth/register", json={"email": f"u{n}@example.com", "password": DEFAULT_PASSWORD})
            ).status_code
            for n in range(3)
        ]
    assert statuses == [201, 201, 429]
    with pytest.raises(Exception, match="No row was found"):
        await db.user_row("u2@example.com")


async def test_credential_operations_have_their_own_quota(limited: ClientFactory) -> None:
    async with limited() as http:
        await http.post("/v1/auth/register", json={"email": "a@example.com", "password": DEFAULT_PASSWORD})
        login = {"grant_type": "password", "username": "a@example.com", "password": DEFAULT_PASSWORD}
        assert (await http.post("/v1/auth/token", data=login)).status_code == 200
        assert (await http.post("/v1/auth/token", data=login)).status_code == 429  # 2 a minute: spent
        # The general quota is untouched by the credential operations.
        assert [(await http.get("/v1/articles")).status_code for _ in range(3)] == [200, 200, 200]


async def test_each_client_address_has_its_own_quota(limited: ClientFactory) -> None:
    async with limited("192.0.2.1") as first, limited("192.0.2.2") as second:
        assert [(await first.get("/v1/articles")).status_code for _ in range(4)][-1] == 429
        assert (await second.get("/v1/articles")).status_code == 200


async def test_health_probes_are_never_limited(limited: ClientFactory) -> None:
    async with limited() as http:
        answers = [await http.get("/health/live") for _ in range(10)]
    assert {a.status_code for a in answers} == {200}
    assert all("ratelimit-limit" not in a.headers for a in answers)


# --- CORS ---------------------------------------------------------------------------------------------------------

ALLOWED_ORIGIN = "https://app.example.com"


@pytest.fixture
async def cors_client(database_url: str, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    await db.clear()
    app = create_app(app_settings(database_url, cors_allowed_origins=[ALLOWED_ORIGIN]))
    async with app.router.lifespan_context(app), contract_client(transport=httpx.ASGITransport(app=app)) as http:
        yield http


async def test_an_allowed_origin_may_read_the_answer_and_its_headers(cors_client: httpx.AsyncClient) -> None:
    response = await cors_client.get("/v1/articles", headers={"Origin": ALLOWED_ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    exposed = {name.strip().lower() for name in response.headers["access-control-expose-headers"].split(",")}
    assert {"location", "ratelimit-remaining", "retry-after", "www-authenticate"} <= exposed


async def test_another_origin_gets_no_cors_grant(cors_client: httpx.AsyncClient) -> None:
    response = await cors_client.get("/v1/articles", headers={"Origin": "https://evil.example.net"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


async def test_a_preflight_from_an_allowed_origin_allows_a_bearer_token(cors_client: httpx.AsyncClient) -> None:
    response = await cors_client.options(
        "/v1/items",
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "authorization" in response.headers["access-control-allow-headers"].lower()


@pytest.mark.parametrize(
    ("origin", "method", "refused"),
    [
        pytest.param("https://evil.example.net", "POST", "origin", id="other-origin"),
        pytest.param(ALLOWED_ORIGIN, "PUT", "method", id="undeclared-method"),
    ],
)
async def test_a_refused_preflight_is_a_problem(
    cors_client: httpx.AsyncClient, origin: str, method: str, refused: str
) -> None:
    response = await cors_client.options(
        "/v1/items", headers={"Origin": origin, "Access-Control-Request-Method": method}
    )
    assert response.status_code == 400
    document = problem(response)
    assert document["status"] == 400
    assert refused in document["detail"]


async def test_without_configured_origins_there_is_no_cors(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/articles", headers={"Origin": ALLOWED_ORIGIN})
    assert "access-control-allow-origin" not in response.headers
