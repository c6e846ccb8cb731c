"""`make mock` (scripts/codegen/mock.py) on a small document: it answers from the document's examples, or from
made-up data when an example is missing or breaks its own schema, checks the declared security for presence,
and validates what comes in like a real implementation would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.codegen import mock
from tests.codegen.conftest import Connect
from tests.codegen.support import validator
from tests.dbutil import PROJECT_ROOT

SPEC = PROJECT_ROOT / "tests" / "codegen" / "mock" / "openapi.yaml"
DOCUMENT: dict[str, Any] = yaml.safe_load(SPEC.read_text())


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return mock.build(SPEC, tmp_path_factory.mktemp("mock"), accepted="s3cret")


async def test_an_operation_answers_with_its_example(app: Any, connect: Connect) -> None:
    response = await connect(app).get("/pets/1", headers={"X-Key": "s3cret"})
    assert response.status_code == 200
    assert response.json() == {"id": 1, "name": "Rex", "tags": ["good"]}


async def test_an_example_that_breaks_its_schema_is_not_sent(
    app: Any, connect: Connect, capsys: pytest.CaptureFixture[str]
) -> None:
    example = DOCUMENT["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]
    schema = example["schema"]
    assert [e.message for e in validator(DOCUMENT, schema).iter_errors(example["example"])] != []  # the proof
    response = await connect(app).get("/pets")
    assert response.status_code == 200
    assert response.json() != example["example"]
    assert list(validator(DOCUMENT, schema).iter_errors(response.json())) == []
    assert "an example breaks its schema, not used: ['good', 'good'] has non-unique elements" in (
        capsys.readouterr().err
    )


async def test_a_binary_answer_has_its_declared_type(app: Any, connect: Connect) -> None:
    response = await connect(app).get("/photos/3")
    assert (response.status_code, response.headers["content-type"]) == (200, "image/png")
    assert response.content.startswith(b"\x89PNG")


@pytest.mark.parametrize(("headers", "status"), [({}, 401), ({"X-Key": "wrong"}, 401), ({"X-Key": "s3cret"}, 200)])
async def test_declared_security_is_checked(app: Any, connect: Connect, headers: dict[str, str], status: int) -> None:
    assert (await connect(app).get("/pets/1", headers=headers)).status_code == status


async def test_input_is_validated(app: Any, connect: Connect) -> None:
    assert (await connect(app).get("/pets/0", headers={"X-Key": "s3cret"})).status_code == 422


def test_the_mock_refuses_a_document_it_cannot_generate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = PROJECT_ROOT / "tests" / "codegen" / "refusals" / "ref-cycle.yaml"
    assert mock.main(["--spec", str(spec)]) == 1
    assert "$ref cycle" in capsys.readouterr().err
