"""Health probes, the served contract and the self-hosted docs; and the contract layer's own checks."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
import yaml
from fastapi import FastAPI

from impl.app import create_app
from impl.security_headers import headers_for
from tests.api.conftest import Account, app_settings, create_item, problem
from tests.contract_client import SPEC_PATH, ContractValidator, contract_client, is_uri_reference

UNREACHABLE_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:1/x"

# --- health ------------------------------------------------------------------------------------------------------


async def test_liveness(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readiness(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    # memory:// counters cannot fail: the store is always ok.
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "rate_limit_store": "ok"}}


@pytest.fixture
async def unreachable_app() -> AsyncIterator[FastAPI]:
    application = create_app(app_settings(UNREACHABLE_DATABASE_URL, db_ready_timeout_seconds=0.5))
    async with application.router.lifespan_context(application):
        yield application


async def test_readiness_is_503_when_the_database_does_not_answer(unreachable_app: FastAPI) -> None:
    async with contract_client(transport=httpx.ASGITransport(app=unreachable_app)) as http:
        response = await http.get("/health/ready")
        assert response.status_code == 503
        body = problem(response)
        assert body["status"] == 503
        assert body["instance"] == "/health/ready"
        # Liveness checks nothing else: still alive.
        live = await http.get("/health/live")
        assert live.status_code == 200


# --- the served contract -----------------------------------------------------------------------------------------


async def test_openapi_yaml_is_the_file_byte_for_byte(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.yaml")
    assert response.status_code == 200
    assert response.content == SPEC_PATH.read_bytes()
    assert "yaml" in response.headers["content-type"]


async def test_openapi_json_is_the_file_as_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == yaml.safe_load(SPEC_PATH.read_bytes())


# --- docs --------------------------------------------------------------------------------------------------------


class _References(HTMLParser):
    """Every URL an HTML page makes the browser load (src, href, and the spec URL of Redoc)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "spec-url") and value:
                self.urls.append(value)


