"""Every problem document stays valid whatever the client sends: field names and paths are client text, and a
document that echoed them unchecked broke its own schema (a 500 instead of the declared 4xx)."""

from __future__ import annotations

import httpx
import pytest

from contract_runtime.problems import MAX_INSTANCE_LENGTH
from tests.api.conftest import Account, problem
from tests.contract_client import is_uri_reference

FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"a%00=1&grant_type=password&username=x&password=y", id="nul-in-a-form-field-name"),
        pytest.param(b"%ED%A0%80=1&grant_type=password&username=x&password=y", id="surrogate-bytes-in-a-name"),
    ],
)
async def test_a_form_field_name_with_nul_is_refused_without_echoing_it(
    client: httpx.AsyncClient, content: bytes
) -> None:
    response = await client.post("/v1/auth/token", content=content, headers=FORM)
    assert 400 <= response.status_code < 500
    document = problem(response)
    assert "\x00" not in response.text
    for error in document.get("errors", []):
        assert "\x00" not in error["field"]


async def test_a_json_member_name_with_nul_is_refused_without_echoing_it(
    client: httpx.AsyncClient, user: Account
) -> None:
    response = await client.post(
        "/v1/items",
        content=b'{"name": "Lamp", "price": "1.00", "a\\u0000b": 1}',
        headers={"content-type": "application/json", **user.headers},
    )
    assert response.status_code == 422
    assert "\x00" not in response.text
    assert "\\u0000" not in response.text


@pytest.mark.parametrize("extra", [MAX_INSTANCE_LENGTH, MAX_INSTANCE_LENGTH * 4])
@pytest.mark.parametrize("prefix", ["/v1/articles/", "/v1/items/", "/v1/users/", "/nowhere/"])
async def test_an_over_long_path_is_a_404_problem(client: httpx.AsyncClient, prefix: str, extra: int) -> None:
    response = await client.get(prefix + "a" * extra)
    assert response.status_code == 404
    document = problem(response)
    assert "instance" not in document  # a path it cannot carry is not named at all, never cut short


async def test_the_longest_path_a_problem_can_name_is_still_named(client: httpx.AsyncClient) -> None:
    path = "/v1/articles/" + "a" * (MAX_INSTANCE_LENGTH - len("/v1/articles/"))
    response = await client.get(path)
    assert response.status_code == 422  # routed: the article id is not a UUID
    assert problem(response)["instance"] == path


@pytest.mark.parametrize(
    ("sent", "instance"),
    [
        pytest.param("http://t//v1/items", "/.//v1/items", id="double-slash-keeps-its-path"),
        pytest.param("http://t/v1/items/%0D%0A", "/v1/items/%0D%0A", id="encoded-cr-lf-kept"),
        pytest.param("http://t/v1/items/a%5Cb", "/v1/items/a%5Cb", id="backslash-encoded-once"),
        pytest.param("http://t/v1/items/%C3%BC", "/v1/items/%C3%BC", id="non-ascii-encoded-once"),
        pytest.param("http://t/v1/items/a%20b", "/v1/items/a%20b", id="space-encoded-once"),
    ],
)
async def test_instance_is_the_request_path_as_a_uri_reference(
    client: httpx.AsyncClient, sent: str, instance: str
) -> None:
    response = await client.get(sent)
    assert response.status_code in (401, 404)
    document = problem(response)
    assert document["instance"] == instance
    assert is_uri_reference(document["instance"])
