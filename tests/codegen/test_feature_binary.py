"""Binary answers (fixtures/binary): files and images with their concrete Content-Type inside a declared range,
streamed bodies sent chunk by chunk, raw bytes in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.codegen import features
from tests.codegen.conftest import Connect


@pytest.fixture
def service(feature_root: Path) -> Any:
    return features.service("binary")


@pytest.mark.parametrize(("name", "content_type"), [("logo.png", "image/png"), ("photo.jpg", "image/jpeg")])
async def test_an_image_goes_out_as_the_type_the_implementation_names(
    service: Any, connect: Connect, name: str, content_type: str
) -> None:
    response = await connect(service.app(service.Files())).get(f"/images/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    if name == "logo.png":
        assert response.content == service.PNG


@pytest.mark.parametrize("name", ["notes.txt", "unnamed"])
async def test_a_binary_outside_the_declared_range_or_without_a_type_is_a_500(
    service: Any, connect: Connect, name: str
) -> None:
    response = await connect(service.app(service.Files())).get(f"/images/{name}")
    assert response.status_code == 500


async def test_a_streamed_answer_arrives_chunk_by_chunk(service: Any, connect: Connect) -> None:
    files = service.Files()
    client = connect(service.app(files))
    chunks: list[bytes] = []
    async with client.stream("GET", "/exports/latest") as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/octet-stream"
        assert "content-length" not in response.headers  # streamed, not buffered whole
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
    assert b"".join(chunks) == b"".join(service.CHUNKS)
    assert files.streamed == len(service.CHUNKS)


async def test_raw_bytes_arrive_as_bytes(service: Any, connect: Connect) -> None:
    files = service.Files()
    payload = bytes(range(256))
    response = await connect(service.app(files)).put(
        "/files", content=payload, headers={"Content-Type": "application/octet-stream"}
    )
    assert (response.status_code, response.text) == (200, "256 bytes")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert files.stored == [payload]
    assert type(files.stored[0]) is bytes
