"""Parameters in the path, query, headers and cookies arrive typed, read as their style and explode say
(fixtures/parameters): simple, label and matrix paths; form, spaceDelimited, pipeDelimited and deepObject
queries; JSON (`content`) parameters; header arrays and objects; cookies."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from tests.codegen import features
from tests.codegen.conftest import Connect

REQUEST_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


@pytest.fixture
def service(feature_root: Path) -> Any:
    return features.service("parameters")


async def test_path_styles_simple_label_and_matrix(service: Any, connect: Connect) -> None:
    params = service.Params()
    response = await connect(service.app(params)).get("/simple/3,4,5/label/.x=1.y=-2/matrix/;tags=a;tags=b")
    assert response.status_code == 200, response.text
    assert response.json() == {"ids": [3, 4, 5], "point": {"x": 1, "y": -2}, "tags": ["a", "b"]}
    assert isinstance(params.received["point"], service.models.Point)


@pytest.mark.parametrize(
    "path",
    [
        "/simple/3,x/label/.x=1.y=2/matrix/;tags=a",  # an item that is no integer
        "/simple/3/label/x=1.y=2/matrix/;tags=a",  # label style starts with a dot
        "/simple/3/label/.x=1/matrix/;tags=a",  # Point needs y
        "/simple/3/label/.x=1.y=2/matrix/tags=a",  # matrix style starts with ;name=
    ],
)
async def test_a_path_value_not_in_its_style_is_422(service: Any, connect: Connect, path: str) -> None:
    params = service.Params()
    response = await connect(service.app(params)).get(path)
    assert response.status_code == 422, response.text
    assert params.received == {}


async def test_query_styles(service: Any, connect: Connect) -> None:
    params = service.Params()
    query = (
        "color=red&color=blue&sizes=1,2,3&words=big%20red%20dog&path=a|b|c"
        "&filter[min_price]=9.5&filter[in_stock]=true"
        "&where=%7B%22field%22%3A%22name%22%2C%22equals%22%3A7%7D"
    )
    response = await connect(service.app(params)).get(f"/search?{query}")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "color": ["red", "blue"],
        "sizes": [1, 2, 3],
        "words": ["big", "red", "dog"],
        "path": ["a", "b", "c"],
        "filter": {"min_price": 9.5, "in_stock": True},
        "where": {"field": "name", "equals": 7},
        "page": 1,  # the schema's default
    }
    assert isinstance(params.received["filter"], service.models.QueryStylesFilterParameter)
    assert isinstance(params.received["where"], service.models.QueryStylesWhereParameter)


async def test_absent_optional_parameters_are_none(service: Any, connect: Connect) -> None:
    params = service.Params()
    response = await connect(service.app(params)).get("/search")
    assert response.status_code == 200
    assert params.received == {
        "color": None,
        "filter": None,
        "page": 1,
        "path": None,
        "sizes": None,
        "where": None,
        "words": None,
    }


@pytest.mark.parametrize(
    "query",
    [
        "color=purple",  # not in the enum
        "sizes=1&sizes=2",  # explode false: one comma-separated value, not repeated
        "filter[in_stock]=yes",  # no boolean
        "where=not-json",
        'where={"equals":7}',  # `field` is required
        'where={"field":"x","equals":true}',  # JSON true is no integer
        "page=0",
        "page=1.0",
    ],
)
async def test_a_query_value_breaking_its_schema_is_422(service: Any, connect: Connect, query: str) -> None:
    params = service.Params()
    response = await connect(service.app(params)).get(f"/search?{query}")
    assert response.status_code in (400, 422), response.text
    assert params.received == {}


async def test_headers_and_cookies(service: Any, connect: Connect) -> None:
    params = service.Params()
    client = connect(service.app(params))
    client.cookies.set("session", "s3cr3t")
    client.cookies.set("theme", "dark")
    response = await client.get(
        "/headers", headers={"X-Request-Id": REQUEST_ID, "X-Flags": "true, false", "X-Point": "x=3,y=4"}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "x_flags": [True, False],
        "x_point": {"x": 3, "y": 4},
        "x_request_id": REQUEST_ID,
        "session": "s3cr3t",
        "theme": "dark",
    }
    assert params.received["x_request_id"] == UUID(REQUEST_ID)


@pytest.mark.parametrize(
    ("headers", "cookies"),
    [
        ({}, {"session": "s3cr3t"}),  # the required header is missing
        ({"X-Request-Id": REQUEST_ID}, {}),  # the required cookie is missing
        ({"X-Request-Id": "not-a-uuid"}, {"session": "s3cr3t"}),
        ({"X-Request-Id": REQUEST_ID}, {"session": "abc"}),  # shorter than minLength
        ({"X-Request-Id": REQUEST_ID, "X-Flags": "true,maybe"}, {"session": "s3cr3t"}),
        ({"X-Request-Id": REQUEST_ID}, {"session": "s3cr3t", "theme": "blue"}),
    ],
)
async def test_a_header_or_cookie_breaking_its_schema_is_422(
    service: Any, connect: Connect, headers: dict[str, str], cookies: dict[str, str]
) -> None:
    params = service.Params()
    client = connect(service.app(params))
    for name, value in cookies.items():
        client.cookies.set(name, value)
    response = await client.get("/headers", headers=headers)
    assert response.status_code == 422, response.text
    assert params.received == {}
