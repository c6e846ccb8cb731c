"""The house rules for openapi.yaml: how we write our document, which the generator no longer enforces (it takes
any valid OpenAPI). The simple ones are Spectral rules in .spectral.yaml (`house-*`, run by `make lint-spec`); the
ones that need more than Spectral's functions are the rule functions below, run on the document by `make test`.
Each rule is proved to bite: a copy of the document with the rule broken has exactly that finding.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.dbutil import PROJECT_ROOT
from tests.unit.test_spec_lint import spectral_findings, workspace  # noqa: F401  (the fixture, reused)

Spec = dict[str, Any]
SPEC: Spec = yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text())
INT64 = (-(2**63), 2**63 - 1)
METHODS = ("get", "put", "post", "delete", "patch")
PROBLEM = "application/problem+json"


def resolve(spec: Spec, node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def operations(spec: Spec) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


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


# --- the rules: each returns its findings, one line each -------------------------------------------------------


def version_rule(spec: Spec) -> list[str]:
    """OpenAPI 3.1.0, and a semver info.version (the breaking-change gate reads it)."""
    found = [] if spec["openapi"] == "3.1.0" else ["#/openapi: not 3.1.0"]
    if not re.fullmatch(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)", str(spec["info"]["version"])):
        found.append("#/info/version: not semver")
    return found


def refusals_rule(spec: Spec) -> list[str]:
    """The refusals the runtime sends are declared where they can happen: 422 with input, 400 with a body, 401
    when secured, and every error answer is problem+json only."""
    found = []
    for path, method, op in operations(spec):
        where = f"{method.upper()} {path}"
        statuses = set(op["responses"])
        takes_input = "requestBody" in op or bool(op.get("parameters")) or bool(spec["paths"][path].get("parameters"))
        # The OAuth2 token endpoint answers bad input with its RFC 6749 400 (`invalid_request`) instead.
        token_endpoint = op["responses"].get("400") == {"$ref": "#/components/responses/TokenError"}
        if takes_input and "422" not in statuses and not token_endpoint:
            found.append(f"{where}: takes input but declares no 422")
        if "requestBody" in op and "400" not in statuses:
            found.append(f"{where}: takes a body but declares no 400")
        if any(requirement for requirement in op.get("security", [])) and "401" not in statuses:
            found.append(f"{where}: is secured but declares no 401")
        for status, response in op["responses"].items():
            if int(status) >= 400 and list(resolve(spec, response).get("content", {})) != [PROBLEM]:
                found.append(f"{where} {status}: is not {PROBLEM} only")
    return found


def problem_shape_rule(spec: Spec) -> list[str]:
    """401 requires WWW-Authenticate; 422 names each field (errors[] with in, field, detail)."""
    found = []
    responses = spec["components"]["responses"]
    if (
        resolve(spec, responses["Unauthorized"].get("headers", {}).get("WWW-Authenticate", {})).get("required")
        is not True
    ):
        found.append("#/components/responses/Unauthorized: WWW-Authenticate is not required")
    problem = resolve(spec, resolve(spec, responses["UnprocessableContent"])["content"][PROBLEM]["schema"])
    extension = problem["allOf"][1]
    errors = resolve(spec, extension.get("properties", {}).get("errors", {}).get("items", {}))
    if "errors" not in extension.get("required", []) or not {"in", "field", "detail"} <= set(
        errors.get("required", [])
    ):
        found.append("#/components/responses/UnprocessableContent: does not name each field")
    return found


def bounded_integers_rule(spec: Spec) -> list[str]:
    """Every integer has a minimum and a maximum within int64 (the database's range; OWASP asks for bounds, this
    asks for these)."""
    found = []
    for where, schema in schemas(spec):
        kinds = schema.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "integer" in kinds and not (
            INT64[0] <= schema.get("minimum", INT64[0] - 1) and schema.get("maximum", INT64[1] + 1) <= INT64[1]
        ):
            found.append(f"{where}: integer without int64 bounds")
    return found


def list_shape_rule(spec: Spec) -> list[str]:
    """Lists share one shape: limit 1..100 (default 20), pages of items + next_cursor, anchored cursor patterns."""
    found = []
    limit = spec["components"]["parameters"]["Limit"]["schema"]
    if (limit.get("minimum"), limit.get("maximum"), limit.get("default")) != (1, 100, 20):
        found.append("#/components/parameters/Limit: not 1..100, default 20")
    for name, schema in spec["components"]["schemas"].items():
        if name.endswith("Page") and (
            set(schema.get("required", [])) != {"items", "next_cursor"}
            or schema["properties"]["next_cursor"].get("type") != ["string", "null"]
        ):
            found.append(f"#/components/schemas/{name}: not the page shape")
    for name, parameter in spec["components"]["parameters"].items():
        pattern = parameter["schema"].get("pattern", "")
        if name.endswith("Cursor") and not (pattern.startswith("^") and pattern.endswith("$")):
            found.append(f"#/components/parameters/{name}: cursor pattern not anchored")
    return found


def limits_rule(spec: Spec) -> list[str]:
    """The limits the runtime enforces are declared where it enforces them: 429 (with RateLimit-* headers on 2xx and
    4xx answers, and a required Retry-After) everywhere but the health probes; 413 and 415 exactly where a body is
    taken, backed by the document's `x-request-limits`; a JSON body under those limits also declares the 400 for
    nesting too deep."""
    found = []
    limits = spec.get("x-request-limits")
    for path, method, op in operations(spec):
        where = f"{method.upper()} {path}"
        statuses = set(op["responses"])
        if ("429" in statuses) != (not path.startswith("/health/")):
            found.append(f"{where}: 429 belongs on every operation but the health probes")
        if ("requestBody" in op) != ({"413", "415"} <= statuses) or (
            "requestBody" not in op and {"413", "415"} & statuses
        ):
            found.append(f"{where}: 413 and 415 belong exactly where a body is taken")
        if "429" in statuses:
            if (
                resolve(spec, resolve(spec, op["responses"]["429"])["headers"].get("Retry-After", {})).get("required")
                is not True
            ):
                found.append(f"{where} 429: Retry-After is not required")
            for status, response in op["responses"].items():
                headers = resolve(spec, response).get("headers", {})
                rate_limit = {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}
                if status.startswith(("2", "4")) and not rate_limit <= set(headers):
                    found.append(f"{where} {status}: without the RateLimit-* headers")
        if "413" in statuses:
            if not (
                isinstance(limits, dict)
                and set(limits) == {"max-body-bytes", "max-json-depth"}
                and all(isinstance(v, int) and v > 0 for v in limits.values())
            ):
                found.append(f"{where}: 413 without the document's x-request-limits")
            if "application/json" in resolve(spec, op["requestBody"])["content"] and "400" not in statuses:
                found.append(f"{where}: a JSON body under request limits without 400")
    return found


def javascript_numbers_rule(spec: Spec) -> list[str]:
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

    return [f"{where}: {value} is beyond 2**53" for where, value in numbers(spec) if abs(value) > 2**53 - 1]


RULES: list[Callable[[Spec], list[str]]] = [
    version_rule,
    refusals_rule,
    problem_shape_rule,
    bounded_integers_rule,
    list_shape_rule,
    limits_rule,
    javascript_numbers_rule,
]


@pytest.mark.parametrize("rule", RULES, ids=[r.__name__ for r in RULES])
def test_openapi_yaml_obeys(rule: Callable[[Spec], list[str]]) -> None:
    assert rule(SPEC) == []


# --- each rule bites ----------------------------------------------------------------------------------------------


def _break(change: Callable[[Spec], None]) -> Spec:
    spec = copy.deepcopy(SPEC)
    change(spec)
    return spec


BITES: list[tuple[Callable[[Spec], list[str]], Callable[[Spec], None], str]] = [
    (version_rule, lambda s: s["info"].update(version="1.2"), "#/info/version: not semver"),
    (
        refusals_rule,
        lambda s: s["paths"]["/v1/items"]["post"]["responses"].pop("400"),
        "POST /v1/items: takes a body but declares no 400",
    ),
    (
        refusals_rule,
        lambda s: s["paths"]["/v1/items/{item_id}"]["get"]["responses"].pop("401"),
        "GET /v1/items/{item_id}: is secured but declares no 401",
    ),
    (
        refusals_rule,
        lambda s: s["paths"]["/v1/items"]["get"]["responses"].pop("422"),
        "GET /v1/items: takes input but declares no 422",
    ),
    (
        problem_shape_rule,
        lambda s: s["components"]["responses"]["Unauthorized"]["headers"].pop("WWW-Authenticate"),
        "#/components/responses/Unauthorized: WWW-Authenticate is not required",
    ),
    (
        bounded_integers_rule,
        lambda s: s["components"]["parameters"]["Limit"]["schema"].update(maximum=2**64),
        "#/components/parameters/Limit/schema: integer without int64 bounds",
    ),
    (
        list_shape_rule,
        lambda s: s["components"]["parameters"]["Limit"]["schema"].update(default=50),
        "#/components/parameters/Limit: not 1..100, default 20",
    ),
    (
        limits_rule,
        lambda s: s["paths"]["/v1/items/{item_id}"]["get"]["responses"].pop("429"),
        "GET /v1/items/{item_id}: 429 belongs on every operation but the health probes",
    ),
    (
        limits_rule,
        lambda s: s["paths"]["/v1/items"]["post"]["responses"].pop("413"),
        "POST /v1/items: 413 and 415 belong exactly where a body is taken",
    ),
    (limits_rule, lambda s: s.pop("x-request-limits"), "POST /v1/items: 413 without the document's x-request-limits"),
    (
        javascript_numbers_rule,
        lambda s: s["components"]["parameters"]["Limit"]["schema"].update(maximum=2**60),
        "#/components/parameters/Limit/schema/maximum: 1152921504606846976 is beyond 2**53",
    ),
]


@pytest.mark.parametrize(
    ("rule", "change", "finding"), BITES, ids=[f"{r.__name__}-{i}" for i, (r, _, _) in enumerate(BITES)]
)
def test_each_rule_bites(rule: Callable[[Spec], list[str]], change: Callable[[Spec], None], finding: str) -> None:
    assert finding in rule(_break(change))


def test_every_rule_is_shown_to_bite() -> None:
    assert {rule for rule, _, _ in BITES} == set(RULES)


def _spectral_breaks(spec: Spec) -> None:
    """One break per house-* Spectral rule, each at a place of its own."""
    items = spec["paths"]["/v1/items"]
    item = spec["paths"]["/v1/items/{item_id}"]
    items["get"]["tags"] = ["items", "more"]
    item["get"].pop("summary")
    spec["paths"]["/items"] = spec["paths"].pop("/v1/articles")
    items["post"]["requestBody"]["content"]["application/json"].pop("example", None)
    items["post"]["requestBody"]["content"]["application/json"].pop("examples", None)
    spec["components"]["schemas"]["ItemName"]["nullable"] = True
    spec["components"]["schemas"]["ItemUpdate"]["additionalProperties"] = True
    item["delete"]["responses"].pop("500")
    item["get"]["responses"]["404"] = resolve(spec, item["get"]["responses"]["404"])


SPECTRAL_BITES = {
    ("house-one-tag", "paths./v1/items.get.tags"),
    ("house-operation-summary", "paths./v1/items/{item_id}.get"),
    ("house-versioned-paths", "paths./items"),
    ("house-examples", "paths./v1/items.post.requestBody.content.application/json"),
    ("house-no-nullable", "components.schemas.ItemName.nullable"),
    ("house-closed-request-bodies", "components.schemas.ItemUpdate.additionalProperties"),
    ("house-500-declared", "paths./v1/items/{item_id}.delete.responses"),
    ("house-shared-problems", "paths./v1/items/{item_id}.get.responses.404"),
}


def test_each_house_rule_in_spectral_bites(workspace: Path) -> None:  # noqa: F811  (the fixture)
    found = spectral_findings(workspace, _break(_spectral_breaks))
    house = {finding for finding in found if finding[0].startswith("house-")}
    assert house >= SPECTRAL_BITES, sorted(house)
    rules = yaml.safe_load((PROJECT_ROOT / ".spectral.yaml").read_text())["rules"]
    assert {rule for rule, _ in SPECTRAL_BITES} == {name for name in rules if name.startswith("house-")}
