"""Assemble and check what partner teams download: ``make publish`` (after ``make docs sdk``).

dist/ gets the spec as written (openapi.yaml), bundled as JSON (openapi.json, from ``redocly bundle``), the HTML
reference, both SDK packages, the API changelog and SHA256SUMS over all of them. Publishing refuses anything that
would ship a contract partners cannot trust:

- openapi.yaml must be a released version: byte-identical to api/published/openapi-<info.version>.yaml
  (``make release-spec`` records it, after the breaking-change gate);
- openapi.json must be the same document as openapi.yaml;
- the reference must contain every operation, and both packages must carry the spec's version;
- the changelog must have an entry for this version.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

from scripts.spec_gate.published import PUBLISHED_DIR, format_version, published_path, spec_version
from scripts.spec_gate.structure import HTTP_METHODS

ROOT = Path(__file__).resolve().parent.parent


class PublishError(Exception):
    pass


def _operation_ids(spec: dict[str, Any]) -> list[str]:
    return [op["operationId"] for item in spec["paths"].values() for m, op in item.items() if m in HTTP_METHODS]


def _packages(sdk_packages: Path, version: str) -> list[Path]:
    expected = [
        sdk_packages / f"contract_api_client-{version}-py3-none-any.whl",
        sdk_packages / f"contract_api_client-{version}.tar.gz",
        sdk_packages / f"contract-api-client-{version}.tgz",
    ]
    missing = [path.name for path in expected if not path.is_file()]
    if missing:
        raise PublishError(f"SDK packages for {version} are missing: {', '.join(missing)} (run `make sdk`)")
    return expected


def assemble(root: Path = ROOT, published_dir: Path = PUBLISHED_DIR) -> list[Path]:
    """Check and assemble ``root``/dist; returns the files shipped. Raises PublishError on the first problem."""
    dist = root / "dist"
    changelog = root / "CHANGELOG-API.md"
    spec_file = root / "openapi.yaml"
    spec = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    version = format_version(spec_version(spec))

    released = published_path(published_dir, spec_version(spec))
    if not released.is_file() or released.read_bytes() != spec_file.read_bytes():
        raise PublishError(
            f"openapi.yaml {version} is not a released version (no identical {released.name} in {published_dir}): "
            "run `make release-spec` first"
        )

    bundled = dist / "openapi.json"
    if not bundled.is_file() or json.loads(bundled.read_text(encoding="utf-8")) != spec:
        raise PublishError("dist/openapi.json is not the same document as openapi.yaml")

    reference = dist / "reference.html"
    if not reference.is_file():
        raise PublishError("dist/reference.html is missing (run `make docs`)")
    html = reference.read_text(encoding="utf-8")
    absent = [operation_id for operation_id in _operation_ids(spec) if f'"{operation_id}"' not in html]
    if absent:
        raise PublishError(f"the reference lacks operations: {', '.join(absent)}")

    if f"## {version} " not in changelog.read_text(encoding="utf-8"):
        raise PublishError(f"CHANGELOG-API.md has no entry for {version} (run `make release-spec`)")

    packages = _packages(dist / "sdk" / "packages", version)
    shutil.copyfile(spec_file, dist / "openapi.yaml")
    shutil.copyfile(changelog, dist / "CHANGELOG-API.md")
    shutil.rmtree(dist / "packages", ignore_errors=True)
    (dist / "packages").mkdir(parents=True)
    shipped = [dist / "openapi.yaml", bundled, reference, dist / "CHANGELOG-API.md"]
    shipped += [Path(shutil.copy2(package, dist / "packages" / package.name)) for package in packages]

    sums = [f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(dist)}" for path in shipped]
    (dist / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    return [*shipped, dist / "SHA256SUMS"]


def main() -> int:
    try:
        shipped = assemble()
    except PublishError as error:
        print(f"publish: {error}", file=sys.stderr)
        return 1
    print("published to dist/:")
    for path in shipped:
        print(f"  {path.relative_to(ROOT / 'dist')}  ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
