"""Every constraint the spec puts on a request is enforced: the cases are collected by walking openapi.yaml.

For each operation, each constrained parameter (minimum, maximum, minLength, maxLength, pattern, enum, format,
type) and each request-body field (the same, plus maxItems, uniqueItems, additionalProperties: false, required)
yields one value that breaks exactly that constraint. It is sent with an otherwise valid request built from the
spec's own examples, and must get a 422 naming the field (a 400 naming it, on an operation that declares 400 but
not 422). A new constraint in the spec is covered without editing this file.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import jsonschema  # type: ignore[import-untyped]
import pytest

from tests.api.conftest import (
    Account,
    Database,
    create_article,
    create_item,
    error_fields,
    new_account,
    new_superuser,
    problem,
    unique_email,
)
from tests.contract_client import is_uri_reference, operations, spec_document

FORM = "application/x-www-form-urlencoded"
EXTRA_PROPERTY = "unexpected_property"
# Tried in order when a value must break a pattern: the first that does (and keeps the length allowed) is used.
PATTERN_BREAKERS = ["not valid!", "!", "-1", "a\x01b", "a\x00b", "\x00"]
CONSTRAINT_KEYWORDS = ("minimum", "maximum", "minLength", "maxLength", "pattern", "enum", "format")


# --- walking the spec --------------------------------------------------------------------------------------------


def resolve(node: Any) -> Any:
    """Inline every $ref (the spec has no recursive schemas); keywords next to a $ref apply too."""
    if isinstance(node, list):
        return [resolve(entry) for entry in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target: Any = spec_document()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        merged = dict(resolve(target))
        merged.update({k: resolve(v) for k, v in node.items() if k != "$ref"})
        return merged
    return {k: resolve(v) for k, v in node.items()}


def types_of(schema: dict[str, Any]) -> set[str]:
    declared = schema.get("type")
    if declared is None:
        return set()
    return {declared} if isinstance(declared, str) else set(declared)


def matches_pattern(schema: dict[str, Any], value: str) -> bool:
    return "pattern" not in schema or re.search(str(schema["pattern"]), value) is not None


def length_allowed(schema: dict[str, Any], value: str) -> bool:
    minimum: int = schema.get("minLength", 0)
    maximum: int = schema.get("maxLength", len(value))
    return minimum <= len(value) <= maximum


def filler(schema: dict[str, Any], length: int) -> str:
    """A string of `length` characters that keeps the pattern if a repeated character can."""
    for character in ("a", "1", "0"):
        if matches_pattern(schema, character * length):
            return character * length
    return "a" * length


def valid_value(schema: dict[str, Any], index: int = 0) -> Any:
    """A value the schema accepts; distinct ones for distinct `index` where the schema allows."""
    for key in ("example", "default"):
        if key in schema and index == 0:
            return copy.deepcopy(schema[key])
    if schema.get("examples") and index == 0:
        return copy.deepcopy(schema["examples"][0])
    if "enum" in schema:
        return schema["enum"][index % len(schema["enum"])]
    kinds = types_of(schema)
    if "string" in kinds:
        value = f"v{index}"
        if length_allowed(schema, value) and matches_pattern(schema, value):
            return value
        return filler(schema, max(schema.get("minLength", 1), 1))
    if "integer" in kinds:
        return schema.get("minimum", 1) + index
    if "boolean" in kinds:
        return index % 2 == 0
    if "array" in kinds:
        return [valid_value(schema.get("items", {}), i) for i in range(schema.get("minItems", 0))]
    if "object" in kinds:
        properties = schema.get("properties", {})
        return {name: valid_value(properties[name]) for name in schema.get("required", [])}
    return None


def wrong_type(schema: dict[str, Any]) -> Any:
    kinds = types_of(schema)
    if not kinds:
        return None
    candidates: tuple[Any, ...] = (12345, "12345", [], {}, True)
    for candidate in candidates:
        if not _accepts_type(kinds, candidate):
            return candidate
    return None


def _accepts_type(kinds: set[str], value: Any) -> bool:
    checks = {
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
        "null": value is None,
    }
    return any(checks[kind] for kind in kinds)


def scalar_violations(schema: dict[str, Any], *, textual: bool) -> Iterator[tuple[str, Any]]:
    """(keyword, value) pairs, each breaking one constraint of a scalar schema. `textual`: the value travels as
    text (a parameter or a form field), so only strings can be sent and a type is broken by unparsable text."""
    kinds = types_of(schema)
    if "minimum" in schema:
        yield "minimum", schema["minimum"] - 1
    if "maximum" in schema:
        yield "maximum", schema["maximum"] + 1
    if schema.get("minLength", 0) > 0:
        yield "minLength", filler(schema, schema["minLength"] - 1)
    if "maxLength" in schema:
        yield "maxLength", filler(schema, schema["maxLength"] + 1)
    if "pattern" in schema:
        for candidate in PATTERN_BREAKERS:
            if not matches_pattern(schema, candidate) and length_allowed(schema, candidate):
                yield "pattern", candidate
                break
    if "enum" in schema:
        yield "enum", "not-a-member"
    if schema.get("format") == "uuid":
        yield "format", "not-a-uuid"
    if schema.get("format") == "email":
        yield "format", "not-an-email"
    if textual:
        if "boolean" in kinds:
            yield "type", "maybe"
        elif "integer" in kinds:
            yield "type", "1.5"
    else:
        value = wrong_type(schema)
        if value is not None:
            yield "type", value


@dataclass(frozen=True)
class Case:
    operation_id: str
    method: str
    path: str
    location: str  # query | path | header | body
    field: str  # parameter name, or JSON pointer into the body
    keyword: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    path_values: dict[str, str] = dataclasses.field(default_factory=dict)
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    body: Any = None
    send_body: bool = True

    @property
    def id(self) -> str:
        return f"{self.operation_id}-{self.location}-{self.field or '(body)'}-{self.keyword}"


def parameters_of(path: str, operation: dict[str, Any]) -> list[dict[str, Any]]:
    shared = spec_document()["paths"][path].get("parameters", [])
    found: list[dict[str, Any]] = [resolve(p) for p in [*shared, *operation.get("parameters", [])]]
    return found


def body_of(operation: dict[str, Any]) -> tuple[str, dict[str, Any], Any] | None:
    """(media type, schema, example) of the request body."""
    request_body = operation.get("requestBody")
    if request_body is None:
        return None
    media_type, media = next(iter(request_body["content"].items()))
    schema = resolve(media["schema"])
    if "example" in media:
        example = copy.deepcopy(media["example"])
    elif media.get("examples"):
        example = copy.deepcopy(next(iter(media["examples"].values()))["value"])
    else:
        example = valid_value(schema)
    return media_type, schema, example


def body_violations(schema: dict[str, Any], value: Any, pointer: str, *, form: bool) -> Iterator[tuple[str, str, Any]]:
    """(pointer of the offending field, keyword, whole replacement for `value`) for `value` under `schema`."""
    kinds = types_of(schema)
    if "object" in kinds and isinstance(value, dict):
        if schema.get("additionalProperties") is False:
            yield f"{pointer}/{EXTRA_PROPERTY}", "additionalProperties", {**value, EXTRA_PROPERTY: "x"}
        for name in schema.get("required", []):
            yield f"{pointer}/{name}", "required", {k: v for k, v in value.items() if k != name}
        for name, property_schema in schema.get("properties", {}).items():
            current = value.get(name, valid_value(property_schema))
            for where, keyword, replacement in body_violations(
                property_schema, current, f"{pointer}/{name}", form=form
            ):
                yield where, keyword, {**value, name: replacement}
        if not form:
            yield pointer, "type", []
        return
    if "array" in kinds:
        items = schema.get("items", {})
        if "maxItems" in schema:
            yield pointer, "maxItems", [valid_value(items, i) for i in range(schema["maxItems"] + 1)]
        if schema.get("uniqueItems"):
            yield pointer, "uniqueItems", [valid_value(items, 0), valid_value(items, 0)]
        for where, keyword, replacement in body_violations(items, valid_value(items), f"{pointer}/0", form=form):
            yield where, f"items.{keyword}", [replacement]
        yield pointer, "type", "not-an-array"
        return
    for keyword, replacement in scalar_violations(schema, textual=form):
        yield pointer, keyword, replacement


def collect_cases() -> list[Case]:
    cases: list[Case] = []
    for path, method, operation in operations():
        operation_id = operation["operationId"]
        found = body_of(operation)
        for parameter in parameters_of(path, operation):
            location, name = parameter["in"], parameter["name"]
            for keyword, value in scalar_violations(parameter.get("schema", {}), textual=True):
                text = value if isinstance(value, str) else str(value)
                cases.append(
                    Case(
                        operation_id,
                        method,
                        path,
                        location,
                        name,
                        keyword,
                        params={name: text} if location == "query" else {},
                        path_values={name: text} if location == "path" else {},
                        headers={name: text} if location == "header" else {},
                        body=found[2] if found else None,
                        send_body=found is not None,
                    )
                )
        if found is None:
            continue
        media_type, schema, example = found
        if operation.get("requestBody", {}).get("required"):
            # No JSON body is no body at all; no form body is an empty form, missing its first required field.
            named = f"/{schema['required'][0]}" if media_type == FORM and schema.get("required") else ""
            cases.append(Case(operation_id, method, path, "body", named, "requestBody.required", send_body=False))
        for pointer, keyword, body in body_violations(schema, example, "", form=media_type == FORM):
            cases.append(Case(operation_id, method, path, "body", pointer, keyword, body=body))
    return cases


CASES = collect_cases()


# --- checking the walk itself ------------------------------------------------------------------------------------


def schema_validator(schema: dict[str, Any]) -> Any:
    checker = jsonschema.FormatChecker()
    checker.checks("uri-reference")(is_uri_reference)
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


def test_the_walk_finds_every_kind_of_constraint() -> None:
    keywords = {case.keyword for case in CASES}
    for keyword in (*CONSTRAINT_KEYWORDS, "type", "required", "additionalProperties", "maxItems", "uniqueItems"):
        assert keyword in keywords, f"no case for {keyword}"
    assert {"items.minLength", "items.maxLength", "items.pattern"} <= keywords
    locations = {(case.location, case.operation_id) for case in CASES}
    assert ("query", "listItems") in locations
    assert ("path", "getItem") in locations
    assert ("body", "issueToken") in locations  # the form-encoded body


def test_every_operation_with_input_has_cases() -> None:
    covered = {case.operation_id for case in CASES}
    for path, _, operation in operations():
        has_input = operation.get("requestBody") or parameters_of(path, operation)
        if has_input:
            assert operation["operationId"] in covered


@pytest.mark.parametrize("case", [c for c in CASES if c.location == "body" and c.send_body], ids=lambda c: c.id)
def test_each_generated_body_breaks_its_schema(case: Case) -> None:
    found = body_of(find_operation(case.operation_id))
    assert found is not None
    media_type, schema, example = found
    validator = schema_validator(schema)
    assert not list(validator.iter_errors(example)), "the baseline example itself is invalid"
    if media_type == FORM:
        assert all(isinstance(v, str) for v in case.body.values())
    assert list(validator.iter_errors(case.body)), f"{case.id}: {case.body!r} does not break the schema"


@pytest.mark.parametrize("case", [c for c in CASES if c.location != "body"], ids=lambda c: c.id)
def test_each_generated_parameter_breaks_its_schema(case: Case) -> None:
    (parameter,) = [
        p
        for p in parameters_of(case.path, find_operation(case.operation_id))
        if p["name"] == case.field and p["in"] == case.location
    ]
    schema = parameter["schema"]
    text = case.params.get(case.field, case.path_values.get(case.field, case.headers.get(case.field)))
    assert isinstance(text, str)
    kinds = types_of(schema)
    value: Any = text
    if "integer" in kinds:
        if not re.fullmatch(r"-?[0-9]+", text):
            return  # not an integer at all: broken
        value = int(text)
    elif "boolean" in kinds:
        assert text not in ("true", "false")
        return
    assert list(schema_validator(schema).iter_errors(value)), f"{case.id}: {text!r} does not break the schema"


def find_operation(operation_id: str) -> dict[str, Any]:
    for _, _, operation in operations():
        if operation["operationId"] == operation_id:
            return operation
    raise AssertionError(operation_id)


# --- sending them ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    caller: Account
    target: Account
    item_id: str
    article_id: str

    def path_values(self) -> dict[str, str]:
        return {"user_id": self.target.id, "item_id": self.item_id, "article_id": self.article_id}


@pytest.fixture
async def world(client: httpx.AsyncClient, db: Database) -> World:
    caller = await new_superuser(client, db)
    return World(
        caller=caller,
        target=await new_account(client),
        item_id=(await create_item(client, caller))["id"],
        article_id=(await create_article(client, caller))["id"],
    )


def personalise(operation_id: str, body: Any, world: World) -> Any:
    """The examples name an account that does not exist here; point the stateful fields at this test's accounts."""
    if not isinstance(body, dict):
        return body
    body = dict(body)
    if operation_id == "registerUser" and "email" in body and body["email"] == find_example(operation_id)["email"]:
        body["email"] = unique_email()
    if operation_id == "issueToken" and body.get("username") == find_example(operation_id).get("username"):
        body["username"] = world.caller.email
    return body


