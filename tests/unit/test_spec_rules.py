"""The house rules for openapi.yaml, checked on the document itself so a later edit cannot quietly break them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from tests.dbutil import PROJECT_ROOT

SPEC: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text())
INT64 = (-(2**63), 2**63 - 1)
METHODS = ("get", "put", "post", "delete", "patch")


def resolve(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def schemas(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object in the document (not following $refs: each is visited where it is defined)."""
    if isinstance(node, dict):
        if "type" in node or "enum" in node or "const" in node:
            yield where, node
        for key, value in node.items():
            if key in ("example", "examples") and not where.endswith("/properties"):
                continue
            yield from schemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from schemas(value, f"{where}/{index}")


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in SPEC["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


OPERATIONS = list(operations())
IDS = [f"{m.upper()} {p}" for p, m, _ in OPERATIONS]


def test_openapi_and_semver() -> None:
    assert SPEC["openapi"] == "3.1.0"
    assert re.fullmatch(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)", SPEC["info"]["version"])


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=IDS)
def test_every_operation_is_documented(path: str, method: str, op: dict[str, Any]) -> None:
    assert op.get("operationId")
    assert len(op.get("tags", [])) == 1
    assert op.get("summary")
    assert op.get("description")
    assert path.startswith(("/v1/", "/health/"))


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=IDS)
def test_bodies_and_successes_have_examples(path: str, method: str, op: dict[str, Any]) -> None:
    media: list[dict[str, Any]] = []
    if "requestBody" in op:
        media.extend(resolve(op["requestBody"])["content"].values())
    for status, response in op["responses"].items():
        if str(status).startswith("2"):
            media.extend(resolve(response).get("content", {}).values())
    for entry in media:
        assert "example" in entry or "examples" in entry


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=IDS)
def test_errors_are_shared_problem_responses(path: str, method: str, op: dict[str, Any]) -> None:
    takes_input = "requestBody" in op or bool(op.get("parameters")) or bool(SPEC["paths"][path].get("parameters"))
    statuses = set(op["responses"])
    if takes_input:
        # 422 names each offending field; the OAuth2 token endpoint answers those with its 400 instead
        # (`invalid_request`, RFC 6749 section 5.2).
        assert "422" in statuses or op["responses"].get("400") == {"$ref": "#/components/responses/TokenError"}
    if "requestBody" in op:
        assert "400" in statuses
    secured = any(requirement for requirement in op.get("security", []))
    if secured:
        assert "401" in statuses
    assert "500" in statuses
    for status, response in op["responses"].items():
        if int(status) >= 400:
            assert "$ref" in response
            assert response["$ref"].startswith("#/components/responses/")
            assert list(resolve(response)["content"]) == ["application/problem+json"]


def test_401_declares_www_authenticate() -> None:
    headers = SPEC["components"]["responses"]["Unauthorized"]["headers"]
    assert resolve(headers["WWW-Authenticate"])["required"] is True


def test_422_names_each_field() -> None:
    schema = resolve(
        resolve(SPEC["components"]["responses"]["UnprocessableContent"])["content"]["application/problem+json"][
            "schema"
        ]
    )
    extension = schema["allOf"][1]
    assert "errors" in extension["required"]
    assert set(resolve(extension["properties"]["errors"]["items"])["required"]) >= {"in", "field", "detail"}


SCHEMAS = list(schemas(SPEC))


@pytest.mark.parametrize(("where", "schema"), SCHEMAS, ids=[w for w, _ in SCHEMAS])
def test_every_scalar_is_bounded(where: str, schema: dict[str, Any]) -> None:
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    assert "nullable" not in schema, "nullable is written as a 3.1 type array"
    if "string" in kinds:
        assert "maxLength" in schema, f"{where}: string without maxLength"
    if "integer" in kinds:
        assert INT64[0] <= schema["minimum"], f"{where}: integer without a minimum in int64"
        assert schema["maximum"] <= INT64[1], f"{where}: integer without a maximum in int64"


def test_request_bodies_forbid_unknown_properties() -> None:
    for _, _, op in OPERATIONS:
        # Except the OAuth2 token request: RFC 6749 section 3.2 says unknown parameters are ignored.
        if "requestBody" in op and op["operationId"] != "issueToken":
            for media in resolve(op["requestBody"])["content"].values():
                assert resolve(media["schema"]).get("additionalProperties") is False


def test_lists_share_one_shape() -> None:
    limit = SPEC["components"]["parameters"]["Limit"]["schema"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 100, 20)
    for name, schema in SPEC["components"]["schemas"].items():
        if name.endswith("Page"):
            assert set(schema["required"]) == {"items", "next_cursor"}
            assert schema["properties"]["next_cursor"]["type"] == ["string", "null"]
    for name, parameter in SPEC["components"]["parameters"].items():
        if name.endswith("Cursor"):
            assert parameter["schema"]["pattern"].startswith("^")
            assert parameter["schema"]["pattern"].endswith("$")


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=[op["operationId"] for _, _, op in OPERATIONS])
def test_limits_are_declared_where_the_runtime_enforces_them(path: str, method: str, op: dict[str, Any]) -> None:
    """429 everywhere but the health probes (never throttled); 413 and 415 wherever a body is taken."""
    statuses = set(op["responses"])
    assert ("429" in statuses) == (not path.startswith("/health/")), "429 on every operation but the probes"
    assert {"413", "415"} <= statuses if "requestBody" in op else not {"413", "415"} & statuses
    for status, response in op["responses"].items():
        if status.startswith(("2", "4")) and "429" in statuses:
            headers = resolve(response).get("headers", {})
            assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= set(headers), status


def test_every_number_in_the_document_survives_javascript_tools() -> None:
    """Redocly, openapi-typescript and the docs read the spec with doubles: beyond 2**53 a bound silently changes."""

    def numbers(node: Any, where: str = "#") -> Iterator[tuple[str, int | float]]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield from numbers(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from numbers(value, f"{where}/{index}")
        elif isinstance(node, int | float) and not isinstance(node, bool):
            yield where, node

    unsafe = [where for where, value in numbers(SPEC) if abs(value) > 2**53 - 1]
    assert unsafe == []


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=[op["operationId"] for _, _, op in OPERATIONS])
def test_the_limits_behind_413_429_and_400_are_declared(path: str, method: str, op: dict[str, Any]) -> None:
    """House rules the generator used to enforce: a 413 needs the document's `x-request-limits`, a 429 requires
    `Retry-After`, and a JSON body under request limits declares the 400 for nesting too deep."""
    statuses = set(op["responses"])
    limits = SPEC.get("x-request-limits")
    if "413" in statuses:
        assert isinstance(limits, dict)
        assert set(limits) == {"max-body-bytes", "max-json-depth"}
        assert all(isinstance(v, int) and v > 0 for v in limits.values())
        if "application/json" in resolve(op["requestBody"])["content"]:
            assert "400" in statuses
    if "429" in statuses:
        assert resolve(resolve(op["responses"]["429"])["headers"]["Retry-After"])["required"] is True
