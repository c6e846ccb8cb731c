"""Publish openapi.yaml as a released version and write its API changelog entry.

    python -m scripts.spec_gate.release [--spec FILE] [--published-dir DIR] [--changelog FILE] [--notes TEXT]

Copies the spec byte for byte to <published-dir>/openapi-<info.version>.yaml and prepends an entry to the
changelog (CHANGELOG-API.md), generated from the difference with the newest published version. Refuses when
the breaking-change gate fails, or when that version is already published with other content; publishing the
same content again changes nothing. `--notes` defaults to the NOTES environment variable (`make release-spec
NOTES="..."`).
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from scripts.spec_gate import structure
from scripts.spec_gate.breaking import GateResult, ToolError, evaluate
from scripts.spec_gate.published import (
    PUBLISHED_DIR,
    REPO_ROOT,
    SPEC_PATH,
    SpecError,
    format_version,
    latest_published,
    load_spec,
    published_path,
    spec_version,
)

CHANGELOG_PATH = REPO_ROOT / "CHANGELOG-API.md"
CHANGELOG_HEADER = (
    "# API changelog\n\n"
    "Each released version of `openapi.yaml`, newest first. The published copies are in `api/published/`;\n"
    "entries are written by `make release-spec` (see `api/README.md`).\n"
)


class ReleaseRefused(Exception):
    """Publishing would lose or contradict what clients already have."""


def changelog_entry(
    base: dict[str, Any] | None,
    head: dict[str, Any],
    *,
    released_on: datetime.date,
    gate: GateResult | None = None,
    notes: str | None = None,
) -> str:
    """The Markdown entry for head: an initial release (base None) or the changes since base."""
    version = format_version(spec_version(head))
    lines = [f"## {version} ({released_on.isoformat()})", ""]
    head_operations = structure.operation_shapes(head)
    if base is None:
        lines += [f"Initial release: {len(head_operations)} operations.", ""]
        lines += _notes(notes)
        lines += ["### Operations", ""]
        lines += [_operation_line(operation) for operation in head_operations.values()]
        return "\n".join(lines) + "\n"

    base_version = format_version(spec_version(base))
    bump = gate.required_bump.name.lower() if gate is not None else "unknown"
    lines += [f"Changes since {base_version} (this release needs a {bump} version bump).", ""]
    lines += _notes(notes)
    base_operations = structure.operation_shapes(base)
    if gate is not None and gate.breaking:
        lines += ["### Breaking changes", ""]
        # Redocly's and our own messages read as sentences; api-schema-diff's repeat them per operation, tersely.
        readable = [finding for finding in gate.breaking if finding.source != "api-schema-diff"] or gate.breaking
        lines += _unique(f"- {finding.where}: {finding.message}" for finding in readable)
        lines.append("")
    added = [head_operations[key] for key in head_operations if key not in base_operations]
    removed = [base_operations[key] for key in base_operations if key not in head_operations]
    if added:
        lines += ["### New operations", "", *(_operation_line(operation) for operation in added), ""]
    if removed:
        lines += ["### Removed operations", "", *(_operation_line(operation) for operation in removed), ""]
    changed = _grouped_changes(base_operations, head_operations)
    if changed:
        lines += ["### Changed operations", "", *changed, ""]
    modifications = _unique(f"- {finding.where}: {finding.message}" for finding in (gate.modifications if gate else []))
    if modifications:
        lines += ["### Constraints and other changes", "", *modifications, ""]
    elif not (added or removed or changed) and not structure.documentation_only_change(base, head):
        lines += ["### Other changes", "", "- Schemas or components changed; `make breaking` lists each change.", ""]
    if _documentation_text(base) != _documentation_text(head):
        lines += ["### Documentation", "", "- Descriptions, summaries, titles or examples changed.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# One change of one operation: what changed, and in which responses (empty when not response-specific).
Fact = tuple[str, tuple[str, ...]]


def operation_changes(old: structure.OperationShape, new: structure.OperationShape) -> list[Fact]:
    """The differences of one operation: parameters, request fields, responses, response headers and fields."""

    def parameter_labels(operation: structure.OperationShape) -> dict[str, str]:
        return {key: f"`{p.name}` ({p.location})" for key, p in operation.parameters.items()}

    facts: list[Fact] = [
        (text, ()) for text in _named_changes("parameter", parameter_labels(old), parameter_labels(new))
    ]
    for key in sorted(old.parameters.keys() & new.parameters.keys()):
        if old.parameters[key].required != new.parameters[key].required:
            state = "required" if new.parameters[key].required else "optional"
            facts.append((f"parameter `{new.parameters[key].name}` is now {state}", ()))
    facts += [(text, ()) for text in _field_changes("request body", old.request_fields, new.request_fields)]
    added_statuses = sorted(new.responses.keys() - old.responses.keys())
    removed_statuses = sorted(old.responses.keys() - new.responses.keys())
    for verb, statuses in (("new", added_statuses), ("removed", removed_statuses)):
        if statuses:
            facts.append((f"{verb} response{'s' if len(statuses) > 1 else ''} {', '.join(statuses)}", ()))
    # Response-level changes are collected per status, then merged: the same change in several responses is one fact.
    statuses_by_change: dict[str, list[str]] = {}
    for status in sorted(old.responses.keys() & new.responses.keys()):
        before, after = old.responses[status], new.responses[status]
        changes = _named_changes(
            "response header",
            {key: f"`{name}`" for key, (name, _) in before.headers.items()},
            {key: f"`{name}`" for key, (name, _) in after.headers.items()},
        )
        for header in sorted(before.headers.keys() & after.headers.keys()):
            if before.headers[header][1] != after.headers[header][1]:
                state = "required" if after.headers[header][1] else "optional"
                changes.append(f"response header `{after.headers[header][0]}` is now {state}")
        changes += _field_changes("response body", before.fields, after.fields)
        for change in changes:
            statuses_by_change.setdefault(change, []).append(status)
    facts += [(change, tuple(statuses)) for change, statuses in statuses_by_change.items()]
    return facts


def _grouped_changes(
    base_operations: dict[str, structure.OperationShape], head_operations: dict[str, structure.OperationShape]
) -> list[str]:
    """One line per distinct change, naming the operations (and responses) it applies to."""
    common = [key for key in head_operations if key in base_operations]
    targets_by_change: dict[str, list[str]] = {}
    for key in common:
        for change, statuses in operation_changes(base_operations[key], head_operations[key]):
            target = f"`{key}`" + (f" ({', '.join(statuses)})" if statuses else "")
            targets_by_change.setdefault(change, []).append(target)
    return [f"- {change}: {', '.join(targets)}" for change, targets in targets_by_change.items()]


def _named_changes(noun: str, old: dict[str, str], new: dict[str, str]) -> list[str]:
    details = []
    added = [new[key] for key in sorted(new.keys() - old.keys())]
    removed = [old[key] for key in sorted(old.keys() - new.keys())]
    for verb, labels in (("new", added), ("removed", removed)):
        if labels:
            details.append(f"{verb} {noun}{'s' if len(labels) > 1 else ''} {', '.join(labels)}")
    return details


def _field_changes(label: str, old: dict[str, frozenset[str]], new: dict[str, frozenset[str]]) -> list[str]:
    details = []
    for media_type in sorted(new.keys() - old.keys()):
        details.append(f"{label}: new media type `{media_type}`")
    for media_type in sorted(old.keys() - new.keys()):
        details.append(f"{label}: removed media type `{media_type}`")
    for media_type in sorted(old.keys() & new.keys()):
        added, removed = sorted(new[media_type] - old[media_type]), sorted(old[media_type] - new[media_type])
        if added:
            details.append(f"{label} (`{media_type}`): new fields " + ", ".join(f"`{name}`" for name in added))
        if removed:
            details.append(f"{label} (`{media_type}`): removed fields " + ", ".join(f"`{name}`" for name in removed))
    return details


def _documentation_text(document: dict[str, Any]) -> list[str]:
    found: list[str] = []

    def collect(node: Any, in_name_map: bool) -> None:
        if isinstance(node, list):
            for item in node:
                collect(item, False)
        elif isinstance(node, dict):
            for key, value in node.items():
                if not in_name_map and key in structure.DOCUMENTATION_KEYS:
                    found.append(f"{key}={value!r}")
                else:
                    collect(value, not in_name_map and key in structure.NAME_MAPS)

    collect({key: value for key, value in document.items() if key != "info"}, False)
    info = {key: value for key, value in (document.get("info") or {}).items() if key != "version"}
    return [*sorted(found), repr(sorted(info.items()))]


def _operation_line(operation: structure.OperationShape) -> str:
    identity = f" (`{operation.operation_id}`)" if operation.operation_id else ""
    summary = f": {operation.summary}" if operation.summary else ""
    return f"- `{operation.key}`{identity}{summary}"


def _notes(notes: str | None) -> list[str]:
    return [notes.strip(), ""] if notes and notes.strip() else []


def _unique(lines: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(lines))


def prepend_entry(changelog: Path, entry: str) -> None:
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else CHANGELOG_HEADER
    first_entry = text.find("\n## ")
    head, rest = (text, "") if first_entry < 0 else (text[: first_entry + 1], text[first_entry + 1 :])
    changelog.write_text(head.rstrip("\n") + "\n\n" + entry + ("\n" + rest if rest else ""), encoding="utf-8")


def release(
    spec: Path,
    published_dir: Path,
    changelog: Path,
    *,
    notes: str | None,
    released_on: datetime.date,
) -> str:
    """Publish spec; returns what was done. Raises ReleaseRefused, SpecError or ToolError."""
    head = load_spec(spec)
    version = spec_version(head)
    target = published_path(published_dir, version)
    if target.exists():
        if target.read_bytes() == spec.read_bytes():
            return f"{format_version(version)} is already published as {target}; nothing to do."
        raise ReleaseRefused(
            f"{format_version(version)} is already published with other content ({target}): "
            "bump info.version instead of rewriting a released contract."
        )
    if changelog.exists() and f"\n## {format_version(version)} (" in changelog.read_text(encoding="utf-8"):
        raise ReleaseRefused(f"{changelog} already has an entry for {format_version(version)}.")
    base_path = latest_published(published_dir)
    base = None if base_path is None else load_spec(base_path)
    gate = None if base_path is None else evaluate(base_path, spec)
    if gate is not None and not gate.passed:
        raise ReleaseRefused("the breaking-change gate fails:\n" + gate.explain())
    entry = changelog_entry(base, head, released_on=released_on, gate=gate, notes=notes)
    published_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(spec, target)
    prepend_entry(changelog, entry)
    return f"Published {format_version(version)} as {target} and added its entry to {changelog}."


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, default=SPEC_PATH)
    parser.add_argument("--published-dir", type=Path, default=PUBLISHED_DIR)
    parser.add_argument("--changelog", type=Path, default=CHANGELOG_PATH)
    parser.add_argument("--notes", default=os.environ.get("NOTES"), help="text for the entry (default: $NOTES)")
    parser.add_argument("--date", type=datetime.date.fromisoformat, help="release date (default: today, UTC)")
    arguments = parser.parse_args(argv)
    released_on = arguments.date or datetime.datetime.now(datetime.UTC).date()
    try:
        print(
            release(
                arguments.spec,
                arguments.published_dir,
                arguments.changelog,
                notes=arguments.notes,
                released_on=released_on,
            )
        )
    except ReleaseRefused as refusal:
        print(f"release-spec refused: {refusal}", file=sys.stderr)
        return 1
    except (SpecError, ToolError) as error:
        print(f"release-spec could not run: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
