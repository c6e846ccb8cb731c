"""The breaking-change gate on fixtures: each is the published 1.0.0 spec with one change and a chosen version.

The published copy never changes, so the fixtures can name its schemas; every verdict comes from running both diff
tools for real (redocly diff in Node, api-schema-diff in Python) through scripts.spec_gate.breaking.evaluate.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.spec_gate import structure
from scripts.spec_gate.breaking import Bump, GateResult, evaluate
from scripts.spec_gate.published import PUBLISHED_DIR, REPO_ROOT, latest_published, load_spec

BASE_PATH = PUBLISHED_DIR / "openapi-1.0.0.yaml"
Mutation = Callable[[dict[str, Any]], None]


def schemas(spec: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = spec["components"]["schemas"]
    return found


def remove_response_field(spec: dict[str, Any]) -> None:
    user = schemas(spec)["User"]  # only ever sent in responses
    del user["properties"]["email"]
    user["required"].remove("email")


def add_required_parameter(spec: dict[str, Any]) -> None:
    parameter = {"name": "owner", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 10}}
    spec["paths"]["/v1/items"]["get"]["parameters"].append(parameter)


def narrow_enum(spec: dict[str, Any]) -> None:
    schemas(spec)["ItemStatus"]["enum"].remove("archived")  # clients send it in ItemCreate and ItemUpdate


def change_type(spec: dict[str, Any]) -> None:
    schemas(spec)["User"]["properties"]["is_active"]["type"] = "string"


def drop_response_constraint(spec: dict[str, Any]) -> None:
    del schemas(spec)["User"]["properties"]["full_name"]["maxLength"]


def make_response_field_optional(spec: dict[str, Any]) -> None:
    schemas(spec)["User"]["required"].remove("email")


def make_response_header_optional(spec: dict[str, Any]) -> None:
    spec["components"]["headers"]["Location"]["required"] = False


def change_request_default(spec: dict[str, Any]) -> None:
    spec["components"]["parameters"]["Limit"]["schema"]["default"] = 50


def add_optional_request_field(spec: dict[str, Any]) -> None:
    schemas(spec)["ItemCreate"]["properties"]["nickname"] = {"type": "string", "maxLength": 40}


def add_operation(spec: dict[str, Any]) -> None:
    ok = {
        "description": "Pong.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HealthStatus"}}},
    }
    operation = {"operationId": "ping", "tags": ["health"], "summary": "Ping", "security": [], "responses": {"200": ok}}
    spec["paths"]["/v1/ping"] = {"get": operation}


def drop_request_constraint(spec: dict[str, Any]) -> None:
    del schemas(spec)["LogoutRequest"]["properties"]["refresh_token"]["maxLength"]


def no_change(spec: dict[str, Any]) -> None:
    """The published spec as it is (only the version set by write_variant differs)."""


def edit_documentation(spec: dict[str, Any]) -> None:
    spec["info"]["description"] += "\nA new paragraph.\n"
    schemas(spec)["Price"]["description"] = "An exact amount of money."
    spec["components"]["examples"]["User"]["value"]["full_name"] = "Ada King"


def password_flow(spec: dict[str, Any]) -> dict[str, Any]:
    flow: dict[str, Any] = spec["components"]["securitySchemes"]["OAuth2Password"]["flows"]["password"]
    return flow


def with_request_limits(spec: dict[str, Any]) -> None:
    """A base that documents request limits (1.0.0 did not; 1.1.0 added them)."""
    spec["x-request-limits"] = {"max-body-bytes": 1048576, "max-json-depth": 32}


def lower_max_body_bytes(spec: dict[str, Any]) -> None:
    spec["x-request-limits"]["max-body-bytes"] = 65536


def lower_max_json_depth(spec: dict[str, Any]) -> None:
    spec["x-request-limits"]["max-json-depth"] = 8


def remove_max_json_depth(spec: dict[str, Any]) -> None:
    del spec["x-request-limits"]["max-json-depth"]


def raise_max_body_bytes(spec: dict[str, Any]) -> None:
    spec["x-request-limits"]["max-body-bytes"] = 2097152


def move_token_url(spec: dict[str, Any]) -> None:
    password_flow(spec)["tokenUrl"] = "/v1/auth/login"


def move_refresh_url(spec: dict[str, Any]) -> None:
    password_flow(spec)["refreshUrl"] = "/v1/auth/refresh"


def drop_refresh_url(spec: dict[str, Any]) -> None:
    del password_flow(spec)["refreshUrl"]


def replace_password_flow(spec: dict[str, Any]) -> None:
    flows = spec["components"]["securitySchemes"]["OAuth2Password"]["flows"]
    flows["clientCredentials"] = flows.pop("password")


def with_scopes(spec: dict[str, Any]) -> None:
    password_flow(spec)["scopes"] = {"items:read": "Read items.", "items:write": "Create and change items."}


def remove_scope(spec: dict[str, Any]) -> None:
    del password_flow(spec)["scopes"]["items:write"]


def add_scope(spec: dict[str, Any]) -> None:
    password_flow(spec)["scopes"]["articles:read"] = "Read articles."


def add_client_credentials_flow(spec: dict[str, Any]) -> None:
    flows = spec["components"]["securitySchemes"]["OAuth2Password"]["flows"]
    flows["clientCredentials"] = {"tokenUrl": "/v1/auth/token", "scopes": {}}


def with_bearer_scheme(spec: dict[str, Any]) -> None:
    spec["components"]["securitySchemes"]["Bearer"] = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


def bearer_to_basic(spec: dict[str, Any]) -> None:
    spec["components"]["securitySchemes"]["Bearer"]["scheme"] = "basic"


def remove_bearer_scheme(spec: dict[str, Any]) -> None:
    del spec["components"]["securitySchemes"]["Bearer"]


def add_required_response_field(spec: dict[str, Any]) -> None:
    user = schemas(spec)["User"]  # open: no additionalProperties, so clients ignore members they do not know
    user["properties"]["nickname"] = {"type": "string", "maxLength": 40}
    user["required"].append("nickname")


def add_optional_response_field(spec: dict[str, Any]) -> None:
    schemas(spec)["User"]["properties"]["nickname"] = {"type": "string", "maxLength": 40}


def make_response_field_required(spec: dict[str, Any]) -> None:
    schemas(spec)["Problem"]["required"].append("detail")  # always sent from now on: a response promises more


def close_user_response(spec: dict[str, Any]) -> None:
    schemas(spec)["User"]["additionalProperties"] = False


def close_article_author(spec: dict[str, Any]) -> None:
    schemas(spec)["ArticleAuthor"]["additionalProperties"] = False  # embedded in Article: a nested closed object


def add_article_author_field(spec: dict[str, Any]) -> None:
    schemas(spec)["ArticleAuthor"]["properties"]["nickname"] = {"type": "string", "maxLength": 40}


OPAQUE_CURSOR = {"type": "string", "maxLength": 640, "pattern": "^[A-Za-z0-9_-]{1,640}$"}


def _cursor_schemas(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        spec["components"]["parameters"]["UserCursor"]["schema"],
        schemas(spec)["UserPage"]["properties"]["next_cursor"],
    ]


def make_cursors_opaque(spec: dict[str, Any]) -> None:
    """A new cursor encoding: only a character class and a bound, marked `x-opaque` (what 2.1.0 did)."""
    for schema in _cursor_schemas(spec):
        schema.update({**OPAQUE_CURSOR, "x-opaque": True})


def change_cursor_format_unmarked(spec: dict[str, Any]) -> None:
    for schema in _cursor_schemas(spec):
        schema.update(OPAQUE_CURSOR)


def change_opaque_cursor_type(spec: dict[str, Any]) -> None:
    """`x-opaque` covers a string's format, not its type."""
    make_cursors_opaque(spec)
    schemas(spec)["UserPage"]["properties"]["next_cursor"]["type"] = ["integer", "null"]


