"""The operation pipeline of contract_runtime, on hand-written contracts (no generator involved): security
alternatives (OR), combinations (AND) and optional security; operation middlewares; HEAD served by GET;
negotiation and 406; and where a refusal goes when the spec declares no response for its status."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, ClassVar

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from contract_runtime import (
    Arguments,
    Authenticated,
    BoundOperation,
    CallNext,
    Credential,
    DeclaredResponse,
    HeaderSpec,
    MediaSpec,
    OperationContract,
    ParameterSpec,
    ProblemError,
    RequestBodySpec,
    Runtime,
    SecurityRequirement,
    SecurityScheme,
    build_app,
)

JSON_ANY = MediaSpec(media_type="application/json", kind="json", type=dict[str, Any])
OK = DeclaredResponse(status="200", content=(JSON_ANY,))
PROBLEM = MediaSpec(media_type="application/problem+json", kind="json", type=dict[str, Any])
KEY = SecurityScheme(name="key", type="apiKey", location="header", parameter="X-Key")
TOKEN = SecurityScheme(name="token", type="http", http_scheme="bearer")
BASIC = SecurityScheme(name="basic", type="http", http_scheme="basic")
ID = ParameterSpec(name="id", location="query", keyword="id", required=True, schema={"type": "integer"})


def contract(**changes: Any) -> OperationContract:
    fields: dict[str, Any] = {
        "operation_id": "op",
        "method": "GET",
        "path": "/things",
        "responses": {"200": OK},
        "result_mode": "bare",
        "default_status": 200,
    }
    return OperationContract(**{**fields, **changes})


class Authenticator:
    async def authenticate(self, request: Request, credential: Credential) -> str:
        if credential.token in ("bad", "YmFkOmJhZA=="):
            raise ProblemError(401, "Unknown credential.", headers={"WWW-Authenticate": "Bearer"})
        return f"{credential.scheme.name}:{credential.username or credential.token}"


Handler = Callable[[Arguments[Any]], Awaitable[object]]


async def echo(arguments: Arguments[Any]) -> object:
    principal = arguments.principal
    if isinstance(principal, Authenticated):
        return {"schemes": list(principal.schemes), "principals": dict(principal.principals)}
    return {"principal": principal}


@pytest.fixture
async def serve() -> AsyncIterator[Callable[..., httpx.AsyncClient]]:
    clients: list[httpx.AsyncClient] = []

    def make(*operations: BoundOperation, **runtime: Any) -> httpx.AsyncClient:
        app = build_app("test", operations, Runtime(security=Authenticator(), **runtime))
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://test"
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


# --- security ----------------------------------------------------------------------------------------------------


async def test_or_the_first_alternative_present_holds(serve: Callable[..., httpx.AsyncClient]) -> None:
    secured = contract(
        security=((SecurityRequirement(KEY),), (SecurityRequirement(TOKEN),)), principal_mode="authenticated"
    )
    client = serve(BoundOperation(secured, echo))
    by_key = await client.get("/things", headers={"X-Key": "k1"})
    assert by_key.json() == {"schemes": ["key"], "principals": {"key": "key:k1"}}
    by_token = await client.get("/things", headers={"Authorization": "Bearer t1"})
    assert by_token.json() == {"schemes": ["token"], "principals": {"token": "token:t1"}}
    both = await client.get("/things", headers={"X-Key": "k1", "Authorization": "Bearer t1"})
    assert both.json()["schemes"] == ["key"]  # declaration order decides
    none = await client.get("/things")
    assert none.status_code == 401
    assert none.headers["www-authenticate"] == 'ApiKey header="X-Key", Bearer'


async def test_and_every_requirement_of_the_alternative_must_hold(serve: Callable[..., httpx.AsyncClient]) -> None:
    secured = contract(
        security=((SecurityRequirement(KEY), SecurityRequirement(BASIC)),), principal_mode="authenticated"
    )
    client = serve(BoundOperation(secured, echo))
    basic = {"Authorization": "Basic YW5uOnB3"}  # ann:pw
    both = await client.get("/things", headers={"X-Key": "k1", **basic})
    assert both.json() == {"schemes": ["key", "basic"], "principals": {"key": "key:k1", "basic": "basic:ann"}}
    assert (await client.get("/things", headers={"X-Key": "k1"})).status_code == 401
    assert (await client.get("/things", headers=basic)).status_code == 401
    refused = await client.get("/things", headers={"X-Key": "k1", "Authorization": "Basic YmFkOmJhZA=="})
    assert refused.status_code == 401  # one of them verified false: the whole alternative fails


async def test_optional_security(serve: Callable[..., httpx.AsyncClient]) -> None:
    optional = contract(security=((), (SecurityRequirement(TOKEN),)))
    client = serve(BoundOperation(optional, echo))
    assert (await client.get("/things")).json() == {"principal": None}
    assert (await client.get("/things", headers={"Authorization": "Bearer t1"})).json() == {"principal": "token:t1"}
    # A credential that is there but unusable (another scheme, an empty token) is refused, not taken as anonymous.
    assert (await client.get("/things", headers={"Authorization": "Digest x"})).status_code == 401
    assert (await client.get("/things", headers={"Authorization": "Bearer bad"})).status_code == 401


@pytest.mark.parametrize("header", ["Basic !!!", "Basic " + "bm9jb2xvbg==", "Bearer", "Token abc"])
async def test_unreadable_credentials_are_401(serve: Callable[..., httpx.AsyncClient], header: str) -> None:
    secured = contract(security=((SecurityRequirement(BASIC),), (SecurityRequirement(TOKEN),)))
    client = serve(BoundOperation(secured, echo))
    assert (await client.get("/things", headers={"Authorization": header})).status_code == 401


# --- middlewares -------------------------------------------------------------------------------------------------


async def test_middlewares_run_in_order_around_the_call_after_security(
    serve: Callable[..., httpx.AsyncClient],
) -> None:
    trail: list[str] = []

    def middleware(name: str) -> Any:
        async def run(request: Request, contract: OperationContract, principal: Any, call_next: CallNext) -> Response:
            trail.append(f"{name} before ({principal})")
            response = await call_next()
            trail.append(f"{name} after ({response.status_code})")
            return response

        return run

    async def handler(arguments: Arguments[Any]) -> object:
        trail.append("call")
        return {}

    secured = contract(security=((SecurityRequirement(TOKEN),),))
    client = serve(BoundOperation(secured, handler), middlewares=[middleware("outer"), middleware("inner")])
    assert (await client.get("/things", headers={"Authorization": "Bearer t1"})).status_code == 200
    assert trail == [
        "outer before (token:t1)",
        "inner before (token:t1)",
        "call",
        "inner after (200)",
        "outer after (200)",
    ]
    trail.clear()
    assert (await client.get("/things")).status_code == 401
    assert trail == []  # refused by security: no middleware ran


async def test_a_middleware_answer_is_checked_against_the_contract(serve: Callable[..., httpx.AsyncClient]) -> None:
    answer: dict[str, Response] = {}

    async def replay(request: Request, contract: OperationContract, principal: Any, call_next: CallNext) -> Response:
        return answer["response"]

    conflict = DeclaredResponse(status="409", content=(PROBLEM,))
    client = serve(BoundOperation(contract(responses={"200": OK, "409": conflict}), echo), middlewares=[replay])
    answer["response"] = JSONResponse({"replayed": True})
    assert (await client.get("/things")).json() == {"replayed": True}
    answer["response"] = JSONResponse({"title": "Conflict"}, status_code=409, media_type="application/problem+json")
    assert (await client.get("/things")).status_code == 409
    answer["response"] = JSONResponse({"nope": 1}, status_code=418)  # undeclared status
    assert (await client.get("/things")).status_code == 500
    answer["response"] = Response(b"<x/>", media_type="application/xml")  # undeclared media type
    assert (await client.get("/things")).status_code == 500


async def test_a_middleware_problem_goes_through_the_declared_response(
    serve: Callable[..., httpx.AsyncClient],
) -> None:
    async def refuse(request: Request, contract: OperationContract, principal: Any, call_next: CallNext) -> Response:
        raise ProblemError(409, "Busy.")

    conflict = DeclaredResponse(status="409", content=(PROBLEM,))
    client = serve(BoundOperation(contract(responses={"200": OK, "409": conflict}), echo), middlewares=[refuse])
    response = await client.get("/things")
    assert (response.status_code, response.json()["detail"]) == (409, "Busy.")


# --- HEAD --------------------------------------------------------------------------------------------------------


async def test_head_is_served_by_get_without_a_body(serve: Callable[..., httpx.AsyncClient]) -> None:
    calls: list[str] = []
    etag = HeaderSpec(name="ETag", required=True, keyword="etag")

    class Result:
        status = 200
        body: ClassVar[dict[str, Any]] = {"big": "x" * 100}

        def headers(self) -> dict[str, object]:
            return {"ETag": '"v1"'}

    async def handler(arguments: Arguments[Any]) -> object:
        calls.append("get")
        return Result()

    ok = DeclaredResponse(status="200", content=(JSON_ANY,), headers=(etag,))
    get = contract(responses={"200": ok}, result_mode="result")
    head = contract(method="HEAD", responses={"200": DeclaredResponse(status="200", headers=(etag,))})
    client = serve(BoundOperation(get, handler), BoundOperation(get, handler, head=head))
    full = await client.get("/things")
    headed = await client.head("/things")
    assert (headed.status_code, headed.content, headed.headers["etag"]) == (200, b"", '"v1"')
    assert headed.headers["content-length"] == full.headers["content-length"]
    assert calls == ["get", "get"]
    assert (await client.post("/things")).headers["allow"] == "GET, HEAD"


async def test_without_a_declared_head_there_is_none(serve: Callable[..., httpx.AsyncClient]) -> None:
    client = serve(BoundOperation(contract(), echo))
    response = await client.head("/things")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


# --- negotiation -------------------------------------------------------------------------------------------------


async def test_an_unacceptable_accept_is_406_before_the_operation_runs(
    serve: Callable[..., httpx.AsyncClient],
) -> None:
    calls: list[object] = []

    async def handler(arguments: Arguments[Any]) -> object:
        calls.append(arguments.media_type)
        return {}

    client = serve(BoundOperation(contract(), handler))
    assert (await client.get("/things", headers={"Accept": "text/html"})).status_code == 406
    assert calls == []
    assert (await client.get("/things", headers={"Accept": "text/html, */*;q=0.1"})).status_code == 200
    assert calls == ["application/json"]  # what the handler is told it will be sent as


# --- refusals the spec does not declare --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("declared", "status"),
    [
        ({"422": DeclaredResponse(status="422", content=(PROBLEM,))}, 422),
        ({"400": DeclaredResponse(status="400", content=(PROBLEM,))}, 400),  # 422 falls back to the declared 400
        ({"4XX": DeclaredResponse(status="4XX", content=(PROBLEM,))}, 422),  # through the range
        ({"default": DeclaredResponse(status="default", content=(PROBLEM,))}, 422),
        ({}, 422),  # nothing declared: a plain problem document, and the gap is logged
    ],
    ids=["exact", "400-for-422", "range", "default", "undeclared"],
)
async def test_where_an_invalid_input_refusal_goes(
    serve: Callable[..., httpx.AsyncClient],
    caplog: pytest.LogCaptureFixture,
    declared: dict[str, DeclaredResponse],
    status: int,
) -> None:
    op = contract(responses={"200": OK, **declared}, parameters=(ID,), parameters_type=dict[str, int])
    client = serve(BoundOperation(op, echo))
    with caplog.at_level(logging.WARNING, logger="contract_runtime"):
        response = await client.get("/things?id=x")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == status
    gap = [r for r in caplog.records if "which the spec does not declare" in r.getMessage()]
    assert bool(gap) == (not declared)


async def test_a_400_refusal_falls_back_to_a_declared_422(serve: Callable[..., httpx.AsyncClient]) -> None:
    body = RequestBodySpec(required=True, media=(JSON_ANY,))
    declared = {"200": OK, "422": DeclaredResponse(status="422", content=(PROBLEM,))}
    client = serve(BoundOperation(contract(method="POST", responses=declared, body=body), echo))
    response = await client.post("/things", content=b"{not json", headers={"Content-Type": "application/json"})
    assert (response.status_code, response.json()["title"]) == (422, "Unprocessable Content")


async def test_an_undeclared_media_type_is_415_even_when_undeclared(serve: Callable[..., httpx.AsyncClient]) -> None:
    body = RequestBodySpec(required=True, media=(JSON_ANY,))
    client = serve(BoundOperation(contract(method="POST", body=body), echo))
    response = await client.post("/things", content=b"<x/>", headers={"Content-Type": "application/xml"})
    assert response.status_code == 415
    assert response.json()["detail"] == "The request body must be application/json (UTF-8)."


async def test_an_implementations_undeclared_problem_is_a_500(serve: Callable[..., httpx.AsyncClient]) -> None:
    async def handler(arguments: Arguments[Any]) -> object:
        raise ProblemError(409, "Conflict.")

    response = await serve(BoundOperation(contract(), handler)).get("/things")
    assert response.status_code == 500
    assert response.json()["detail"] == "An unexpected error occurred."
