"""At the edges of a constraint, the spec and the server agree: each value is accepted by both or refused by both.

A value the server accepts but the spec refuses comes back in answers that break the schema; a value the spec
accepts but the server refuses breaks clients that validate against the spec. Each value here is checked against
the schema in openapi.yaml (JSON Schema, as a client would) and sent to the server.
"""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema  # type: ignore[import-untyped]
import pytest

from tests.api.conftest import Account, create_item, error_fields
from tests.contract_client import spec_document


def spec_accepts(schema_name: str, value: Any) -> bool:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec_document()["components"]}
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return bool(validator.is_valid(value))


PRICE_BOUNDS = {
    "0": True,
    "0.5": True,
    "999999.99": True,
    "1000000": True,
    "1000000.0": True,
    "1000000.00": True,
    "1000000.01": False,
    "1000000.1": False,
    "1000000.99": False,
    "1000001": False,
    "01": False,
}


@pytest.mark.parametrize(("bound", "accepted"), PRICE_BOUNDS.items())
async def test_price_filters_at_most_one_million(
    client: httpx.AsyncClient, user: Account, bound: str, accepted: bool
) -> None:
    assert spec_accepts("PriceBound", bound) is accepted
    for name in ("min_price", "max_price"):
        response = await client.get("/v1/items", params={name: bound}, headers=user.headers)
        if accepted:
            assert response.status_code == 200, response.text
        else:
            assert ("query", name) in error_fields(response)


# C0 controls, DEL and C1 controls are control characters (Unicode category Cc); the rest is text.
CONTROL_TAGS = ["a\x00", "a\x1f", "a\x7f", "a\x80", "\x85", "a\x9f"]
TEXT_TAGS = ["a\xa0b", "café", "a b", "~", "\u00ad"]


@pytest.mark.parametrize("tag", CONTROL_TAGS)
async def test_tags_with_control_characters_are_refused(client: httpx.AsyncClient, user: Account, tag: str) -> None:
    assert not spec_accepts("Tags", [tag])
    response = await client.post(
        "/v1/items", json={"name": "Lamp", "price": "1.00", "tags": [tag]}, headers=user.headers
    )
    assert ("body", "/tags/0") in error_fields(response)
    item = await create_item(client, user)
    response = await client.patch(f"/v1/items/{item['id']}", json={"tags": ["ok", tag]}, headers=user.headers)
    assert ("body", "/tags/1") in error_fields(response)


async def test_tags_of_other_characters_are_kept(client: httpx.AsyncClient, user: Account) -> None:
    assert spec_accepts("Tags", TEXT_TAGS)
    item = await create_item(client, user, tags=TEXT_TAGS)
    assert item["tags"] == TEXT_TAGS