def describe_server_anew(spec: dict[str, Any]) -> None:
    spec["servers"][0]["description"] = "The server this document is served from."


def write_variant(directory: Path, mutate: Mutation, version: str) -> Path:
    spec = copy.deepcopy(load_spec(BASE_PATH))
    mutate(spec)
    spec["info"]["version"] = version
    path = directory / f"{mutate.__name__}-{version}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def judge(directory: Path, mutate: Mutation, version: str, prepare: Mutation = no_change) -> GateResult:
    """The gate on `mutate` at `version`; with `prepare`, against a 1.0.0 base that `prepare` changed first."""
    if prepare is no_change:
        return evaluate(BASE_PATH, write_variant(directory, mutate, version))

    def prepared_and_mutated(spec: dict[str, Any]) -> None:
        prepare(spec)
        mutate(spec)

    prepared_and_mutated.__name__ = f"{prepare.__name__}-{mutate.__name__}"
    return evaluate(write_variant(directory, prepare, "1.0.0"), write_variant(directory, prepared_and_mutated, version))


def reported(result: GateResult) -> str:
    return result.explain()


# (base preparation, mutation, words the explanation must contain to name the change)
BREAKING_CASES = [
    pytest.param(no_change, remove_response_field, ["property-removed", "`email`"], id="removed-response-field"),
    pytest.param(
        no_change, add_required_parameter, ["parameter-became-required", "`owner`"], id="new-required-parameter"
    ),
    pytest.param(no_change, narrow_enum, ["enum-values-removed", "'archived'"], id="narrowed-enum"),
    pytest.param(no_change, change_type, ["schema-type-changed", "`is_active`", "'string'"], id="changed-type"),
    pytest.param(
        no_change,
        drop_response_constraint,
        ["schema-constraint-changed", "`maxLength` of `full_name`"],
        id="dropped-constraint",
    ),
    pytest.param(
        no_change,
        make_response_field_optional,
        ["required-properties-removed", "`email`"],
        id="response-field-optional",
    ),
    pytest.param(
        no_change,
        make_response_header_optional,
        ["response-header-became-optional", "`Location`"],
        id="header-optional",
    ),
    pytest.param(
        no_change,
        change_request_default,
        ["request-default-changed", "`limit`", "from 20 to 50"],
        id="changed-default",
    ),
    # Valid requests start failing with 413 / 400.
    pytest.param(
        with_request_limits,
        lower_max_body_bytes,
        ["request-limit-lowered", "`max-body-bytes`", "from 1048576 to 65536"],
        id="lowered-body-limit",
    ),
    pytest.param(
        with_request_limits,
        lower_max_json_depth,
        ["request-limit-lowered", "`max-json-depth`", "from 32 to 8"],
        id="lowered-depth-limit",
    ),
    pytest.param(
        with_request_limits, remove_max_json_depth, ["request-limit-removed", "`max-json-depth`"], id="removed-limit"
    ),
    # Clients (and SDKs generated from the spec) obtain and refresh tokens where the spec said.
    pytest.param(
        no_change, move_token_url, ["oauth2-flow-url-changed", "`tokenUrl`", "/v1/auth/login"], id="moved-token-url"
    ),
    pytest.param(
        no_change,
        move_refresh_url,
        ["oauth2-flow-url-changed", "`refreshUrl`", "/v1/auth/refresh"],
        id="moved-refresh-url",
    ),
    pytest.param(no_change, drop_refresh_url, ["oauth2-flow-url-changed", "`refreshUrl`"], id="dropped-refresh-url"),
    pytest.param(no_change, replace_password_flow, ["oauth2-flow-removed", "`password`"], id="replaced-oauth2-flow"),
    pytest.param(with_scopes, remove_scope, ["oauth2-scopes-removed", "`items:write`"], id="removed-scope"),
    pytest.param(with_bearer_scheme, bearer_to_basic, ["security-scheme-changed", "`scheme`"], id="http-scheme"),
    pytest.param(with_bearer_scheme, remove_bearer_scheme, ["security-scheme-removed", "`Bearer`"], id="no-scheme"),
    # A closed response object refuses members it does not list: growing it breaks validating clients.
    pytest.param(
        close_user_response,
        add_optional_response_field,
        ["field-added-to-closed-response", "`nickname`", "GET /v1/users/me"],
        id="field-added-to-closed-response",
    ),
    pytest.param(
        close_user_response,
        add_required_response_field,
        ["field-added-to-closed-response", "`nickname`"],
        id="required-field-added-to-closed-response",
    ),
    pytest.param(
        close_article_author,
        add_article_author_field,
        ["field-added-to-closed-response", "`author.nickname`", "`author`"],
        id="field-added-to-nested-closed-response",
    ),
    # A cursor's format changed without `x-opaque`: its pattern was part of the contract.
    pytest.param(
        no_change,
        change_cursor_format_unmarked,
        ["schema-constraint-changed", "`pattern`"],
        id="cursor-format-unmarked",
    ),
    pytest.param(
        no_change, change_opaque_cursor_type, ["schema-type-changed", "`next_cursor`"], id="opaque-but-type-changed"
    ),
]


