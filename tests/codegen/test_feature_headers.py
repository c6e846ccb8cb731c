"""Typed response headers (fixtures/headers): the implementation sets them as typed attributes of its result;
they are written as text, checked against their schemas, required ones must be there, and a `const` one the
runtime sends itself."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.codegen import features
from tests.codegen.conftest import Connect


@pytest.fixture
def service(feature_root: Path) -> Any:
    return features.service("headers")


async def test_typed_headers_are_written_as_text(service: Any, connect: Connect) -> None:
    uploads = service.Uploads(expires=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), mirrors=["eu", "us"])
    response = await connect(service.app(uploads)).post("/uploads")
    assert response.status_code == 201
    assert response.headers["location"] == "/uploads/u-1"
    assert response.headers["etag"] == '"v1"'
    assert response.headers["x-parts"] == "3"
    assert response.headers["x-expires"] == "2026-01-02T03:04:05+00:00"
    assert response.headers["x-mirrors"] == "eu,us"  # an array: simple style
    assert response.headers["x-api-version"] == "2"  # const: sent by the runtime


async def test_optional_headers_left_out_are_not_sent(service: Any, connect: Connect) -> None:
    response = await connect(service.app(service.Uploads())).post("/uploads")
    assert response.status_code == 201
    assert "x-expires" not in response.headers
    assert "x-mirrors" not in response.headers


async def test_a_header_breaking_its_schema_is_a_500(service: Any, connect: Connect) -> None:
    response = await connect(service.app(service.Uploads(parts=0))).post("/uploads")  # minimum: 1
    assert response.status_code == 500


def test_required_headers_are_required_attributes_of_the_result(service: Any) -> None:
    with pytest.raises(TypeError, match="location"):
        service.CreateUpload201Response(body=service.models.CreateUpload201Response(id="x"), e_tag="e", x_parts=1)
