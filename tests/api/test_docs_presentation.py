"""What the docs pages render (/docs/presentation.json): the contract's API, shown for reading. The common
headers are described once, patterns are sentences, the server is this one, the Authorize dialog says what to
type; and nothing a docs page loads reaches beyond the server. /openapi.yaml stays the file (test_health_and_docs).
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
import yaml

from impl.docs_presentation import COMMON_HEADERS, REDOCLY_CDN_IMAGES, presentation
from tests.contract_client import HTTP_METHODS, SPEC_PATH

CONTRACT: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_bytes())
# Where a docs page's assets could send the browser at load time: a CDN, web fonts, analytics.
EXTERNAL_LOADS = re.compile(
    r"(?i)cdn\.redoc\.ly|fonts\.googleapis\.com|fonts\.gstatic\.com|cdn\.jsdelivr\.net|unpkg\.com"
)


def walk(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += walk(value)
    elif isinstance(node, list):
        for value in node:
            found += walk(value)
    return found


def header_names(document: dict[str, Any]) -> list[str]:
    names: list[str] = []
    shared = list(document["components"]["responses"].values())
    for item in document["paths"].values():
        for method in HTTP_METHODS:
            if method in item:
                shared += [r for r in item[method]["responses"].values() if "$ref" not in r]
    for response in shared:
        names += list(response.get("headers", {}))
    return names


async def shown(client: httpx.AsyncClient, **headers: str) -> dict[str, Any]:
    response = await client.get("/docs/presentation.json", headers=headers)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def test_the_presentation_is_the_same_api(client: httpx.AsyncClient) -> None:
    document = await shown(client)
    assert document["paths"].keys() == CONTRACT["paths"].keys()
    for path, item in CONTRACT["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                same = document["paths"][path][method]
                assert same["operationId"] == item[method]["operationId"]
                assert same.get("parameters") == item[method].get("parameters")  # $refs: shared components
                assert same["responses"].keys() == item[method]["responses"].keys()
                assert same.get("security") == item[method].get("security")
    assert document["components"]["securitySchemes"] == CONTRACT["components"]["securitySchemes"]


async def test_the_common_headers_are_described_once(client: httpx.AsyncClient) -> None:
    contract_names = header_names(CONTRACT)
    assert contract_names.count("RateLimit-Limit") > 30  # what made every operation page screens long
    document = await shown(client)
    remaining = header_names(document)
    for name in COMMON_HEADERS:
        assert name not in remaining
        assert f"`{name}`" in document["info"]["description"]
    # The headers particular to some answers stay where they are.
    for name in ("Location", "WWW-Authenticate", "Retry-After", "Pragma"):
        assert remaining.count(name) == contract_names.count(name) > 0
    assert "/openapi.yaml" in document["info"]["description"]


async def test_patterns_are_shown_as_sentences(client: httpx.AsyncClient) -> None:
    document = await shown(client)
    assert [node["pattern"] for node in walk(document) if "pattern" in node] == []
    assert any("pattern" in node for node in walk(CONTRACT))
    schemas = document["components"]["schemas"]
    assert schemas["Price"]["description"] == CONTRACT["components"]["schemas"]["Price"]["description"]
    uuid_message = CONTRACT["components"]["schemas"]["Uuid"]["x-pattern-message"]
    assert schemas["Uuid"]["description"] == uuid_message


@pytest.mark.parametrize(("host", "origin"), [(None, "http://testserver"), ("127.0.0.1:8531", "http://127.0.0.1:8531")])
async def test_the_server_is_the_one_the_page_came_from(
    client: httpx.AsyncClient, host: str | None, origin: str
) -> None:
    document = await shown(client, **({"host": host} if host else {}))
    assert document["servers"] == [{"url": "/", "description": f"This server: {origin}", "x-internal": False}]


async def test_a_strange_host_is_not_shown(client: httpx.AsyncClient) -> None:
    document = await shown(client, host="evil.example<script>")
    assert document["servers"][0]["description"] == "This server: this server"


def test_the_contract_describes_its_server_in_plain_words() -> None:
    description = CONTRACT["servers"][0]["description"]
    assert "`" not in description
    assert "8000" not in description
    assert presentation(CONTRACT)["servers"][0]["description"] == "This server"


def test_the_authorize_dialog_says_what_to_type() -> None:
    # Swagger UI shows the scheme's description in its Authorize dialog (the browser test sees it there).
    description = CONTRACT["components"]["securitySchemes"]["OAuth2Password"]["description"]
    first_paragraph = description.split("\n\n")[0]
    assert "/v1/auth/register" in first_paragraph
    assert "Register first" in first_paragraph
    assert "*username*" in first_paragraph
    assert "**email**" in first_paragraph


async def test_the_swagger_page_hides_the_fields_a_login_here_never_uses(client: httpx.AsyncClient) -> None:
    page = (await client.get("/docs")).text
    for selector in (
        'label[for^="client_id"]',
        'label[for^="client_secret"]',
        'label[for="password_type"]',
        ".scope-def",
    ):
        assert selector in page
    assert 'label[for="oauth_username"]::after { content: " (your email)"' in page


async def test_redoc_offers_the_contract_for_download(client: httpx.AsyncClient) -> None:
    page = (await client.get("/redoc")).text
    assert 'download-definition-url="/openapi.yaml"' in page
    assert 'spec-url="/docs/presentation.json"' in page


@pytest.mark.parametrize("page", ["/docs", "/redoc", "/docs/oauth2-redirect"])
async def test_nothing_a_docs_page_loads_reaches_elsewhere(client: httpx.AsyncClient, page: str) -> None:
    html = (await client.get(page)).text
    assets = re.findall(r"""(?:src|href)="(/[^"]+)\"""", html)
    assert assets or page == "/docs/oauth2-redirect"
    for text in [html, *[(await client.get(asset)).text for asset in assets]]:
        assert EXTERNAL_LOADS.findall(text) == []


async def test_the_redoc_bundle_is_served_without_its_cdn_badge(client: httpx.AsyncClient) -> None:
    bundle = await client.get("/docs-assets/redoc.standalone.js")
    assert bundle.status_code == 200
    assert bundle.headers["content-type"].startswith("text/javascript")
    assert len(bundle.content) > 500_000
    for url in REDOCLY_CDN_IMAGES:
        assert url not in bundle.text
    assert "API docs by Redocly" in bundle.text  # the same Redoc, only its image is local