@pytest.mark.parametrize(("prepare", "mutate", "names"), BREAKING_CASES)
def test_a_breaking_change_with_a_minor_bump_fails_naming_the_change(
    tmp_path: Path, prepare: Mutation, mutate: Mutation, names: list[str]
) -> None:
    result = judge(tmp_path, mutate, "1.1.0", prepare)

    assert not result.passed
    assert result.required_bump == Bump.MAJOR
    assert any(failure.startswith("breaking-change-needs-major-bump") for failure in result.failures)
    explanation = reported(result)
    for name in names:
        assert name in explanation, f"{name!r} missing from:\n{explanation}"


@pytest.mark.parametrize(("prepare", "mutate", "names"), BREAKING_CASES)
def test_the_same_breaking_change_with_a_major_bump_passes(
    tmp_path: Path, prepare: Mutation, mutate: Mutation, names: list[str]
) -> None:
    result = judge(tmp_path, mutate, "2.0.0", prepare)

    assert result.passed, reported(result)
    assert result.required_bump == Bump.MAJOR
    assert result.breaking  # still listed, so the release notes can say what broke


@pytest.mark.parametrize(
    ("prepare", "mutate", "names"),
    [
        pytest.param(no_change, add_optional_request_field, ["nickname"], id="added-optional-request-field"),
        pytest.param(no_change, add_operation, ["/v1/ping"], id="new-operation"),
        # Accepting more in a request breaks no client: a minor bump (an unchanged version still fails, below).
        pytest.param(no_change, drop_request_constraint, ["maxLength"], id="loosened-request-constraint"),
        # Our response objects are open: clients ignore members they do not know, so a new one (even a required
        # one) breaks nobody, and a field that is always sent from now on only promises more.
        pytest.param(no_change, add_required_response_field, ["nickname"], id="required-field-added-to-response"),
        pytest.param(no_change, add_optional_response_field, ["nickname"], id="field-added-to-response"),
        pytest.param(no_change, make_response_field_required, ["required"], id="response-field-became-required"),
        # A response object that is closed may still grow where it is open.
        pytest.param(close_user_response, add_article_author_field, ["nickname"], id="field-added-elsewhere"),
        # Limits promise what the server accepts: more, or a first promise, refuses no request that was valid.
        pytest.param(with_request_limits, raise_max_body_bytes, ["max-body-bytes"], id="raised-body-limit"),
        pytest.param(no_change, with_request_limits, ["x-request-limits"], id="first-request-limits"),
        # A client keeps authenticating as it did.
        pytest.param(with_scopes, add_scope, ["articles:read"], id="added-scope"),
        pytest.param(no_change, add_client_credentials_flow, ["ClientCredentials"], id="added-oauth2-flow"),
        pytest.param(drop_refresh_url, move_refresh_url, ["refreshUrl"], id="added-refresh-url"),
        # An `x-opaque` string's format (pattern, bounds) is not promised: clients only send back what they got.
        pytest.param(no_change, make_cursors_opaque, ["opaque-format-changed"], id="opaque-cursor-format"),
    ],
)
def test_a_non_breaking_change_with_a_minor_bump_passes(
    tmp_path: Path, prepare: Mutation, mutate: Mutation, names: list[str]
) -> None:
    result = judge(tmp_path, mutate, "1.1.0", prepare)

    assert result.passed, reported(result)
    assert result.required_bump == Bump.MINOR
    assert not result.breaking
    assert any(
        name in finding.where or name in finding.message or name == finding.rule
        for finding in result.non_breaking + result.modifications
        for name in names
    )


