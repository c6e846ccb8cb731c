"""The breaking-change gate: openapi.yaml against the newest published copy of the spec.

    python -m scripts.spec_gate.breaking [--base FILE] [--head FILE] [--json-report FILE]

Two diff tools judge every change, and the gate adds checks for what both miss:
- `redocly diff` (extends `diff-recommended`): direction-aware (request vs response) and rates each change
  major / minor / patch. A "major" verdict is a breaking change.
- `api-schema-diff`: removed paths, operations, parameters, responses and fields, type changes, new required
  parameters and fields (JSON bodies only). Each "breaking" entry is a breaking change, except a response field
  that became required: it does not know requests from responses, and a response that promises more breaks no one.
- own checks (scripts/spec_gate/own_checks.py): a response header that became optional, a request default that
  changed or disappeared, a field added to a closed response object, a lowered or removed `x-request-limits`
  entry, a security scheme changed on the client's side (flows, token and refresh URLs, scopes, type).

Two verdicts of redocly's are overruled, each narrowly, and listed as non-breaking changes so the reader sees them
(`accepted_change` in own_checks.py):
- `opaque-format-changed`: `pattern`, `maxLength` or `minLength` changed on a string schema that the new spec
  marks `x-opaque: true` (cursors): an opaque value is only ever one the server made and is sent back unchanged;
  its format is not part of the contract, only what the spec says about it now.
- `server-description-changed`: redocly reads a server whose description changed as removed and added again; a
  server whose `url` is still listed was not removed.

The version rules (semver on info.version; base = the published copy, head = openapi.yaml):
- the same API (identical once parsed, info.version aside): passes, unless the version went down;
- a version lower than the base's fails;
- any change with an unchanged version fails;
- a breaking change needs a major bump;
- any other change to what clients send or receive needs at least a minor bump;
- a documentation-only change (descriptions, summaries, titles, examples, info) may take a patch bump.

Exit status: 0 passed, 1 a rule failed, 2 a tool or a file could not be used.
"""

from __future__ import annotations

import argparse
import enum
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from scripts.spec_gate import structure
from scripts.spec_gate.own_checks import Finding, accepted_change, own_additions, own_checks
from scripts.spec_gate.published import (
    PUBLISHED_DIR,
    REPO_ROOT,
    SPEC_PATH,
    SpecError,
    Version,
    format_version,
    latest_published,
    load_spec,
    spec_version,
)

REDOCLY_CONFIG = REPO_ROOT / "api" / "redocly-diff.yaml"
# How many non-breaking changes the explanation lists before it only counts them.
_LISTED_CHANGES = 25


