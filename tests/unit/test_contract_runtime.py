"""The generated layer lets only what the spec declares leave the server.

A stub `ItemsApi` is mounted through the generated `build_router`, so these tests exercise exactly the code the
real service runs, with implementations that misbehave on purpose.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from fastapi import Request
from starlette.responses import Response

from contract_runtime import (
    Credential,
    ProblemError,
    Runtime,
    build_app,
    reset_request_context,
    supply_request_context,
)
from generated import models
from generated.routers.items import (
    CreateItem201Response,
    GetItem200Response,
    GetItem304Response,
    ItemsApi,
    ListItemsSort,
    UpdateItem200Response,
    operations,
)

NOW = datetime(2026, 11, 22, tzinfo=UTC)
OWNER = uuid4()


def an_item(**changes: Any) -> models.Item:
    fields: dict[str, Any] = {
        "id": uuid4(),
        "owner_id": OWNER,
        "name": "Lamp",
        "description": None,
        "price": "19.99",
        "status": models.ItemStatus.draft,
        "tags": [],
        "created_at": NOW,
        "updated_at": NOW,
    }
    return models.Item(**{**fields, **changes})


class Authenticator:
    async def authenticate(self, request: Request, credential: Credential) -> str:
        if credential.token != "good":
            raise ProblemError(401, "no", headers={"WWW-Authenticate": "Bearer"})
        return "alice"


class StubItems(ItemsApi[str]):
    """Each operation does what `behaviour` says, so one test can make it break the contract."""

    def __init__(self) -> None:
        self.behaviour: Callable[[], Awaitable[Any]] = self._default
        self.calls: list[dict[str, Any]] = []

    async def _default(self) -> Any:
        return an_item()

    async def list_items(
        self,
        *,
        cursor: str | None,
        limit: int,
        max_price: str | None,
        min_price: str | None,
        q: str | None,
        sort: ListItemsSort,
        status: models.ItemStatus | None,
        principal: str,
    ) -> models.ItemPage:
        self.calls.append({"limit": limit, "sort": sort, "principal": principal})
        result: models.ItemPage = await self.behaviour()
        return result

    async def create_item(
        self, *, idempotency_key: str | None, body: models.ItemCreate, principal: str
    ) -> CreateItem201Response:
        result: CreateItem201Response = await self.behaviour()
        return result

    async def get_item(
        self, *, item_id: UUID, if_none_match: str | None, principal: str
    ) -> GetItem200Response | GetItem304Response:
        # A behaviour returning a bare body is answered as the 200 with an ETag.
        result = await self.behaviour()
        if isinstance(result, GetItem200Response | GetItem304Response):
            return result
        return GetItem200Response(body=result, e_tag='"1"')

    async def update_item(
        self, *, item_id: UUID, if_match: str | None, body: models.ItemUpdate, principal: str
    ) -> UpdateItem200Response:
        result = await self.behaviour()
        if isinstance(result, UpdateItem200Response):
            return result
        return UpdateItem200Response(body=result, e_tag='"1"')

    async def delete_item(self, *, item_id: UUID, if_match: str | None, principal: str) -> None:
        await self.behaviour()


class Limiter:
    """Grants every request (with fixed quota headers) until told to refuse; counts what it was asked."""

    HEADERS: Mapping[str, str] = {"RateLimit-Limit": "5", "RateLimit-Remaining": "4", "RateLimit-Reset": "60"}

    def __init__(self) -> None:
        self.refuse = False
        self.headers: dict[str, str] = dict(self.HEADERS)
        self.asked: list[str] = []

    async def acquire(self, request: Request, operation_id: str) -> Mapping[str, str]:
        self.asked.append(operation_id)
        if self.refuse:
            raise ProblemError(429, "slow down", headers={**self.headers, "Retry-After": "60"})
        return self.headers


class Scope:
    def __init__(self) -> None:
        self.outcomes: list[str] = []

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[None]:
        try:
            yield
        except BaseException:
            self.outcomes.append("rolled back")
            raise
        self.outcomes.append("committed")


@pytest.fixture
def stub() -> StubItems:
    return StubItems()


@pytest.fixture
def scope() -> Scope:
    return Scope()


@pytest.fixture
def limiter() -> Limiter:
    return Limiter()


@pytest.fixture
async def client(stub: StubItems, scope: Scope, limiter: Limiter) -> AsyncIterator[httpx.AsyncClient]:
    runtime = Runtime(security=Authenticator(), request_scope=scope, rate_limiter=limiter)
    app = build_app("test", operations(stub), runtime)

    @app.middleware("http")
    async def supply_request_id(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        # What the application's request-id middleware does: X-Request-ID (`x-supplied-by: request-id`) on every answer.
        token = supply_request_context(headers={"X-Request-ID": "test-request-1"}, request_id="test-request-1")
        try:
            return await call_next(request)
        finally:
            reset_request_context(token)

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers={"Authorization": "Bearer good"}
    ) as c:
        yield c


def assert_internal_error(response: httpx.Response) -> None:
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "An unexpected error occurred."


async def test_a_declared_success_is_rendered_with_its_status(client: httpx.AsyncClient, scope: Scope) -> None:
    response = await client.get(f"/v1/items/{uuid4()}")
    assert response.status_code == 200
    assert response.json()["price"] == "19.99"
    assert scope.outcomes == ["committed"]


async def test_parameters_reach_the_implementation_typed_and_defaulted(
    client: httpx.AsyncClient, stub: StubItems
) -> None:
    async def page() -> models.ItemPage:
        return models.ItemPage(items=[], next_cursor=None)

    stub.behaviour = page
    response = await client.get("/v1/items")
    assert response.status_code == 200
    assert stub.calls == [{"limit": 20, "sort": "-created_at", "principal": "alice"}]


async def test_an_undeclared_problem_status_becomes_a_500(client: httpx.AsyncClient, stub: StubItems) -> None:
    async def teapot() -> Any:
        raise ProblemError(418, "short and stout")

    stub.behaviour = teapot
    response = await client.get(f"/v1/items/{uuid4()}")
    assert_internal_error(response)
    assert "stout" not in response.text


async def test_a_declared_problem_passes(client: httpx.AsyncClient, stub: StubItems, scope: Scope) -> None:
    async def missing() -> Any:
        raise ProblemError(404, "There is no item with this id.")

    stub.behaviour = missing
    response = await client.get(f"/v1/items/{uuid4()}")
    assert response.status_code == 404
    assert response.json()["detail"] == "There is no item with this id."
    assert scope.outcomes == ["rolled back"]


async def test_a_required_header_missing_from_a_declared_problem_becomes_a_500(
    client: httpx.AsyncClient, stub: StubItems
) -> None:
    async def unauthorized_without_challenge() -> Any:
        raise ProblemError(401, "no token")  # 401 must carry WWW-Authenticate

    stub.behaviour = unauthorized_without_challenge
    assert_internal_error(await client.get(f"/v1/items/{uuid4()}"))


async def test_a_created_result_without_location_is_refused(client: httpx.AsyncClient, stub: StubItems) -> None:
    async def no_location() -> CreateItem201Response:
        return CreateItem201Response(body=an_item(), location="/v1/items/x", e_tag='"1"')

    stub.behaviour = no_location
    created = await client.post("/v1/items", json={"name": "Lamp", "price": "19.99"})
    assert created.status_code == 201
    assert created.headers["location"] == "/v1/items/x"

    async def empty_location() -> Any:
        return type("Result", (), {"status": 201, "body": an_item(), "headers": lambda self: {}})()

    stub.behaviour = empty_location
    assert_internal_error(await client.post("/v1/items", json={"name": "Lamp", "price": "19.99"}))


async def test_a_body_of_the_wrong_type_becomes_a_500(client: httpx.AsyncClient, stub: StubItems) -> None:
    async def wrong_model() -> Any:
        return models.HealthStatus(status="ok")

    stub.behaviour = wrong_model
    assert_internal_error(await client.get(f"/v1/items/{uuid4()}"))


async def test_a_body_breaking_its_schema_after_construction_becomes_a_500(
    client: httpx.AsyncClient, stub: StubItems
) -> None:
    async def mutated() -> models.Item:
        item = an_item()
        item.name = "x" * 500  # models do not validate assignment: the runtime re-validates before sending
        return item

    stub.behaviour = mutated
    assert_internal_error(await client.get(f"/v1/items/{uuid4()}"))


async def test_a_204_never_carries_a_body(client: httpx.AsyncClient, stub: StubItems) -> None:
    async def chatty_delete() -> Any:
        return an_item()  # mypy rejects this in a real implementation; the router sends no body regardless

    stub.behaviour = chatty_delete
    response = await client.delete(f"/v1/items/{uuid4()}")
    assert response.status_code == 204
    assert response.content == b""


async def test_an_unexpected_exception_reveals_nothing(
    client: httpx.AsyncClient, stub: StubItems, scope: Scope
) -> None:
    async def crash() -> Any:
        raise RuntimeError("password=hunter2 at db-primary.internal")

    stub.behaviour = crash
    response = await client.get(f"/v1/items/{uuid4()}")
    assert_internal_error(response)
    assert "hunter2" not in response.text
    assert "db-primary" not in response.text
    assert scope.outcomes == ["rolled back"]


async def test_wrong_method_lists_every_allowed_method(client: httpx.AsyncClient) -> None:
    response = await client.put("/v1/items")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.headers["content-type"] == "application/problem+json"
    response = await client.post(f"/v1/items/{uuid4()}")
    assert response.headers["allow"] == "GET, PATCH, DELETE"


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=yes", "limit"), ("limit=1.0", "limit"), ("limit=101", "limit"), ("sort=price,name", "sort")],
)
async def test_parameter_text_is_parsed_strictly(client: httpx.AsyncClient, query: str, field: str) -> None:
    response = await client.get(f"/v1/items?{query}")
    assert response.status_code == 422
    assert [(e["in"], e["field"]) for e in response.json()["errors"]] == [("query", field)]


async def test_a_uuid_must_be_in_canonical_form(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/v1/items/{uuid4().hex}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "item_id"


async def test_instance_is_a_percent_encoded_uri_reference(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/items/%F0%9F%92%A5 x")
    assert response.status_code == 422
    assert response.json()["instance"] == "/v1/items/%F0%9F%92%A5%20x"


async def test_a_trailing_slash_is_not_redirected(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/items/")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


# --------------------------------------------------------------------------------------------------------------
# What the runtime checks before an operation runs: the rate limit (429), the media type (415), the body size
# (413) and JSON nesting (400). Each refusal is declared in the spec, and the operation never runs.


async def test_every_answer_carries_the_rate_limit_headers(client: httpx.AsyncClient, stub: StubItems) -> None:
    assert (await client.get(f"/v1/items/{uuid4()}")).headers["ratelimit-remaining"] == "4"

    async def missing() -> Any:
        raise ProblemError(404, "There is no item with this id.")

    stub.behaviour = missing
    refused = await client.get(f"/v1/items/{uuid4()}")
    assert refused.status_code == 404
    assert {name: refused.headers[name] for name in Limiter.HEADERS} == dict(Limiter.HEADERS)


async def test_a_limiter_that_omits_a_declared_header_makes_a_500(client: httpx.AsyncClient, limiter: Limiter) -> None:
    del limiter.headers["RateLimit-Reset"]  # the spec requires it on every answer: the runtime checks it too
    assert_internal_error(await client.get(f"/v1/items/{uuid4()}"))


async def test_over_the_limit_the_operation_does_not_run(
    client: httpx.AsyncClient, stub: StubItems, limiter: Limiter, scope: Scope
) -> None:
    limiter.refuse = True
    response = await client.get("/v1/items")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "60"
    assert response.headers["content-type"] == "application/problem+json"
    assert stub.calls == []
    assert scope.outcomes == []  # refused before a database session was opened
    assert limiter.asked == ["listItems"]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1", None],
)
async def test_a_body_in_an_undeclared_media_type_is_415(
    client: httpx.AsyncClient, stub: StubItems, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = await client.post("/v1/items", content=b'{"name": "Lamp", "price": "19.99"}', headers=headers)
    assert response.status_code == 415, response.text
    assert response.json()["detail"] == "The request body must be application/json (UTF-8)."
    assert stub.calls == []


async def test_json_with_a_utf8_charset_is_accepted(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/items",
        content=b'{"name": "Lamp", "price": "19.99"}',
        headers={"Content-Type": "Application/JSON; charset=UTF-8"},
    )
    assert response.status_code == 500  # past every check: the stub answers an Item where 201 needs a Location


async def test_a_body_over_the_size_limit_is_413(client: httpx.AsyncClient, stub: StubItems) -> None:
    from generated.routers.items import CREATE_ITEM

    assert CREATE_ITEM.max_body_bytes is not None
    oversized = b'{"name": "' + b"x" * CREATE_ITEM.max_body_bytes + b'"}'
    response = await client.post("/v1/items", content=oversized, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert str(CREATE_ITEM.max_body_bytes) in response.json()["detail"]

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while streaming in
        for start in range(0, len(oversized), 65536):
            yield oversized[start : start + 65536]

    streamed = await client.post("/v1/items", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert stub.calls == []


@pytest.mark.parametrize("depth", [33, 100_000])
async def test_json_nested_too_deeply_is_400(client: httpx.AsyncClient, stub: StubItems, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    response = await client.post(
        "/v1/items",
        content=f'{{"name": "Lamp", "price": "19.99", "tags": {nested}}}'.encode(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The JSON body nests more than 32 levels deep."
    assert stub.calls == []


async def test_brackets_inside_strings_do_not_count_as_nesting(client: httpx.AsyncClient) -> None:
    name = '[[[[\\"[[' * 20  # escaped quotes and backslashes inside the string must not end it early
    response = await client.post(
        "/v1/items",
        content=f'{{"name": "{name}", "price": "19.99", "tags": [[[["a"]]]]}}'.encode(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422  # past the nesting check: tags must hold strings, not arrays
    assert {error["field"] for error in response.json()["errors"]} >= {"/tags/0"}
