"""The generator's promises: drift is caught, and an implementation missing an operation cannot start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generated.routers.items import ItemsApi
from impl.items import Items
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