class Bump(enum.IntEnum):
    """The smallest version bump a set of changes requires, ordered so that max() combines verdicts."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3


class ToolError(Exception):
    """A diff tool did not run or did not produce a report: the gate cannot judge, so it fails."""


@dataclass
class GateResult:
    base_path: Path
    head_path: Path
    base_version: Version
    head_version: Version
    required_bump: Bump
    breaking: list[Finding] = field(default_factory=list)
    non_breaking: list[Finding] = field(default_factory=list)
    # Modified keywords redocly rates "patch" (a constraint tightened in a response, a default...), docs excluded.
    modifications: list[Finding] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # each: the rule that failed, explained

    @property
    def passed(self) -> bool:
        return not self.failures

    def explain(self) -> str:
        base_version, head_version = format_version(self.base_version), format_version(self.head_version)
        head, base = _display_path(self.head_path), _display_path(self.base_path)
        lines = [
            f"Breaking-change gate: {head} ({head_version}) against {base} ({base_version})",
            f"Required bump: {self.required_bump.name.lower()}",
        ]
        if self.breaking:
            lines.append(f"\nBreaking changes ({len(self.breaking)}; they need a major version bump):")
            lines.extend(f"  - {finding.line()}" for finding in self.breaking)
        if self.non_breaking:
            lines.append(f"\nNon-breaking changes ({len(self.non_breaking)}; they need at least a minor bump):")
            lines.extend(f"  - {finding.line()}" for finding in self.non_breaking[:_LISTED_CHANGES])
            if len(self.non_breaking) > _LISTED_CHANGES:
                lines.append(f"  ... and {len(self.non_breaking) - _LISTED_CHANGES} more")
        if self.failures:
            lines.append("\nFAILED:")
            lines.extend(f"  - {failure}" for failure in self.failures)
        else:
            lines.append(f"\nPASSED: {base_version} -> {head_version} is enough for these changes.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "base": str(self.base_path),
            "head": str(self.head_path),
            "base_version": format_version(self.base_version),
            "head_version": format_version(self.head_version),
            "required_bump": self.required_bump.name.lower(),
            "passed": self.passed,
            "failures": self.failures,
            "breaking": [asdict(finding) for finding in self.breaking],
            "non_breaking": [asdict(finding) for finding in self.non_breaking],
        }


def _display_path(path: Path) -> str:
    resolved = path.resolve()
    return str(resolved.relative_to(REPO_ROOT)) if resolved.is_relative_to(REPO_ROOT) else str(path)


def evaluate(base_path: Path, head_path: Path) -> GateResult:
    """Judge head against base: every finding, the bump they require, and the version rules that failed."""
    base, head = load_spec(base_path), load_spec(head_path)
    base_version, head_version = spec_version(base), spec_version(head)
    result = GateResult(base_path, head_path, base_version, head_version, Bump.NONE)
    if structure.without_version(base) != structure.without_version(head):
        with ThreadPoolExecutor(max_workers=2) as pool:
            # Both tools are separate processes (Node, Python): run them side by side.
            redocly = pool.submit(run_redocly_diff, base_path, head_path, base, head)
            schema_diff = pool.submit(run_api_schema_diff, base_path, head_path)
            redocly_verdict = redocly.result()
            schema_diff_breaking, schema_diff_other = schema_diff.result()
        own_breaking = own_checks(base, head)
        result.breaking = redocly_verdict.breaking + schema_diff_breaking + own_breaking
        result.non_breaking = redocly_verdict.additions + schema_diff_other + own_additions(base, head)
        result.modifications = redocly_verdict.modifications
        documentation_only = structure.documentation_only_change(base, head)
        result.required_bump = max(
            redocly_verdict.bump,
            Bump.MAJOR if result.breaking else Bump.NONE,
            Bump.PATCH if documentation_only else Bump.MINOR,
        )
    result.failures = version_rule_failures(base_version, head_version, result.required_bump)
    return result


def version_rule_failures(base: Version, head: Version, required: Bump) -> list[str]:
    old, new = format_version(base), format_version(head)
    if head < base:
        return [f"version-lower-than-published: info.version {new} is lower than the published {old}."]
    if required == Bump.NONE:
        return []
    if head == base:
        return [
            f"changed-without-version-bump: the spec changed but info.version stayed {old}; "
            f"these changes need a {required.name.lower()} bump."
        ]
    if required == Bump.MAJOR and head[0] == base[0]:
        return [
            f"breaking-change-needs-major-bump: info.version went {old} -> {new}, but the breaking changes "
            f"listed above need {base[0] + 1}.0.0 or later."
        ]
    if required == Bump.MINOR and head < (base[0], base[1] + 1, 0):
        return [
            f"change-needs-minor-bump: info.version went {old} -> {new}, but changes to what clients send or "
            f"receive need {base[0]}.{base[1] + 1}.0 or later (a patch bump is for documentation-only changes)."
        ]
    return []


def _tool_environment() -> dict[str, str]:
    # No colours, no line wrapping of JSON, no npm update banners: the reports are parsed, not read.
    return {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "10000", "NO_UPDATE_NOTIFIER": "1"}


def _stderr_tail(stderr: str) -> str:
    # Drop Node's boxed deprecation banner so the real error is what the reader sees.
    useful = [line for line in stderr.splitlines() if line.strip() and not any(c in line for c in "║╔╚")]
    return "\n".join(useful[-20:])


@dataclass(frozen=True)
class RedoclyVerdict:
    bump: Bump
    breaking: list[Finding]  # "major" verdicts
    additions: list[Finding]  # "minor" changes: added operations, responses, headers, fields...
    modifications: list[Finding]  # "patch" changes of keywords that are not documentation


def run_redocly_diff(
    base_path: Path, head_path: Path, base: dict[str, Any] | None = None, head: dict[str, Any] | None = None
) -> RedoclyVerdict:
    """Redocly's judgement of every change, and the bump it requires; with both parsed documents, the verdicts the
    gate overrules (`accepted_change`) are listed as non-breaking instead."""
    with tempfile.TemporaryDirectory(prefix="redocly-diff-") as directory:
        report_path = Path(directory) / "diff.json"
        command = [
            "npx",
            "--no-install",
            "redocly",
            "diff",
            "--config",
            str(REDOCLY_CONFIG),
            "--lint-config",
            "off",
            "--format",
            "json",
            "--fail-on",
            "none",  # this gate applies the version rules; redocly only judges the changes
            "--output",
            str(report_path),
            str(base_path.resolve()),
            str(head_path.resolve()),
        ]
        completed = subprocess.run(
            command, cwd=REPO_ROOT, capture_output=True, text=True, check=False, env=_tool_environment()
        )
        if completed.returncode != 0 or not report_path.exists():
            raise ToolError(f"redocly diff failed (exit {completed.returncode}):\n{_stderr_tail(completed.stderr)}")
        report = json.loads(report_path.read_text(encoding="utf-8"))
    bump = Bump[str(report.get("bump") or "none").upper()]
    verdict = RedoclyVerdict(bump, [], [], [])
    for change in report.get("changes", []):
        pointer = str(change.get("path", ""))
        where = describe_pointer(pointer)
        impact, kind, keyword = change.get("impact"), change.get("kind"), change.get("property")
        accepted = accepted_change(change, base, head) if impact == "major" and base and head else None
        if accepted is not None and accepted.rule == "server-description-changed":
            verdict.modifications.append(replace(accepted, where=where))  # documentation: a patch
        elif accepted is not None:
            verdict.additions.append(replace(accepted, where=where))
        elif _server_listed_before(change, base):
            continue  # the other half of a server whose description changed
        elif impact == "major":
            verdict.breaking.extend(
                Finding("redocly diff", str(rule.get("ruleId")), where, str(rule.get("message")))
                for rule in change.get("verdicts", [])
            )
        elif impact == "minor":
            verdict.additions.append(Finding("redocly diff", str(kind), where, f"{change.get('typeName')} {kind}"))
        elif kind == "modified" and keyword not in structure.DOCUMENTATION_KEYS and not pointer.startswith("#/info"):
            old, new = _value(change.get("base")), _value(change.get("revision"))
            message = f"`{keyword}` changed from {old} to {new}"
            verdict.modifications.append(Finding("redocly diff", "modified", where, message))
    if verdict.bump == Bump.MAJOR and not verdict.breaking:
        bump = Bump.MINOR if verdict.additions else Bump.PATCH
        verdict = RedoclyVerdict(bump, verdict.breaking, verdict.additions, verdict.modifications)
    return verdict


def _server_listed_before(change: dict[str, Any], base: dict[str, Any] | None) -> bool:
    """A server redocly calls added whose `url` the old spec listed already: its description changed."""
    if base is None or change.get("kind") != "added" or not str(change.get("path", "")).startswith("#/servers/"):
        return False
    new = change.get("revision", {}).get("value") if isinstance(change.get("revision"), dict) else None
    urls = {server.get("url") for server in base.get("servers") or [] if isinstance(server, dict)}
    return isinstance(new, dict) and new.get("url") in urls


def _value(side: Any) -> str:
    value = side.get("value") if isinstance(side, dict) else None
    return "(none)" if value is None else f"`{json.dumps(value)}`"


def describe_pointer(pointer: str) -> str:
    """`#/paths/~1v1~1items/get/responses/200/content/application~1json/schema/properties/next_cursor`
    -> `GET /v1/items response 200 (application/json) field `next_cursor``."""
    parts = [part.replace("~1", "/").replace("~0", "~") for part in pointer.removeprefix("#/").split("/")]
    if len(parts) >= 3 and parts[0] == "paths" and parts[2] in structure.HTTP_METHODS:
        rest = _describe_operation_part(parts[3:])
        return f"{parts[2].upper()} {parts[1]}" + (f" {rest}" if rest else "")
    return "/".join(parts)


def _describe_operation_part(parts: list[str]) -> str:
    words: list[str] = []
    position = 0

    def take(keyword: str, template: str, width: int) -> None:
        nonlocal position
        if parts[position : position + 1] == [keyword] and len(parts) >= position + width:
            words.append(template.format(*parts[position + 1 : position + width]))
            position += width

    take("responses", "response {}", 2)
    take("requestBody", "request body", 1)
    take("parameters", "parameter #{}", 2)
    take("headers", "header `{}`", 2)
    take("content", "({})", 2)
    take("schema", "", 1)
    field_path, other = "", []
    while position < len(parts):
        part = parts[position]
        if part == "properties" and position + 1 < len(parts):
            field_path += ("." if field_path else "") + parts[position + 1]
            position += 2
        elif part == "items":
            field_path += "[]"
            position += 1
        elif part in ("allOf", "oneOf", "anyOf") and position + 1 < len(parts):
            position += 2  # a combinator's members describe the same field
        else:
            other.append(part)
            position += 1
    if field_path:
        words.append(f"field `{field_path}`")
    if other:
        words.append("/".join(other))
    return " ".join(word for word in words if word)


def run_api_schema_diff(base_path: Path, head_path: Path) -> tuple[list[Finding], list[Finding]]:
    """api-schema-diff's breaking and non-breaking findings (its CLI, as CI would run it)."""
    command = [sys.executable, "-m", "schema_diff.cli", "--format", "json", "--no-fail-on-breaking"]
    completed = subprocess.run(
        [*command, str(base_path), str(head_path)],
        capture_output=True,
        text=True,
        check=False,
        env=_tool_environment(),
    )
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError as error:
        message = f"api-schema-diff failed (exit {completed.returncode}): {error}\n{_stderr_tail(completed.stderr)}"
        raise ToolError(message) from error

    def findings(entries: list[dict[str, Any]]) -> list[Finding]:
        return [
            Finding("api-schema-diff", str(entry.get("type")), str(entry.get("path")), str(entry.get("message")))
            for entry in entries
        ]

    breaking = findings(report.get("breaking", []))
    narrowed = [finding for finding in breaking if _response_field_became_required(finding)]
    others = [finding for finding in breaking if finding not in narrowed]
    return others, narrowed + findings(report.get("non_breaking", []))


