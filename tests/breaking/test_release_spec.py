"""`make release-spec`'s script: publishes a copy, prepends a changelog entry, refuses what would mislead clients."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from scripts.spec_gate.release import ReleaseRefused, release
from tests.breaking.test_breaking_gate import (
    BASE_PATH,
    add_operation,
    add_optional_request_field,
    remove_response_field,
    write_variant,
)

RELEASE_DAY = datetime.date(2026, 12, 1)


@pytest.fixture
def published(tmp_path: Path) -> Path:
    directory = tmp_path / "published"
    directory.mkdir()
    shutil.copyfile(BASE_PATH, directory / "openapi-1.0.0.yaml")
    return directory


@pytest.fixture
def changelog(tmp_path: Path) -> Path:
    path = tmp_path / "CHANGELOG-API.md"
    path.write_text("# API changelog\n\nIntro.\n\n## 1.0.0 (2026-11-22)\n\nInitial release.\n", encoding="utf-8")
    return path


def test_a_release_publishes_the_spec_and_prepends_a_changelog_entry(
    tmp_path: Path, published: Path, changelog: Path
) -> None:
    spec = write_variant(tmp_path, add_operation, "1.1.0")

    release(spec, published, changelog, notes="Adds a ping.", released_on=RELEASE_DAY)

    assert (published / "openapi-1.1.0.yaml").read_bytes() == spec.read_bytes()
    text = changelog.read_text(encoding="utf-8")
    assert text.startswith("# API changelog\n\nIntro.\n\n## 1.1.0 (2026-12-01)\n")
    assert text.index("## 1.1.0") < text.index("## 1.0.0 (2026-11-22)")
    entry = text[text.index("## 1.1.0") : text.index("## 1.0.0")]
    assert "Changes since 1.0.0 (this release needs a minor version bump)." in entry
    assert "Adds a ping." in entry
    assert "### New operations\n\n- `GET /v1/ping` (`ping`): Ping\n" in entry


def test_the_entry_names_changed_fields(tmp_path: Path, published: Path, changelog: Path) -> None:
    spec = write_variant(tmp_path, add_optional_request_field, "1.1.0")

    release(spec, published, changelog, notes=None, released_on=RELEASE_DAY)

    assert "- request body (`application/json`): new fields `nickname`: `POST /v1/items`" in changelog.read_text()


def test_releasing_the_same_content_again_changes_nothing(tmp_path: Path, published: Path, changelog: Path) -> None:
    spec = write_variant(tmp_path, add_operation, "1.1.0")
    release(spec, published, changelog, notes=None, released_on=RELEASE_DAY)
    before = changelog.read_text(encoding="utf-8")

    outcome = release(spec, published, changelog, notes=None, released_on=RELEASE_DAY)

    assert "already published" in outcome
    assert changelog.read_text(encoding="utf-8") == before


def test_a_published_version_is_never_rewritten(tmp_path: Path, published: Path, changelog: Path) -> None:
    changed_without_bump = write_variant(tmp_path, add_operation, "1.0.0")

    with pytest.raises(ReleaseRefused, match="already published with other content"):
        release(changed_without_bump, published, changelog, notes=None, released_on=RELEASE_DAY)
    assert (published / "openapi-1.0.0.yaml").read_bytes() == BASE_PATH.read_bytes()


def test_a_release_the_gate_rejects_writes_nothing(tmp_path: Path, published: Path, changelog: Path) -> None:
    before = changelog.read_text(encoding="utf-8")
    breaking_minor = write_variant(tmp_path, remove_response_field, "1.1.0")

    with pytest.raises(ReleaseRefused, match="breaking-change-needs-major-bump"):
        release(breaking_minor, published, changelog, notes=None, released_on=RELEASE_DAY)
    assert not (published / "openapi-1.1.0.yaml").exists()
    assert changelog.read_text(encoding="utf-8") == before


def test_a_first_release_writes_an_initial_entry(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG-API.md"

    release(BASE_PATH, tmp_path / "published", changelog, notes=None, released_on=RELEASE_DAY)

    text = changelog.read_text(encoding="utf-8")
    assert text.startswith("# API changelog\n")
    assert "## 1.0.0 (2026-12-01)\n\nInitial release: 23 operations." in text
    assert "- `POST /v1/auth/register` (`registerUser`): Register a new account" in text
    assert (tmp_path / "published" / "openapi-1.0.0.yaml").read_bytes() == BASE_PATH.read_bytes()
