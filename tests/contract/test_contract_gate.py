"""`make contract` fails when it should: the runner, its config and the login broker, end to end, kept small.

Each test runs ``scripts.contract.run_gate`` as `make contract` does (a real server on a fresh database, the
schemathesis CLI), restricted to one authenticated operation and a few examples so it takes seconds:

- against the spec as it is: passes, so the failures below come from what each test changed, not from the setup;
- against a copy of the spec whose response schema renames a required property: fails on that operation;
- with credentials the server rejects: fails on the ``missing_auth`` warning alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.dbutil import PROJECT_ROOT

OPERATION_ID = "getCurrentUser"
SPEC = PROJECT_ROOT / "openapi.yaml"
RUN_TIMEOUT_SECONDS = 300


@dataclass
class GateRun:
    returncode: int
    output: str
    junit: Path

    def failed_testcases(self) -> dict[str, str]:
        """JUnit test case name -> the text of its failures."""
        # Our own schemathesis' report, not untrusted input.
        root = ElementTree.parse(self.junit).getroot()  # noqa: S314
        return {
            case.get("name", ""): " ".join(failure.get("message", "") + (failure.text or "") for failure in failures)
            for case in root.iter("testcase")
            if (failures := case.findall("failure"))
        }


def run_gate(tmp_path: Path, spec: Path, *schemathesis_options: str) -> GateRun:
    report_dir = tmp_path / "reports"
    command = [
        sys.executable,
        "-m",
        "scripts.contract.run_gate",
        "--spec",
        str(spec),
        "--report-dir",
        str(report_dir),
        "--max-examples",
        "5",
        "--",
        "--include-operation-id",
        OPERATION_ID,
        "--phases",
        "examples,fuzzing",
        *schemathesis_options,
    ]
    completed = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS, check=False
    )
    return GateRun(completed.returncode, completed.stdout + completed.stderr, report_dir / "junit.xml")


def operation(spec: dict[str, Any], operation_id: str) -> tuple[str, str, dict[str, Any]]:
    for path, item in spec["paths"].items():
        for method, candidate in item.items():
            if isinstance(candidate, dict) and candidate.get("operationId") == operation_id:
                return path, method, candidate
    raise AssertionError(f"openapi.yaml has no operation {operation_id}")


def rename_a_required_response_property(spec: dict[str, Any], operation_id: str) -> str:
    """Rename the first required property of the operation's 200 JSON body schema; returns the new name."""
    _, _, found = operation(spec, operation_id)
    schema = found["responses"]["200"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    original = schema["required"][0]
    renamed = f"{original}_renamed_by_the_test"
    schema["properties"][renamed] = schema["properties"].pop(original)
    schema["required"] = [renamed if name == original else name for name in schema["required"]]
    return renamed


def test_the_gate_passes_against_the_spec_as_it_is(tmp_path: Path) -> None:
    gate = run_gate(tmp_path, SPEC)

    assert gate.returncode == 0, gate.output
    assert gate.failed_testcases() == {}


def test_the_gate_fails_when_responses_do_not_match_the_spec(tmp_path: Path) -> None:
    spec = yaml.safe_load(SPEC.read_text())
    renamed = rename_a_required_response_property(spec, OPERATION_ID)
    mutated = tmp_path / "openapi.yaml"
    mutated.write_text(yaml.safe_dump(spec, sort_keys=False))
    path, method, _ = operation(spec, OPERATION_ID)

    gate = run_gate(tmp_path, mutated)

    assert gate.returncode == 1, gate.output
    failures = gate.failed_testcases()
    assert list(failures) == [f"{method.upper()} {path}"], gate.output
    assert renamed in failures[f"{method.upper()} {path}"]


def test_the_gate_fails_when_requests_are_not_authenticated(tmp_path: Path) -> None:
    # Same names as the real auth file (the config's peers), but tokens the server rejects: every answer is a 401.
    rejected = {
        "auth": [
            {"name": name, "fixedHeaders": [{"name": "Authorization", "value": "Bearer not-a-token"}]}
            for name in ("alice", "bob", "admin")
        ]
    }
    auth_file = tmp_path / "rejected-auth.json"
    auth_file.write_text(json.dumps(rejected))

    gate = run_gate(tmp_path, SPEC, "--auth-wfc", str(auth_file))

    # No check fails (a 401 is a declared answer): the missing_auth warning alone fails the run.
    assert gate.returncode == 1, gate.output
    assert gate.failed_testcases() == {}
    assert "Warnings fail the run" in gate.output
