"""A multi-file document (fixtures/multifile): a path item, a parameter, responses and schemas in other files,
a schema that refers to itself and to a `$defs` entry of its own file, all bundled before generating."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.codegen import features
from tests.codegen.conftest import Connect


@pytest.fixture
def service(feature_root: Path) -> Any:
    return features.service("multifile")


def test_schemas_in_other_files_become_named_models(service: Any) -> None:
    models = service.models
    assert {"Person", "Team", "Lead", "Problem"} <= set(vars(models))
    assert models.Team.model_fields["subteams"].annotation is not None  # recursive: Team holds Teams


async def test_a_path_item_from_another_file_is_served(service: Any, connect: Connect) -> None:
    client = connect(service.app(service.Teams()))
    response = await client.get("/teams/t-1")
    assert response.status_code == 200
    assert response.json() == {
        "id": "t-1",
        "name": "Platform",
        "members": [{"name": "Ann", "email": "ann@example.com"}],
        "lead": {"person": {"name": "Ann", "email": "ann@example.com"}},
        "subteams": [{"id": "t-2", "name": "Storage", "members": []}],
    }
    missing = await client.get("/teams/t-9")
    assert (missing.status_code, missing.json()["detail"]) == (404, "No such team.")
    # The parameter from common/parameters.yaml keeps its pattern.
    assert (await client.get("/teams/nine")).status_code == 422


async def test_a_body_schema_from_another_file_is_validated(service: Any, connect: Connect) -> None:
    teams = service.Teams()
    client = connect(service.app(teams))
    assert (await client.post("/people", json={"name": ""})).status_code == 422
    response = await client.post("/people", json={"name": "Bo"})
    assert (response.status_code, response.json()) == (201, {"name": "Bo"})
    assert [m.name for m in teams.team.members] == ["Ann", "Bo"]