def find_example(operation_id: str) -> dict[str, Any]:
    found = body_of(find_operation(operation_id))
    assert found is not None
    example: dict[str, Any] = found[2]
    return example


async def send(client: httpx.AsyncClient, case: Case, world: World, body: Any, *, send_body: bool) -> httpx.Response:
    url = case.path.format(**{**world.path_values(), **case.path_values})
    operation = find_operation(case.operation_id)
    found = body_of(operation)
    options: dict[str, Any] = {"params": case.params, "headers": {**world.caller.headers, **case.headers}}
    if send_body and found is not None:
        if found[0] == FORM:
            options["data"] = body
        else:
            options["json"] = body
    return await client.request(case.method.upper(), url, **options)


BASELINES = sorted({(c.operation_id, c.method, c.path) for c in CASES})


@pytest.mark.parametrize(("operation_id", "method", "path"), BASELINES, ids=[b[0] for b in BASELINES])
async def test_the_baseline_request_is_accepted(
    client: httpx.AsyncClient, world: World, operation_id: str, method: str, path: str
) -> None:
    found = body_of(find_operation(operation_id))
    baseline = Case(operation_id, method, path, "", "", "baseline", body=found[2] if found else None)
    response = await send(client, baseline, world, personalise(operation_id, baseline.body, world), send_body=True)
    assert 200 <= response.status_code < 300, response.text


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
async def test_violation_is_refused_naming_the_field(client: httpx.AsyncClient, world: World, case: Case) -> None:
    response = await send(
        client, case, world, personalise(case.operation_id, case.body, world), send_body=case.send_body
    )
    if "422" in find_operation(case.operation_id)["responses"]:
        assert response.status_code == 422, f"{case.id}: {response.status_code} {response.text}"
        assert (case.location, case.field) in error_fields(response), response.json()["errors"]
    else:
        # An operation that declares 400 but not 422 (the OAuth2 token endpoint) refuses with that 400, through
        # its declared schema, naming the field in `detail`.
        assert response.status_code == 400, f"{case.id}: {response.status_code} {response.text}"
        assert f"{case.location} {case.field}:" in problem(response)["detail"], response.text
