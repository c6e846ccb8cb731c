"""Security (fixtures/security): API keys in a header, the query and a cookie, HTTP Basic and bearer, OAuth2 and
OpenID Connect tokens, alternatives (OR), combinations (AND) and optional security. The implementation receives
the principal, or, with several schemes, which ones held and each principal."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from tests.codegen import features
from tests.codegen.conftest import Connect


@pytest.fixture
def service(feature_root: Path) -> Any:
    return features.service("security")


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


async def test_a_cookie_api_key_authenticates(service: Any, connect: Connect) -> None:
    authenticator = service.Authenticator()
    client = connect(service.app(authenticator))
    client.cookies.set("session", "c00kie")
    response = await client.get("/cookie")
    assert response.status_code == 200, response.text
    assert response.json() == {"schemes": ["one"], "principals": ["key:cookieKey"]}
    assert authenticator.seen == [("cookieKey", ())]


async def test_a_wrong_or_missing_cookie_is_401_with_a_challenge(service: Any, connect: Connect) -> None:
    client = connect(service.app(service.Authenticator()))
    missing = await client.get("/cookie")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == 'ApiKey cookie="session"'
    client.cookies.set("session", "wrong")
    assert (await client.get("/cookie")).status_code == 401


@pytest.mark.parametrize(
    ("headers", "schemes", "principals"),
    [
        ({"X-API-Key": "h3ader"}, ["headerKey"], ["key:headerKey"]),
        ({"Authorization": basic("ann", "pa55")}, ["basicAuth"], ["user:ann"]),
    ],
)
async def test_either_alternative_holds(
    service: Any, connect: Connect, headers: dict[str, str], schemes: list[str], principals: list[str]
) -> None:
    response = await connect(service.app(service.Authenticator())).get("/either", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"schemes": schemes, "principals": principals}


async def test_without_any_alternative_the_challenge_names_each_scheme(service: Any, connect: Connect) -> None:
    response = await connect(service.app(service.Authenticator())).get("/either")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'ApiKey header="X-API-Key", Basic realm="api"'


async def test_a_combination_needs_every_scheme(service: Any, connect: Connect) -> None:
    authenticator = service.Authenticator()
    client = connect(service.app(authenticator))
    both = await client.get("/both?api_key=qu3ry", headers={"X-API-Key": "h3ader"})
    assert both.status_code == 200, both.text
    assert both.json() == {"schemes": ["headerKey", "queryKey"], "principals": ["key:headerKey", "key:queryKey"]}
    assert (await client.get("/both", headers={"X-API-Key": "h3ader"})).status_code == 401
    assert (await client.get("/both?api_key=qu3ry")).status_code == 401
    wrong = await client.get("/both?api_key=nope", headers={"X-API-Key": "h3ader"})
    assert wrong.status_code == 401


async def test_optional_security_lets_anonymous_callers_in(service: Any, connect: Connect) -> None:
    authenticator = service.Authenticator()
    client = connect(service.app(authenticator))
    anonymous = await client.get("/optional")
    assert anonymous.json() == {"schemes": [], "principals": []}
    assert authenticator.seen == []
    known = await client.get("/optional", headers={"Authorization": "Bearer tok-bob"})
    assert known.json() == {"schemes": ["one"], "principals": ["token:bob"]}
    # Credentials sent must be good ones: a bad token is refused, not ignored.
    assert (await client.get("/optional", headers={"Authorization": "Bearer nope"})).status_code == 401


async def test_the_documents_security_applies_where_an_operation_has_none(service: Any, connect: Connect) -> None:
    client = connect(service.app(service.Authenticator()))
    assert (await client.get("/default")).status_code == 401
    response = await client.get("/default", headers={"Authorization": "Bearer tok-alice"})
    assert response.json() == {"schemes": ["one"], "principals": ["token:alice"]}


async def test_oauth2_scopes_reach_the_authenticator(service: Any, connect: Connect) -> None:
    authenticator = service.Authenticator()
    client = connect(service.app(authenticator))
    alice = await client.get("/oauth", headers={"Authorization": "Bearer tok-alice"})
    assert alice.json() == {"schemes": ["oauth"], "principals": ["token:alice"]}
    assert authenticator.seen == [("oauth", ("read",))]
    bob = await client.get("/oauth", headers={"Authorization": "Bearer tok-bob"})
    assert bob.status_code == 403


async def test_an_empty_security_list_is_public(service: Any, connect: Connect) -> None:
    authenticator = service.Authenticator()
    response = await connect(service.app(authenticator)).get("/public")
    assert response.status_code == 204
    assert authenticator.seen == []
