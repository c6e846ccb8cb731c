"""Published copies of the spec (one file per released version) and semantic versions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
PUBLISHED_DIR = REPO_ROOT / "api" / "published"
SPEC_PATH = REPO_ROOT / "openapi.yaml"

Version = tuple[int, int, int]

# Plain MAJOR.MINOR.PATCH: pre-release and build suffixes have no place in a published contract's version.
_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
_PUBLISHED_NAME = re.compile(r"^openapi-(.+)\.yaml$")


class SpecError(Exception):
    """A spec file that cannot be read, or whose info.version is not MAJOR.MINOR.PATCH."""


def parse_version(text: str) -> Version:
    match = _SEMVER.match(text)
    if match is None:
        raise SpecError(f"info.version {text!r} is not a MAJOR.MINOR.PATCH semantic version")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def format_version(version: Version) -> str:
    return ".".join(str(part) for part in version)


def load_spec(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SpecError(f"cannot read {path}: {error}") from error
    if not isinstance(document, dict):
        raise SpecError(f"{path} is not an OpenAPI document (no top-level mapping)")
    return document


def spec_version(document: dict[str, Any]) -> Version:
    info = document.get("info")
    version = info.get("version") if isinstance(info, dict) else None
    if not isinstance(version, str):
        raise SpecError("info.version is missing or not a string")
    return parse_version(version)


def published_path(published_dir: Path, version: Version) -> Path:
    return published_dir / f"openapi-{format_version(version)}.yaml"


def published_versions(published_dir: Path) -> dict[Version, Path]:
    """Every published copy by version; a file named openapi-<not semver>.yaml is an error, not silently skipped."""
    found: dict[Version, Path] = {}
    if not published_dir.is_dir():
        return found
    for path in published_dir.iterdir():
        match = _PUBLISHED_NAME.match(path.name)
        if match is not None:
            found[parse_version(match.group(1))] = path
    return found


def latest_published(published_dir: Path) -> Path | None:
    """The highest published version in semver order (1.10.0 after 1.9.0), or None when nothing is published."""
    versions = published_versions(published_dir)
    return versions[max(versions)] if versions else None
