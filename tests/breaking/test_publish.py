"""`make publish` ships only a released, self-consistent contract (scripts/publish.py on a scratch project)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from scripts.publish import PublishError, assemble
from tests.dbutil import PROJECT_ROOT

SPEC_TEXT = (PROJECT_ROOT / "openapi.yaml").read_text(encoding="utf-8")
SPEC = yaml.safe_load(SPEC_TEXT)
VERSION = SPEC["info"]["version"]
OPERATION_IDS = [op["operationId"] for item in SPEC["paths"].values() for op in item.values() if "operationId" in op]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch project holding everything `make docs sdk` and `make release-spec` would have produced."""
    (tmp_path / "openapi.yaml").write_text(SPEC_TEXT, encoding="utf-8")
    (tmp_path / "published").mkdir()
    (tmp_path / "published" / f"openapi-{VERSION}.yaml").write_text(SPEC_TEXT, encoding="utf-8")
    (tmp_path / "CHANGELOG-API.md").write_text(f"# API changelog\n\n## {VERSION} (2026-11-22)\n\nChanges.\n")
    dist = tmp_path / "dist"
    (dist / "sdk" / "packages").mkdir(parents=True)
    (dist / "openapi.json").write_text(json.dumps(SPEC))
    (dist / "reference.html").write_text("<script>" + json.dumps(OPERATION_IDS) + "</script>")
    for name in (
        f"contract_api_client-{VERSION}-py3-none-any.whl",
        f"contract_api_client-{VERSION}.tar.gz",
        f"contract-api-client-{VERSION}.tgz",
    ):
        (dist / "sdk" / "packages" / name).write_bytes(name.encode())
    return tmp_path


def test_a_complete_release_is_assembled_with_checksums(project: Path) -> None:
    shipped = assemble(project, project / "published")
    names = {path.relative_to(project / "dist").as_posix() for path in shipped}
    assert {"openapi.yaml", "openapi.json", "reference.html", "CHANGELOG-API.md", "SHA256SUMS"} <= names
    assert f"packages/contract-api-client-{VERSION}.tgz" in names
    sums = (project / "dist" / "SHA256SUMS").read_text().splitlines()
    assert len(sums) == len(shipped) - 1


def test_an_unreleased_spec_is_refused(project: Path) -> None:
    (project / "openapi.yaml").write_text(SPEC_TEXT.replace("summary:", "summary: ", 1), encoding="utf-8")
    with pytest.raises(PublishError, match="not a released version"):
        assemble(project, project / "published")


def test_a_json_that_differs_from_the_yaml_is_refused(project: Path) -> None:
    # What a JavaScript bundler does to an integer beyond 2**53.
    (project / "dist" / "openapi.json").write_text(json.dumps({**SPEC, "x-request-limits": {"max-body-bytes": 1.0}}))
    with pytest.raises(PublishError, match="not the same document"):
        assemble(project, project / "published")


def test_a_reference_missing_an_operation_is_refused(project: Path) -> None:
    (project / "dist" / "reference.html").write_text(json.dumps(OPERATION_IDS[1:]))
    with pytest.raises(PublishError, match=f"lacks operations: {OPERATION_IDS[0]}"):
        assemble(project, project / "published")


def test_a_missing_sdk_package_is_refused(project: Path) -> None:
    shutil.rmtree(project / "dist" / "sdk" / "packages")
    (project / "dist" / "sdk" / "packages").mkdir()
    with pytest.raises(PublishError, match="SDK packages"):
        assemble(project, project / "published")