# `operations.GET /v1/users/me.responses.200.schema.required.nickname`: a response field that became required.
_RESPONSE_REQUIRED = re.compile(r"^operations\.[A-Z]+ [^ ]*?\.responses\.[^.]+\.schema\..*required\.[^.]+$")


def _response_field_became_required(finding: Finding) -> bool:
    """api-schema-diff rates `required` added as breaking in either direction; in a response it only promises more.
    (A field added to a closed response object is breaking: the own checks report that.)"""
    return finding.rule == "required_change" and bool(_RESPONSE_REQUIRED.match(finding.where))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=Path, help="the published spec (default: the newest in --published-dir)")
    parser.add_argument("--head", type=Path, default=SPEC_PATH, help="the spec to check (default: openapi.yaml)")
    parser.add_argument("--published-dir", type=Path, default=PUBLISHED_DIR, help="default: api/published")
    parser.add_argument("--json-report", type=Path, help="also write the result as JSON here")
    arguments = parser.parse_args(argv)
    try:
        base_path = arguments.base or latest_published(arguments.published_dir)
        if base_path is None:
            print(f"Breaking-change gate: nothing is published in {arguments.published_dir} yet; nothing to compare.")
            return 0
        result = evaluate(base_path, arguments.head)
    except (SpecError, ToolError) as error:
        print(f"Breaking-change gate could not run: {error}", file=sys.stderr)
        return 2
    print(result.explain())
    if arguments.json_report is not None:
        arguments.json_report.parent.mkdir(parents=True, exist_ok=True)
        arguments.json_report.write_text(json.dumps(result.to_json(), indent=2) + "\n", encoding="utf-8")
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
