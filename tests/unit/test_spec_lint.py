"""`make lint-spec` has teeth: the OWASP and Redocly rules are on, and each override covers only its own paths.

Each case lints a mutated copy of openapi.yaml with the project's own rulesets and expects exactly the finding the
mutation causes. The copies live under node_modules/.cache so the rulesets resolve their npm packages as in the
repository; Node tools come from `npm ci` (make test runs lint-spec, which installs them, first).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.dbutil import PROJECT_ROOT

Spec = dict[str, Any]
SPEC: Spec = yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text())
LINT_CONFIGS = (".spectral.yaml", "redocly.yaml", ".redocly.lint-ignore.yaml")


@pytest.fixture
def workspace() -> Iterator[Path]:
    cache = PROJECT_ROOT / "node_modules" / ".cache"
    assert (PROJECT_ROOT / "node_modules" / ".bin" / "spectral").exists(), "run `npm ci` (make lint-spec) first"
    cache.mkdir(exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix="spec-lint-", dir=cache))
    for name in LINT_CONFIGS:
        shutil.copy(PROJECT_ROOT / name, directory / name)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def spectral_findings(directory: Path, spec: Spec) -> set[tuple[str, str]]:
    """(rule, JSON path) of every Spectral finding, warnings included (the gate fails on warnings)."""
    (directory / "openapi.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    result = subprocess.run(
        ["npx", "--no-install", "spectral", "lint", "-q", "-f", "json", "--ruleset", ".spectral.yaml", "openapi.yaml"],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(result.stdout or "[]")
    return {(f["code"], ".".join(str(part) for part in f["path"])) for f in findings}


def redocly_findings(directory: Path, spec: Spec) -> set[tuple[str, str]]:
    (directory / "openapi.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    result = subprocess.run(
        ["npx", "--no-install", "redocly", "lint", "--format", "json", "--config", "redocly.yaml", "openapi.yaml"],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"},
    )
    report = json.loads(result.stdout[result.stdout.index("{") :])
    return {
        (problem["ruleId"], location["pointer"])
        for problem in report["problems"]
        if not problem.get("ignored")
        for location in problem["location"]
    }


def mutated(change: Callable[[Spec], None]) -> Spec:
    spec = copy.deepcopy(SPEC)
    change(spec)
    return spec


def test_the_spec_passes_both_linters(workspace: Path) -> None:
    assert spectral_findings(workspace, SPEC) == set()
    assert redocly_findings(workspace, SPEC) == set()


def _public_create_item(spec: Spec) -> None:
    spec["paths"]["/v1/items"]["post"]["security"] = []


def _unbounded_item_name(spec: Spec) -> None:
    del spec["components"]["schemas"]["ItemName"]["maxLength"]


def _list_items_without_rate_limit_headers(spec: Spec) -> None:
    del spec["paths"]["/v1/items"]["get"]["responses"]["200"]["headers"]


def _get_item_without_429(spec: Spec) -> None:
    del spec["paths"]["/v1/items/{item_id}"]["get"]["responses"]["429"]


@pytest.mark.parametrize(
    ("change", "finding"),
    [
        # The write-restricted override covers the auth endpoints only: any other public write is an error.
        (_public_create_item, ("owasp:api2:2023-write-restricted", "paths./v1/items.post.security")),
        (_unbounded_item_name, ("owasp:api4:2023-string-limit", "components.schemas.ItemName")),
        # The rate-limit overrides cover the health probes only.
        (_list_items_without_rate_limit_headers, ("owasp:api4:2023-rate-limit", "paths./v1/items.get.responses.200")),
        (
            _get_item_without_429,
            ("owasp:api4:2023-rate-limit-responses-429", "paths./v1/items/{item_id}.get.responses"),
        ),
    ],
    ids=["public-write", "unbounded-string", "no-rate-limit-headers", "no-429"],
)
def test_spectral_finds_what_a_change_breaks(
    workspace: Path, change: Callable[[Spec], None], finding: tuple[str, str]
) -> None:
    assert finding in spectral_findings(workspace, mutated(change))


def test_redocly_ignores_only_the_listed_locations(workspace: Path) -> None:
    # The ignore file lists the health probes' responses; any other operation without a 4xx is a finding.
    def without_4xx(spec: Spec) -> None:
        responses = spec["paths"]["/v1/articles/{article_id}"]["get"]["responses"]
        for status in [s for s in responses if s.startswith("4")]:
            del responses[status]

    assert ("operation-4xx-response", "#/paths/~1v1~1articles~1{article_id}/get/responses") in redocly_findings(
        workspace, mutated(without_4xx)
    )
