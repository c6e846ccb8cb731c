"""`make contract` fails when it should: the runner, its config and the login broker, end to end, kept small.

Each test runs ``scripts.contract.run_gate`` as `make contract` does (a real server on a fresh database, the
schemathesis CLI), restricted to one authenticated operation and a few examples so it takes seconds:

- against the spec as it is: passes, so the failures below come from what each test changed, not from the setup;
- against a copy of the spec whose response schema renames a required property: fails on that operation;
- with credentials the server rejects: fails on the ``missing_auth`` warning alone;
- a run starts from a clean state: after a run whose credentials were refused, the next run still authenticates
  (schemathesis' cache used to carry "call GET /v1/users/me anonymously" over to it), and two runs on identical
  code generate the same cases and scenarios.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
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


def run_gate(
    tmp_path: Path,
    spec: Path,
    *schemathesis_options: str,
    operation_ids: Sequence[str] = (OPERATION_ID,),
    phases: str = "examples,fuzzing",
) -> GateRun:
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
        *(option for operation_id in operation_ids for option in ("--include-operation-id", operation_id)),
        "--phases",
        phases,
        *schemathesis_options,
    ]
    completed = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS, check=False
    )
    return GateRun(completed.returncode, completed.stdout + completed.stderr, report_dir / "junit.xml")


def rejected_auth_file(tmp_path: Path) -> Path:
    """Same names as the real auth file (the config's peers), but tokens the server rejects: every answer a 401."""
    rejected = {
        "auth": [
            {"name": name, "fixedHeaders": [{"name": "Authorization", "value": "Bearer not-a-token"}]}
            for name in ("alice", "bob", "admin")
        ]
    }
    auth_file = tmp_path / "rejected-auth.json"
    auth_file.write_text(json.dumps(rejected))
    return auth_file


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
    gate = run_gate(tmp_path, SPEC, "--auth-wfc", str(rejected_auth_file(tmp_path)))

    # No check fails (a 401 is a declared answer): the missing_auth warning alone fails the run.
    assert gate.returncode == 1, gate.output
    assert gate.failed_testcases() == {}
    assert "Warnings fail the run" in gate.output


def test_a_run_after_one_whose_credentials_were_refused_still_authenticates(tmp_path: Path) -> None:
    # The refused run settles on calling the operation without credentials (every identity got a 401). Schemathesis
    # stored that in its cache, and the next run in the same checkout sent its one case without an Authorization
    # header, got a 401 and failed on missing_auth: the flake of test_the_gate_passes_against_the_spec_as_it_is.
    refused = run_gate(tmp_path, SPEC, "--auth-wfc", str(rejected_auth_file(tmp_path)))
    assert refused.returncode == 1, refused.output

    gate = run_gate(tmp_path, SPEC)

    assert gate.returncode == 0, gate.output
    assert gate.failed_testcases() == {}


# Admin-only operations (the identity schemathesis settles on differs from the first one it tries) and linked ones
# (the stateful phase): the cache used to change what the next run generated (58 cases, then 57).
REPEATABILITY_OPERATIONS = ("createItem", "getItem", "listUsers", "getUser")


def _generated_and_scenarios(output: str) -> tuple[int, int]:
    generated = re.search(r"(\d+) generated", output)
    scenarios = re.search(r"Scenarios:\s+(\d+)", output)
    assert generated is not None, output
    assert scenarios is not None, output
    return int(generated.group(1)), int(scenarios.group(1))


def test_two_runs_on_identical_code_generate_the_same_cases_and_scenarios(tmp_path: Path) -> None:
    runs = [
        run_gate(tmp_path, SPEC, operation_ids=REPEATABILITY_OPERATIONS, phases="fuzzing,stateful") for _ in range(2)
    ]

    assert [run.returncode for run in runs] == [0, 0], "\n\n".join(run.output for run in runs)
    first, second = (_generated_and_scenarios(run.output) for run in runs)
    assert first == second, f"cases and scenarios: {first} then {second}"
    assert first[1] > 0  # the stateful phase ran