def test_a_server_whose_description_changed_is_documentation(tmp_path: Path) -> None:
    # redocly reads 2.0.0's server with a new description as removed (major) and added: the gate knows the url.
    base = PUBLISHED_DIR / "openapi-2.0.0.yaml"
    spec = copy.deepcopy(load_spec(base))
    describe_server_anew(spec)
    spec["info"]["version"] = "2.0.1"
    head = tmp_path / "described.yaml"
    head.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")

    result = evaluate(base, head)

    assert result.passed, reported(result)
    assert result.required_bump == Bump.PATCH
    assert not result.breaking
    assert [finding.rule for finding in result.modifications] == ["server-description-changed"]


def test_a_removed_server_is_still_breaking(tmp_path: Path) -> None:
    base = PUBLISHED_DIR / "openapi-2.0.0.yaml"
    spec = copy.deepcopy(load_spec(base))
    spec["servers"] = [{"url": "https://api.example.com", "description": "Production."}]
    spec["info"]["version"] = "2.1.0"
    head = tmp_path / "moved.yaml"
    head.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")

    result = evaluate(base, head)

    assert not result.passed
    assert "server-removed" in reported(result)


def test_a_changed_spec_with_an_unchanged_version_fails(tmp_path: Path) -> None:
    result = judge(tmp_path, add_operation, "1.0.0")

    assert not result.passed
    assert result.failures[0].startswith("changed-without-version-bump")
    assert "stayed 1.0.0" in reported(result)


