"""The generator's promises: drift is caught, and an implementation missing an operation cannot start."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generated.routers.items import ItemsApi
from impl.items import Items
from scripts.codegen.visitor import UnsupportedSpec, build_contract
from tests.dbutil import PROJECT_ROOT

GENERATE = [sys.executable, str(PROJECT_ROOT / "scripts" / "codegen" / "generate.py"), "--check"]


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
    """The composition root instantiates every implementation before serving: startup stops, naming it."""
    broken = _items_without("delete_item")
    with pytest.raises(TypeError, match=r"abstract method '?delete_item"):
        broken()


# --- What the visitor refuses to generate: contracts the runtime could not keep ---------------------------------


def _contract_of(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    spec = copy.deepcopy(yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text()))
    change(spec)
    contract: dict[str, Any] = build_contract(spec, "openapi.yaml")
    return contract


def _operation(contract: dict[str, Any], operation_id: str) -> dict[str, Any]:
    return next(op for tag in contract["tags"] for op in tag["operations"] if op["operation_id"] == operation_id)


def test_runtime_checks_follow_the_declared_statuses() -> None:
    contract = _contract_of(lambda spec: None)
    create_item = _operation(contract, "createItem")
    assert (create_item["rate_limited"], create_item["checks_media_type"]) == (True, True)
    assert (create_item["max_body_bytes"], create_item["max_json_depth"]) == (1_048_576, 32)
    liveness = _operation(contract, "getLiveness")
    assert (liveness["rate_limited"], liveness["max_body_bytes"]) == (False, None)


def test_rate_limit_headers_are_checked_but_not_asked_of_implementations() -> None:
    list_items = _operation(_contract_of(lambda spec: None), "listItems")
    ok = next(r for r in list_items["responses"] if r["status"] == 200)
    assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= set(ok["required_headers"])
    assert ok["result_headers"] == []


def _unknown_supplier(spec: dict[str, Any]) -> None:
    spec["components"]["headers"]["RateLimit-Limit"]["x-supplied-by"] = "someone-else"


def _no_request_limits(spec: dict[str, Any]) -> None:
    del spec["x-request-limits"]


def _429_without_retry_after(spec: dict[str, Any]) -> None:
    del spec["components"]["responses"]["TooManyRequests"]["headers"]["Retry-After"]


def _json_body_limits_without_400(spec: dict[str, Any]) -> None:
    del spec["paths"]["/v1/items"]["post"]["responses"]["400"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_unknown_supplier, "unknown x-supplied-by `someone-else`"),
        (_no_request_limits, "a declared 413 needs a top-level x-request-limits"),
        (_429_without_retry_after, "a 429 must require Retry-After"),
        (_json_body_limits_without_400, "createItem: a JSON body with request limits needs a 400"),
    ],
)
def test_the_generator_refuses_a_contract_the_runtime_cannot_keep(
    change: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(UnsupportedSpec, match=message):
        _contract_of(change)
