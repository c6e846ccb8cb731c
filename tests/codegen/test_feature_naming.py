"""Operations without operationId get stable derived names; the first tag chooses the interface, `x-interface`
overrides it, untagged ones go to `default` (fixtures/naming)."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

from contract_runtime import MissingOperations
from tests.codegen import features
from tests.codegen.conftest import Connect


@pytest.fixture
def service(feature_root: Path) -> Any:
    return features.service("naming")


def test_each_interface_holds_the_operations_its_rule_gives_it(service: Any) -> None:
    interfaces = {"pets": service.PetsApi, "billing": service.BillingApi, "default": service.DefaultApi}
    assert {name: sorted(api.__operations__) for name, api in interfaces.items()} == {
        "pets": ["get_pets_by_pet_id_photos", "get_pets_photos", "get_pets_photos_2"],  # first tag (pets, store)
        "billing": ["place_order"],  # tagged store, moved by x-interface
        "default": ["get_health"],  # no tags
    }
    assert interfaces["pets"].__operations__["get_pets_photos_2"] == "get_pets_photos_2 (GET /pets/photos)"
    assert list(inspect.signature(service.create_app).parameters)[:3] == ["billing", "default", "pets"]


async def test_derived_names_serve_their_paths(service: Any, connect: Connect) -> None:
    client = connect(service.app())
    response = await client.get("/pets/7/photos")
    assert (response.status_code, response.json()) == (200, ["pet-7.png"])
    assert (await client.get("/pets-photos")).status_code == 204
    assert (await client.get("/pets/photos")).status_code == 204
    assert (await client.post("/orders")).status_code == 201
    assert (await client.get("/health")).status_code == 204


def test_an_implementation_missing_a_derived_operation_is_named(service: Any) -> None:
    incomplete = type("Incomplete", (service.PetsApi,), {"get_pets_photos": service.Pets.get_pets_photos})
    with pytest.raises(MissingOperations) as caught:
        incomplete()
    assert str(caught.value) == (
        "Incomplete, the `pets` implementation, does not implement: "
        "get_pets_by_pet_id_photos (GET /pets/{petId}/photos) as `get_pets_by_pet_id_photos`; "
        "get_pets_photos_2 (GET /pets/photos) as `get_pets_photos_2`"
    )