def test_a_constraint_dropped_from_a_request_still_needs_a_version_bump(tmp_path: Path) -> None:
    result = judge(tmp_path, drop_request_constraint, "1.0.0")

    assert result.failures[0].startswith("changed-without-version-bump")


def test_a_non_breaking_change_with_only_a_patch_bump_fails(tmp_path: Path) -> None:
    result = judge(tmp_path, add_operation, "1.0.1")

    assert not result.passed
    assert result.failures[0].startswith("change-needs-minor-bump")
    assert "1.1.0 or later" in reported(result)


def test_a_documentation_only_change_may_take_a_patch_bump(tmp_path: Path) -> None:
    result = judge(tmp_path, edit_documentation, "1.0.1")

    assert result.passed, reported(result)
    assert result.required_bump == Bump.PATCH


def test_a_documentation_only_change_still_needs_a_bump(tmp_path: Path) -> None:
    result = judge(tmp_path, edit_documentation, "1.0.0")

    assert result.failures[0].startswith("changed-without-version-bump")


def test_the_same_api_rewritten_passes_at_the_same_version(tmp_path: Path) -> None:
    spec = load_spec(BASE_PATH)
    # Other key order, other quoting, no comments: the same document once parsed.
    reordered = dict(reversed(list(spec.items())))
    head = tmp_path / "reformatted.yaml"
    head.write_text(yaml.safe_dump(reordered, sort_keys=True, default_style='"'), encoding="utf-8")

    result = evaluate(BASE_PATH, head)

    assert result.passed, reported(result)
    assert result.required_bump == Bump.NONE


def test_a_version_lower_than_published_fails_even_without_changes(tmp_path: Path) -> None:
    result = judge(tmp_path, no_change, "0.9.0")

    assert result.failures == ["version-lower-than-published: info.version 0.9.0 is lower than the published 1.0.0."]


def test_removing_a_property_named_like_a_documentation_keyword_is_not_documentation() -> None:
    base = load_spec(BASE_PATH)
    head = copy.deepcopy(base)
    del schemas(head)["Item"]["properties"]["description"]  # a field called `description`, not a description

    documented = copy.deepcopy(base)
    edit_documentation(documented)

    assert not structure.documentation_only_change(base, head)
    assert structure.documentation_only_change(base, documented)


def test_the_newest_published_version_is_chosen_in_semver_order(tmp_path: Path) -> None:
    for version in ("1.2.0", "1.10.0", "1.9.3"):
        (tmp_path / f"openapi-{version}.yaml").write_text("{}", encoding="utf-8")

    assert latest_published(tmp_path) == tmp_path / "openapi-1.10.0.yaml"
    assert latest_published(tmp_path / "nothing-here") is None


def test_the_command_line_exits_1_and_names_the_rule_and_the_change(tmp_path: Path) -> None:
    head = write_variant(tmp_path, remove_response_field, "1.1.0")

    completed = subprocess.run(
        [sys.executable, "-m", "scripts.spec_gate.breaking", "--base", str(BASE_PATH), "--head", str(head)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "breaking-change-needs-major-bump" in completed.stdout
    assert "Property `email` of `User` was removed." in completed.stdout
