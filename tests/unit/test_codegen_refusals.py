"""What the generator cannot express, it refuses through the CLI with exit status 1 and one line per problem,
naming the document, the JSON pointer and what to change: never a traceback (tests/codegen/refusals/*.yaml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.dbutil import PROJECT_ROOT

REFUSALS = Path("tests/codegen/refusals")

CASES = {
    "ref-cycle.yaml": [
        "#/components/schemas/B: $ref cycle #/components/schemas/B -> #/components/schemas/A -> "
        "#/components/schemas/B never reaches a schema: give one of them a schema of its own"
    ],
    "media-types.yaml": [
        "#/paths/~1a/get/parameters/0/content: a parameter's content is read as JSON only, not application/xml: "
        "use application/json, or a schema with `style`",
        "#/paths/~1a/post/requestBody/content/multipart~1mixed: multipart/mixed bodies cannot be read (only "
        "multipart/form-data is): declare multipart/form-data",
        "#/paths/~1a/post/requestBody/content/application~1x-www-form-urlencoded/schema: the body "
        "(application/x-www-form-urlencoded) is an object: so must its schema be",
    ],
    "styles-and-security.yaml": [
        "#/paths/~1items~1{id}/get/parameters/0: is not valid OpenAPI: style `deepObject` is not defined for path "
        "parameters (use simple, label, matrix)",
        "#/paths/~1items~1{id}/get/parameters/1: is not valid OpenAPI: style `pipeDelimited` is not defined for "
        "header parameters (use simple)",
        "#/components/securitySchemes/mtls: is not valid OpenAPI: mutualTLS security schemes need OpenAPI 3.1",
        "#/paths/~1items~1{id}~1parts~1{part}/get: is not valid OpenAPI: path parameter `part` is not declared: add "
        "it to `parameters`",
    ],
    "yaml-boolean.yaml": [
        "#/paths/~1lamp/get/responses/200/content/application~1json/schema/required/0: is not valid OpenAPI: True is "
        "not of type 'string' (YAML reads unquoted on/off/yes/no/true/false as booleans: quote the value)"
    ],
    "duplicate-operation-id.yaml": [
        "#/paths/~1b/get/operationId: is not valid OpenAPI: Operation ID 'same' for 'get' in '/b' is not unique: "
        "give each operation an operationId of its own"
    ],
    "missing-file.yaml": [
        f"#/paths/~1a/get/responses/200/content/application~1json/schema: $ref schemas/nowhere.yaml: "
        f"{PROJECT_ROOT / REFUSALS / 'schemas' / 'nowhere.yaml'} does not exist"
    ],
    "remote-ref.yaml": [
        "#/paths/~1a/get/responses/200/content/application~1json/schema: remote $ref "
        "https://example.com/schemas/a.json is not supported: download it and refer to the file"
    ],
    "not-yaml.yaml": ["#: is neither YAML nor JSON (line 3, column 1: expected ',' or '}', but got '<scalar>')"],
    "swagger-2.yaml": ["#/openapi: OpenAPI (missing) is not 3.0.x or 3.1.x"],
    "pattern-messages.yaml": [
        "#/paths/~1a/get/parameters/1/schema: x-pattern-message differs from the one at "
        "#/paths/~1a/get/parameters/0/schema for the same pattern: give one pattern one sentence"
    ],
}


@pytest.mark.parametrize(("name", "lines"), CASES.items(), ids=list(CASES))
def test_the_cli_refuses_with_one_line_per_problem(name: str, lines: list[str], tmp_path: Path) -> None:
    spec = REFUSALS / name
    result = subprocess.run(
        [sys.executable, "-m", "scripts.codegen.generate", "--spec", str(spec), "--out", str(tmp_path / "out")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"{spec}{line}" for line in lines]
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_every_refusal_document_is_tested() -> None:
    assert sorted(p.name for p in (PROJECT_ROOT / REFUSALS).glob("*.yaml")) == sorted(CASES)