def referenced_urls(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    # Swagger UI's configuration names the spec in a script: `"url": "/docs/presentation.json"`.
    parser.urls.extend(re.findall(r"""\burl['"]?:\s*['"]([^'"]+)['"]""", html))
    return parser.urls


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_docs_use_only_local_assets(client: httpx.AsyncClient, page: str) -> None:
    response = await client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    urls = referenced_urls(html)
    assert any(url.endswith(".js") for url in urls), urls
    assert "/docs/presentation.json" in urls
    for url in urls:
        assert not re.match(r"(?i)^(?:[a-z][a-z0-9+.-]*:)?//", url), f"{page} loads {url} from another host"
    assert not re.search(r"(?i)\bhttps?://", html), f"{page} mentions another host"
    for url in urls:
        asset = await client.get(url)
        assert asset.status_code == 200, f"{page} references {url}, which answers {asset.status_code}"
        assert asset.content


async def test_swagger_oauth2_redirect_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs/oauth2-redirect")
    assert response.status_code == 200
    assert not re.search(r"(?i)\bhttps?://", response.text)


async def test_missing_asset_is_a_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs-assets/no-such-file.js")
    assert response.status_code == 404
    assert problem(response)["status"] == 404


# --- security headers ------------------------------------------------------------------------------------------


async def test_every_answer_says_nosniff(client: httpx.AsyncClient, user: Account) -> None:
    answers = [
        await client.get("/health/live"),
        await client.get("/health/ready"),
        await client.get("/v1/users/me", headers=user.headers),
        await client.get("/v1/users/me"),  # 401, rendered by the runtime
        await client.get("/v1/items", params={"limit": 0}, headers=user.headers),  # 422
        await client.get("/v1/no-such-thing"),  # 404, outside every operation
        await client.put("/v1/users/me", headers=user.headers),  # 405
        await client.get("/docs"),
        await client.get("/openapi.json"),
        await client.get("/docs-assets/swagger-ui.css"),
    ]
    for answer in answers:
        assert answer.headers.get("x-content-type-options") == "nosniff", (answer.request.url, answer.status_code)


async def test_api_answers_are_never_stored(client: httpx.AsyncClient, user: Account) -> None:
    item = await create_item(client, user)
    answers = [
        await client.get("/v1/users/me", headers=user.headers),
        await client.get(f"/v1/items/{item['id']}", headers=user.headers),
        await client.get("/v1/items", headers=user.headers),
        await client.get("/v1/articles", headers=user.headers),
        await client.get(f"/v1/items/{uuid.uuid4()}", headers=user.headers),  # 404
        await client.get("/v1/users/me"),  # 401
        await client.post("/v1/auth/register", json={"email": "bad"}),  # 422
    ]
    for answer in answers:
        assert answer.headers.get("cache-control") == "no-store", (answer.request.url, answer.status_code)
    # The probes and the docs are no one's data.
    assert "cache-control" not in (await client.get("/health/live")).headers


async def test_token_answers_are_never_cached_even_by_http_1_0_caches(client: httpx.AsyncClient, user: Account) -> None:
    granted = await client.post(
        "/v1/auth/token", data={"grant_type": "password", "username": user.email, "password": user.password}
    )
    refused = await client.post(
        "/v1/auth/token", data={"grant_type": "password", "username": user.email, "password": "wrong password"}
    )
    assert (granted.status_code, refused.status_code) == (200, 400)
    for answer in (granted, refused):
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["pragma"] == "no-cache"


@pytest.mark.parametrize("page", ["/docs", "/redoc", "/docs/oauth2-redirect"])
async def test_docs_pages_carry_a_content_security_policy(client: httpx.AsyncClient, page: str) -> None:
    response = await client.get(page)
    directives = {
        name: values
        for name, *values in (part.split() for part in response.headers["content-security-policy"].split(";"))
    }
    assert directives["default-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    scripts = directives["script-src"]
    assert scripts[0] == "'self'"
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    # Each inline script of the page is allowed by its hash, and nothing else is.
    inline = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    expected = {f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline}
    assert set(scripts[1:]) == expected
    for values in directives.values():
        assert not any("://" in value or value == "*" for value in values), directives


# --- the contract layer itself -----------------------------------------------------------------------------------
# A stand-in server that answers whatever a case asks for: these tests prove the response validation catches
# contract violations, so a test passing against the real server means something.

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


# What the rate limiter adds to every answer of a rate-limited operation (and the security headers every answer
# carries); canned answers carry them too, so each case below breaks the contract in exactly the one way it names.
RATE_LIMIT_HEADERS = {"ratelimit-limit": "120", "ratelimit-remaining": "119", "ratelimit-reset": "60"}
# What the request-id middleware adds to every answer.
REQUEST_ID_HEADER = {"x-request-id": "canned-request-1"}


def canned_app(status: int, body: bytes, headers: dict[str, str]) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        limited = scope["path"].startswith("/v1/")
        supplied = {**REQUEST_ID_HEADER, **headers_for(scope["path"]), **(RATE_LIMIT_HEADERS if limited else {})}
        raw_headers = [(k.lower().encode(), v.encode()) for k, v in {**supplied, **headers}.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": body})

    return asgi


PROBLEM = "application/problem+json"
JSON = "application/json"


def problem_body(status: int, instance: str, **extra: Any) -> bytes:
    return json.dumps({"type": "about:blank", "title": "T", "status": status, "instance": instance, **extra}).encode()


ITEM: dict[str, Any] = {
    "id": "0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6c",
    "owner_id": "0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b",
    "name": "Lamp",
    "description": None,
    "price": "19.99",
    "status": "draft",
    "tags": [],
    "created_at": "2026-11-22T10:15:30.123456Z",
    "updated_at": "2026-11-22T10:15:30.123456Z",
}

VIOLATIONS: list[tuple[str, str, str, int, bytes, dict[str, str], str]] = [
    # (case, method, path, status, body, headers, expected in the message)
    ("wrong body", "GET", "/health/live", 200, b'{"status": "nope"}', {"content-type": JSON}, "getLiveness"),
    ("undeclared status", "GET", "/v1/items", 418, problem_body(418, "/v1/items"), {"content-type": PROBLEM}, "418"),
    ("missing Location", "POST", "/v1/items", 201, json.dumps(ITEM).encode(), {"content-type": JSON}, "Location"),
    (
        "price as a number",
        "GET",
        f"/v1/items/{ITEM['id']}",
        200,
        json.dumps({**ITEM, "price": 19.99}).encode(),
        {"content-type": JSON},
        "getItem",
    ),
    (
        "bad Location",
        "POST",
        "/v1/items",
        201,
        json.dumps(ITEM).encode(),
        {"content-type": JSON, "location": "/v1/items/a b"},
        "createItem",
    ),
    ("error as JSON", "GET", "/v1/items", 401, problem_body(401, "/v1/items"), {"content-type": JSON}, "listItems"),
    (
        "401 without challenge",
        "GET",
        "/v1/items",
        401,
        problem_body(401, "/v1/items"),
        {"content-type": PROBLEM},
        "WWW-Authenticate",
    ),
    (
        "problem status differs",
        "GET",
        f"/v1/items/{ITEM['id']}",
        404,
        problem_body(400, f"/v1/items/{ITEM['id']}"),
        {"content-type": PROBLEM},
        "status",
    ),
    (
        "422 without errors",
        "POST",
        "/v1/items",
        422,
        problem_body(422, "/v1/items"),
        {"content-type": PROBLEM},
        "errors",
    ),
    ("body on a 204", "POST", "/v1/auth/logout", 204, b"{}", {"content-type": JSON}, "logout"),
    (
        "token response cacheable",
        "POST",
        "/v1/auth/token",
        200,
        b'{"access_token": "a", "token_type": "bearer", "expires_in": 900, "refresh_token": "r"}',
        {"content-type": JSON, "cache-control": "max-age=60"},
        "issueToken",
    ),
    ("unknown path, plain 404", "GET", "/nowhere", 404, b"Not Found", {"content-type": "text/plain"}, PROBLEM),
    (
        "unknown path, bad problem",
        "GET",
        "/nowhere",
        404,
        b'{"status": 404, "instance": "/nowhere"}',
        {"content-type": PROBLEM},
        "title",
    ),
    ("undeclared method answered", "PUT", "/v1/items", 200, b"{}", {"content-type": JSON}, "405"),
    (
        "request id unsafe",
        "GET",
        "/health/live",
        200,
        b'{"status": "ok"}',
        {"content-type": JSON, "x-request-id": "two words"},
        "InvalidHeader",
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "status", "body", "headers", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in VIOLATIONS],
)
async def test_contract_layer_rejects_violations(
    method: str, path: str, status: int, body: bytes, headers: dict[str, str], expected: str
) -> None:
    async with contract_client(transport=httpx.ASGITransport(app=canned_app(status, body, headers))) as http:
        with pytest.raises(AssertionError) as caught:
            await http.request(method, path)
    assert expected in str(caught.value)


async def test_contract_layer_accepts_conforming_responses() -> None:
    validator = ContractValidator()
    cases = [
        ("GET", "/health/live", canned_app(200, b'{"status": "ok"}', {"content-type": JSON})),
        ("GET", "/docs", canned_app(200, b"<html></html>", {"content-type": "text/html"})),
        ("GET", "/nowhere", canned_app(404, problem_body(404, "/nowhere"), {"content-type": PROBLEM})),
        (
            "POST",
            "/v1/items",
            canned_app(
                201,
                json.dumps(ITEM).encode(),
                {"content-type": JSON, "location": f"/v1/items/{ITEM['id']}", "etag": '"1"'},
            ),
        ),
    ]
    for method, path, asgi in cases:
        async with contract_client(transport=httpx.ASGITransport(app=asgi), validator=validator) as http:
            await http.request(method, path)
    assert validator.validated == len(cases)


async def test_every_client_response_is_validated(client: httpx.AsyncClient, validator: ContractValidator) -> None:
    before = validator.validated
    await client.get("/health/live")
    await client.get("/nowhere")
    assert validator.validated == before + 2


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("about:blank", True),
        ("/v1/items/0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b", True),
        ("https://example.com/problems/x?y=1#z", True),
        ("relative/path%20ok", True),
        ("", True),
        ("/with space", False),
        ("/bad%zzescape", False),
        ("1bad:scheme", False),
        ("/é", False),
    ],
)
def test_uri_reference_format(value: str, valid: bool) -> None:
    assert is_uri_reference(value) is valid
