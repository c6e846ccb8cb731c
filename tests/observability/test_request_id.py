"""The request id: accepted when safe, made otherwise, on every answer (the spec declares it), in every log line
of the request and in 500 problem documents."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from impl.app import create_app
from impl.items import Items
from impl.observability.request_id import is_valid_request_id
from tests.contract_client import contract_client
from tests.observability.conftest import LogLines
from tests.settings import settings_for_tests

PASSWORD = "correct horse battery staple"


@pytest.fixture
async def app(database_url: str) -> AsyncIterator[FastAPI]:
    application = create_app(settings_for_tests(database_url, cors_allowed_origins="https://app.example.com"))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Every answer is checked against the spec: X-Request-ID is a required header of every response."""
    async with contract_client(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False)) as http:
        yield http


async def access_token(client: httpx.AsyncClient) -> str:
    email = f"rid-{uuid.uuid4().hex[:10]}@example.com"
    assert (await client.post("/v1/auth/register", json={"email": email, "password": PASSWORD})).status_code == 201
    form = {"grant_type": "password", "username": email, "password": PASSWORD}
    token: str = (await client.post("/v1/auth/token", data=form)).json()["access_token"]
    return token


async def test_a_request_without_an_id_gets_a_new_one(client: httpx.AsyncClient) -> None:
    first = (await client.get("/health/live")).headers["x-request-id"]
    second = (await client.get("/health/live")).headers["x-request-id"]
    assert first != second
    assert is_valid_request_id(first)
    assert uuid.UUID(first)


@pytest.mark.parametrize(
    "sent", ["abc", "0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b", "Root=1-5759e988:x_y.z~+/=", "a" * 128]
)
async def test_a_valid_id_is_echoed(client: httpx.AsyncClient, sent: str) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": sent})
    assert response.headers["x-request-id"] == sent


@pytest.mark.parametrize(
    "sent",
    [
        "",
        "a" * 129,
        "two words",
        "semi;colon",
        "new\\nline",
        'quote"d',
        "<script>",
        "caf\u00e9".encode().decode("latin-1"),
    ],
)
async def test_an_unsafe_id_is_replaced(client: httpx.AsyncClient, sent: str) -> None:
    response = await client.get("/health/live", headers=[(b"X-Request-ID", sent.encode("latin-1"))])
    answered = response.headers["x-request-id"]
    assert answered != sent
    assert uuid.UUID(answered)


async def test_two_ids_are_one_too_many(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live", headers=[("X-Request-ID", "one"), ("X-Request-ID", "two")])
    assert uuid.UUID(response.headers["x-request-id"])


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v1/items", 401),  # a declared problem
        ("GET", "/nowhere", 404),  # no route
        ("PUT", "/v1/items", 405),  # no such method
        ("GET", "/openapi.json", 200),  # outside the spec
        ("GET", "/docs", 200),
        ("GET", "/metrics", 200),
    ],
)
async def test_every_answer_carries_it(client: httpx.AsyncClient, method: str, path: str, status: int) -> None:
    response = await client.request(method, path, headers={"X-Request-ID": "every-answer"})
    assert response.status_code == status
    assert response.headers["x-request-id"] == "every-answer"


async def test_declared_successes_and_cors_answers_carry_it(client: httpx.AsyncClient) -> None:
    token = await access_token(client)
    headers = {"Authorization": f"Bearer {token}", "X-Request-ID": "ok-1", "Origin": "https://app.example.com"}
    created = await client.post("/v1/items", json={"name": "Lamp", "price": "1.00"}, headers=headers)
    assert created.status_code == 201
    assert created.headers["x-request-id"] == "ok-1"
    # Browsers let scripts read it.
    assert "x-request-id" in created.headers["access-control-expose-headers"].lower()
    preflight = await client.options(
        "/v1/items",
        headers={
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, x-request-id",
            "X-Request-ID": "preflight-1",
        },
    )
    # Browsers may send their own id too.
    assert preflight.status_code == 200
    assert preflight.headers["x-request-id"] == "preflight-1"


async def test_a_500_names_the_id_in_its_problem_and_in_its_log_line(
    client: httpx.AsyncClient, database_url: str, capture_logs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = await access_token(client)
    lines: LogLines = capture_logs(settings_for_tests(database_url, log_level="INFO", log_format="json"))

    async def broken(self: Items, **_: Any) -> Any:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(Items, "get_item", broken)
    response = await client.get(
        f"/v1/items/{uuid.uuid4()}", headers={"Authorization": f"Bearer {token}", "X-Request-ID": "fire-1"}
    )
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "fire-1"
    problem = response.json()
    assert problem["request_id"] == "fire-1"
    assert "fire" not in problem.get("detail", "")  # no internals leave the server

    # The test's own client (httpx) logs in this process too; every line of the server's carries the id.
    records = [r for r in lines.records() if r["logger"] != "httpx"]
    assert {r.get("request_id") for r in records} == {"fire-1"}
    error = next(r for r in records if r["level"] == "error")
    assert error["operation_id"] == "getItem"
    assert "RuntimeError: the disk is on fire" in error["exception"]
    access = next(r for r in records if r["logger"] == "access")
    assert (access["status"], access["operation_id"]) == (500, "getItem")


async def test_an_error_outside_any_operation_is_a_500_problem_with_the_id(
    app: FastAPI, database_url: str, capture_logs: Any
) -> None:
    async def explode(request: Request) -> Response:
        raise RuntimeError("outside the contract")

    app.add_route("/explode", explode, methods=["GET"])
    lines: LogLines = capture_logs(settings_for_tests(database_url, log_level="INFO", log_format="json"))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/explode", headers={"X-Request-ID": "outside-1"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-request-id"] == "outside-1"
    assert response.json()["request_id"] == "outside-1"
    records = [r for r in lines.records() if r["logger"] != "httpx"]
    # One error line with its cause, one access line: no second, context-free traceback.
    assert [(r["level"], r["logger"]) for r in records] == [("error", "impl.observability"), ("info", "access")]
    assert "outside the contract" in records[0]["exception"]
    assert all(r["request_id"] == "outside-1" for r in records)
