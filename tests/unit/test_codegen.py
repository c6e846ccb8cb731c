"""The generator's promises for our own spec: drift is caught, an implementation missing an operation cannot be
built (named as the spec names it), runtime checks follow the declared statuses, and what cannot be expressed is
refused with one line naming the JSON pointer."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_runtime import MissingOperations
from generated.routers.items import ItemsApi
from impl.items import Items
from scripts.codegen import reader, support
from scripts.codegen.model import Api, Operation
from tests.dbutil import PROJECT_ROOT

GENERATE = [sys.executable, "-m", "scripts.codegen.generate", "--check"]


def test_committed_generated_code_matches_the_spec() -> None:
    result = subprocess.run(GENERATE, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_spec_edit_without_regenerating_fails_the_drift_check(tmp_path: Path) -> None:
    spec = (PROJECT_ROOT / "openapi.yaml").read_text()
    edited = spec.replace(
        "    ItemName:\n      type: string\n      minLength: 1\n      maxLength: 100\n",
        "    ItemName:\n      type: string\n      minLength: 1\n      maxLength: 120\n",
    )
    assert edited != spec
    (tmp_path / "openapi.yaml").write_text(edited)
    result = subprocess.run(
        [*GENERATE, f"--spec={tmp_path / 'openapi.yaml'}"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "generated/models.py" in result.stdout
    assert "max_length=120" in result.stdout


def _items_without(method: str) -> type[ItemsApi[Any]]:
    members = {name: value for name, value in vars(Items).items() if name != method}
    return type("ItemsMissingAnOperation", (ItemsApi,), members)


def test_an_implementation_missing_an_operation_cannot_be_built() -> None:
    """The composition root builds every implementation before serving: startup stops, naming the operation as the
    spec does (operationId, method and path) before Python's abstract-class error could."""
    broken = _items_without("delete_item")
    with pytest.raises(MissingOperations) as caught:
        broken()
    assert str(caught.value) == (
        "ItemsMissingAnOperation, the `items` implementation, does not implement: "
        "deleteItem (DELETE /v1/items/{item_id}) as `delete_item`"
    )


# --- The model the templates render --------------------------------------------------------------------------


def _api_of(change: Callable[[dict[str, Any]], None]) -> Api:
    spec = copy.deepcopy(yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text()))
    change(spec)
    return reader.read(spec, "openapi.yaml")


def _operation(api: Api, operation_id: str) -> Operation:
    return next(op for op in api.operations if op.operation_id == operation_id)


def test_runtime_checks_follow_the_declared_statuses() -> None:
    api = _api_of(lambda spec: None)
    create_item = _operation(api, "createItem")
    assert create_item.rate_limited
    assert (create_item.max_body_bytes, create_item.max_json_depth) == (1_048_576, 32)
    liveness = _operation(api, "getLiveness")
    assert (liveness.rate_limited, liveness.max_body_bytes) == (False, None)


def test_rate_limit_headers_are_checked_but_not_asked_of_implementations() -> None:
    list_items = _operation(_api_of(lambda spec: None), "listItems")
    ok = next(r for r in list_items.responses if r.status == "200")
    supplied = {h.name for h in ok.headers if h.supplied_by == "rate-limiter"}
    assert supplied == {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}
    assert all(h.required for h in ok.headers if h.name in supplied)
    assert ok.result_headers == []


def test_interfaces_follow_the_first_tag() -> None:
    api = _api_of(lambda spec: None)
    assert [g.module for g in api.groups] == ["articles", "auth", "health", "items", "users"]


def _unknown_supplier(spec: dict[str, Any]) -> None:
    spec["components"]["headers"]["RateLimit-Limit"]["x-supplied-by"] = "someone-else"


def _unknown_scheme(spec: dict[str, Any]) -> None:
    spec["paths"]["/v1/items"]["get"]["security"] = [{"ApiKey": []}]


def _deep_object_in_path(spec: dict[str, Any]) -> None:
    spec["components"]["parameters"]["ItemId"]["style"] = "deepObject"


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (
            _unknown_supplier,
            "openapi.yaml#/paths/~1v1~1items/get/responses/200/headers/RateLimit-Limit: unknown x-supplied-by "
            "`someone-else` (the runtime supplies: idempotency, rate-limiter, request-id)",
        ),
        (
            _unknown_scheme,
            "openapi.yaml#/paths/~1v1~1items/get/security: security scheme `ApiKey` is not in "
            "components/securitySchemes",
        ),
        (
            _deep_object_in_path,
            "openapi.yaml#/paths/~1v1~1items~1{item_id}/get/parameters/0: style `deepObject` is not defined for "
            "path parameters (use label, matrix, simple)",
        ),
    ],
    ids=["unknown-supplier", "unknown-scheme", "deep-object-in-path"],
)
def test_the_generator_refuses_what_it_cannot_express_with_one_line(
    change: Callable[[dict[str, Any]], None], line: str
) -> None:
    spec = copy.deepcopy(yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text()))
    change(spec)
    problems = support.problems(reader.read(spec, "openapi.yaml"), spec)
    assert line in [str(p) for p in problems]


def _against_the_house_rules(spec: dict[str, Any]) -> None:
    operation = spec["paths"]["/v1/items"]["get"]
    operation["tags"] = ["items", "catalogue"]  # two tags
    del operation["operationId"]
    del operation["summary"]
    del spec["components"]["schemas"]["ItemName"]["maxLength"]  # an unbounded string
    for response in operation["responses"].values():
        for media in response.get("content", {}).values():
            media.pop("example", None)
            media.pop("examples", None)


def test_house_rules_are_the_linters_not_the_generators() -> None:
    """A document breaking our house rules (two tags, no operationId, an unbounded string, no examples) is still
    valid OpenAPI: the generator reads it without a problem (make lint-spec is what refuses it for openapi.yaml)."""
    spec = copy.deepcopy(yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text()))
    _against_the_house_rules(spec)
    api = reader.read(spec, "openapi.yaml")
    assert support.problems(api, spec) == []
    derived = next(op for op in api.operations if op.path == "/v1/items" and op.method == "GET")
    assert (derived.name, derived.group) == ("get_v1_items", "items")
