"""Optional request bodies (fixtures/optional_body): without one the implementation receives None; with one, the
declared media type's typed value, validated like any body."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.codegen import features
from tests.codegen.conftest import Connect


@pytest.fixture
def service(feature_root: Path) -> Any:
    return features.service("optional_body")


async def test_no_body_is_none(service: Any, connect: Connect) -> None:
    lamps = service.Lamps()
    client = connect(service.app(lamps))
    first = await client.post("/lamps/1/switch")
    second = await client.post("/lamps/1/switch")
    assert [first.json(), second.json()] == [{"on": True, "brightness": 50}, {"on": False, "brightness": 50}]
    assert lamps.received == [None, None]


async def test_a_body_in_either_declared_media_type_is_typed(service: Any, connect: Connect) -> None:
    lamps = service.Lamps()
    client = connect(service.app(lamps))
    dimmed = await client.post("/lamps/1/switch", json={"brightness": 20})
    assert dimmed.json() == {"on": True, "brightness": 20}
    text = await client.post("/lamps/1/switch", content=b"off", headers={"Content-Type": "text/plain"})
    assert text.json() == {"on": False, "brightness": 20}
    assert isinstance(lamps.received[0], service.models.SwitchLampApplicationJsonRequest)
    assert lamps.received[1] == "off"


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b'{"brightness": 101}', "application/json", 422),
        (b"{}", "application/json", 422),  # an optional body, once sent, is validated whole
        (b"<on/>", "application/xml", 415),
    ],
)
async def test_a_body_sent_is_checked(
    service: Any, connect: Connect, content: bytes, content_type: str, status: int
) -> None:
    lamps = service.Lamps()
    response = await connect(service.app(lamps)).post(
        "/lamps/1/switch", content=content, headers={"Content-Type": content_type}
    )
    assert response.status_code == status
    assert lamps.received == []
