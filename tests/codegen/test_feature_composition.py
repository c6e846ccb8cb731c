"""oneOf with a discriminator becomes a tagged union, anyOf a union, allOf a subclass (fixtures/composition)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.codegen import features
from tests.codegen.conftest import Connect


@pytest.fixture
def service(feature_root: Path) -> Any:
    return features.service("composition")


@pytest.mark.parametrize(
    ("payload", "class_name"),
    [
        ({"pet_type": "cat", "name": "Tom", "lives": 9}, "Cat"),
        ({"pet_type": "dog", "name": "Rex", "good_boy": True}, "Dog"),
        ({"pet_type": "lizard"}, "Lizard"),
    ],
)
async def test_a_discriminated_oneof_body_parses_to_the_class_it_names(
    service: Any, connect: Connect, payload: dict[str, Any], class_name: str
) -> None:
    pets = service.Pets()
    response = await connect(service.app(pets)).post("/pets", json=payload)
    assert response.status_code == 201, response.text
    assert response.json() == payload
    [pet] = pets.received
    assert type(pet) is getattr(service.models, class_name)


async def test_a_write_only_member_inside_a_oneof_is_received_but_never_answered(
    service: Any, connect: Connect
) -> None:
    pets = service.Pets()
    cat = {"pet_type": "cat", "name": "Tom", "microchip": "985-112"}
    response = await connect(service.app(pets)).post("/pets", json=cat)
    assert response.status_code == 201
    assert response.json() == {"pet_type": "cat", "name": "Tom"}
    assert pets.received[0].microchip == "985-112"


@pytest.mark.parametrize(
    "payload",
    [
        {"pet_type": "hamster", "name": "Ham"},  # no schema for this tag
        {"name": "Tom"},  # no tag at all
        {"pet_type": "cat", "name": "Tom", "lives": 10},  # a Cat breaking its own schema
        {"pet_type": "dog", "name": "Rex", "good_boy": "yes"},
        {"pet_type": "cat", "name": "Tom", "lives": True},  # true is no integer
    ],
    ids=["unknown-tag", "no-tag", "cat-out-of-range", "dog-not-boolean", "bool-for-int"],
)
async def test_a_body_no_member_accepts_is_422(service: Any, connect: Connect, payload: dict[str, Any]) -> None:
    pets = service.Pets()
    response = await connect(service.app(pets)).post("/pets", json=payload)
    assert response.status_code == 422, response.text
    assert pets.received == []


@pytest.mark.parametrize(
    ("reach", "class_name"),
    [({"email": "ann@example.com"}, "EmailContact"), ({"phone": "+4412345678"}, "PhoneContact")],
)
async def test_anyof_picks_the_member_that_fits_and_allof_inherits(
    service: Any, connect: Connect, reach: dict[str, Any], class_name: str
) -> None:
    pets = service.Pets()
    response = await connect(service.app(pets)).post(
        "/contacts", json={"owner": {"name": "Ann", "city": "Leeds"}, "reach": reach}
    )
    assert response.status_code == 204, response.text
    [body] = pets.received
    assert type(body.reach) is getattr(service.models, class_name)
    assert isinstance(body.owner, service.models.Named)  # Person is allOf [Named, ...]: a subclass of it
    assert (body.owner.name, body.owner.city) == ("Ann", "Leeds")


@pytest.mark.parametrize(
    "payload",
    [
        {"owner": {"name": "Ann"}, "reach": {"email": "ann@example.com"}},  # Person needs its own `city` too
        {"owner": {"name": "", "city": "Leeds"}, "reach": {"email": "ann@example.com"}},  # and Named's minLength
        {"owner": {"name": "Ann", "city": "Leeds"}, "reach": {"phone": "12"}},  # fits no anyOf member
    ],
)
async def test_each_part_of_a_composition_is_enforced(service: Any, connect: Connect, payload: dict[str, Any]) -> None:
    pets = service.Pets()
    response = await connect(service.app(pets)).post("/contacts", json=payload)
    assert response.status_code == 422, response.text
    assert pets.received == []
