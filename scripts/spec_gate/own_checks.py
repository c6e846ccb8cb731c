"""The gate's own checks: breaking changes that neither `redocly diff` nor `api-schema-diff` reports.

Each was tried on both tools (fixtures in tests/breaking/test_breaking_gate.py):
- a response header that became optional;
- a request default that changed or was removed;
- a property added to a closed response object (`additionalProperties` or `unevaluatedProperties` false): a client
  validating against the old schema refuses the new member. Open objects may grow: clients ignore unknown members;
- a limit in `x-request-limits` lowered or removed: requests that were valid start failing with 413 or 400;
- a security scheme whose client side changed: OAuth2 flows removed, `tokenUrl`, `refreshUrl` or `authorizationUrl`
  moved or dropped, scopes removed; the scheme removed or its type, HTTP scheme, API key location or OpenID
  Connect URL changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from scripts.spec_gate import structure


@dataclass(frozen=True)
class Finding:
    source: str  # "redocly diff", "api-schema-diff" or "own check"
    rule: str
    where: str
    message: str

    def line(self) -> str:
        return f"[{self.source}: {self.rule}] {self.where}: {self.message}"


def own_checks(base: dict[str, Any], head: dict[str, Any]) -> list[Finding]:
    """Every breaking change the two tools miss, in a stable order."""
    return [*_operation_checks(base, head), *_request_limit_checks(base, head), *_security_scheme_checks(base, head)]


def own_additions(base: dict[str, Any], head: dict[str, Any]) -> list[Finding]:
    """Compatible changes neither tool lists, so that the explanation names them: OAuth2 scopes added."""
    findings: list[Finding] = []
    old_schemes, new_schemes = _security_schemes(base), _security_schemes(head)
    for name in sorted(old_schemes.keys() & new_schemes.keys()):
        old_flows, new_flows = _mapping(old_schemes[name].get("flows")), _mapping(new_schemes[name].get("flows"))
        for flow_name in sorted(old_flows.keys() & new_flows.keys()):
            old_scopes = _mapping(_mapping(old_flows[flow_name]).get("scopes"))
            added = sorted(_mapping(_mapping(new_flows[flow_name]).get("scopes")).keys() - old_scopes.keys())
            if added:
                where = f"components/securitySchemes/{name}/flows/{flow_name}"
                message = "scopes added: " + ", ".join(f"`{scope}`" for scope in added)
                findings.append(_finding("oauth2-scopes-added", where, message))
    return findings


# What an opaque value's schema may change without breaking anyone: its format (see accepted_change).
OPAQUE_FORMAT_KEYWORDS = frozenset({"pattern", "maxLength", "minLength"})


def accepted_change(change: dict[str, Any], base: dict[str, Any], head: dict[str, Any]) -> Finding | None:
    """A change redocly rates breaking that the gate accepts deliberately, as a finding to list; else None.

    - The format (`pattern`, `maxLength`, `minLength`) of a string the new spec marks `x-opaque: true`: clients
      may only send back a value the server made, unchanged, so its format is not theirs to rely on. Only those
      three keywords, only on a string schema, and only where `x-opaque` is in the new spec at that very schema.
    - A server redocly calls removed whose `url` the new spec still lists (its description changed).
    """
    pointer = str(change.get("path", ""))
    keyword = change.get("property")
    rules = {str(verdict.get("ruleId")) for verdict in change.get("verdicts", [])}
    if (
        change.get("kind") == "modified"
        and keyword in OPAQUE_FORMAT_KEYWORDS
        and rules <= {"schema-constraint-changed"}
    ):
        schema = _at_pointer(head, pointer)
        if isinstance(schema, dict) and schema.get("x-opaque") is True and _is_string(schema):
            was, now = _value_of(change.get("base")), _value_of(change.get("revision"))
            message = f"`{keyword}` of an `x-opaque` string changed from {was} to {now}: its format is not promised"
            return _finding("opaque-format-changed", pointer.removeprefix("#/"), message)
    if change.get("kind") == "removed" and rules == {"server-removed"} and pointer.startswith("#/servers/"):
        old = _value_of_raw(change.get("base"))
        urls = {server.get("url") for server in head.get("servers") or [] if isinstance(server, dict)}
        if isinstance(old, dict) and old.get("url") in urls:
            message = f"server `{old.get('url')}` is still listed; its description changed"
            return _finding("server-description-changed", pointer.removeprefix("#/"), message)
    return None


def _at_pointer(document: dict[str, Any], pointer: str) -> Any:
    """The node at a JSON pointer into `document`, following local `$ref`s on the way (redocly's change paths run
    through referenced parameters and schemas)."""
    resolver = structure.Resolver(document)
    node: Any = resolver.resolve(document)
    for raw_part in pointer.removeprefix("#/").split("/") if pointer.startswith("#/") else []:
        part = raw_part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = resolver.resolve(node[part])
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = resolver.resolve(node[int(part)])
        else:
            return None
    return node


def _is_string(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "string" or (isinstance(kind, list) and "string" in kind)


def _value_of_raw(side: Any) -> Any:
    return side.get("value") if isinstance(side, dict) else None


def _value_of(side: Any) -> str:
    value = _value_of_raw(side)
    return "(none)" if value is None else f"`{json.dumps(value)}`"


def _finding(rule: str, where: str, message: str) -> Finding:
    return Finding("own check", rule, where, message)


def _operation_checks(base: dict[str, Any], head: dict[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    base_operations, head_operations = structure.operation_shapes(base), structure.operation_shapes(head)
    for key in sorted(base_operations.keys() & head_operations.keys()):
        old, new = base_operations[key], head_operations[key]
        for status in sorted(old.responses.keys() & new.responses.keys()):
            before, after = old.responses[status], new.responses[status]
            for header in sorted(before.headers.keys() & after.headers.keys()):
                name, was_required = before.headers[header]
                if was_required and not after.headers[header][1]:
                    message = f"response header `{name}` is no longer required: clients relying on it break"
                    findings.append(_finding("response-header-became-optional", f"{key} {status}", message))
            findings += _fields_added_to_closed_objects(f"{key} response {status}", before, after)
        for parameter_key in sorted(old.parameters.keys() & new.parameters.keys()):
            was, now = old.parameters[parameter_key], new.parameters[parameter_key]
            if was.has_default and (not now.has_default or was.default != now.default):
                where = f"{key} parameter {was.location} `{was.name}`"
                findings.append(_default_finding(where, was.default, now.default, now.has_default))
        for field_key in sorted(old.request_defaults.keys() & _present_fields(new)):
            if (
                field_key not in new.request_defaults
                or old.request_defaults[field_key] != new.request_defaults[field_key]
            ):
                media_type, _, name = field_key.partition(" ")
                where = f"{key} request body ({media_type}) field `{name}`"
                findings.append(
                    _default_finding(
                        where,
                        old.request_defaults[field_key],
                        new.request_defaults.get(field_key),
                        field_key in new.request_defaults,
                    )
                )
    return findings


def _fields_added_to_closed_objects(
    where: str, before: structure.ResponseShape, after: structure.ResponseShape
) -> list[Finding]:
    """New response members in objects the old schema closed: what an old client's validation refuses."""
    findings: list[Finding] = []
    for media_type in sorted(before.fields.keys() & after.fields.keys()):
        closed = before.closed_objects.get(media_type, frozenset())
        parents = after.field_parents.get(media_type, {})
        for name in sorted(after.fields[media_type] - before.fields[media_type]):
            parent = parents.get(name)
            if parent is not None and parent in closed:
                owner = f"`{parent}`" if parent else "the top-level object"
                message = (
                    f"field `{name}` was added to {owner}, which the published schema closes "
                    "(additionalProperties: false): clients validating against it refuse the new member"
                )
                findings.append(_finding("field-added-to-closed-response", f"{where} ({media_type})", message))
    return findings


def _present_fields(operation: structure.OperationShape) -> set[str]:
    return {f"{media_type} {name}" for media_type, names in operation.request_fields.items() for name in names}


def _default_finding(where: str, old: Any, new: Any, still_has_default: bool) -> Finding:
    if still_has_default:
        message = (
            f"default changed from {json.dumps(old)} to {json.dumps(new)}: clients omitting it get other behaviour"
        )
        return _finding("request-default-changed", where, message)
    message = f"default {json.dumps(old)} was removed: what omitting it does is no longer promised"
    return _finding("request-default-removed", where, message)


def _request_limit_checks(base: dict[str, Any], head: dict[str, Any]) -> list[Finding]:
    """Each `x-request-limits` entry is a maximum the server promises to accept: lowering one refuses valid requests."""
    old, new = _mapping(base.get("x-request-limits")), _mapping(head.get("x-request-limits"))
    findings: list[Finding] = []
    for name in sorted(old):
        where = f"x-request-limits `{name}`"
        if name not in new:
            message = f"the limit {json.dumps(old[name])} was removed: what a request may carry is no longer promised"
            findings.append(_finding("request-limit-removed", where, message))
            continue
        was, now = _number(old[name]), _number(new[name])
        if (was is None or now is None) and old[name] != new[name]:
            message = f"changed from {json.dumps(old[name])} to {json.dumps(new[name])}: not comparable as numbers"
            findings.append(_finding("request-limit-changed", where, message))
        elif was is not None and now is not None and now < was:
            message = (
                f"lowered from {json.dumps(old[name])} to {json.dumps(new[name])}: requests that were valid "
                "are now refused (413 or 400)"
            )
            findings.append(_finding("request-limit-lowered", where, message))
    return findings


def _mapping(value: Any) -> dict[str, Any]:
    return {str(key): item for key, item in value.items()} if isinstance(value, dict) else {}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


# Per scheme type, the keywords a client uses to obtain or send credentials (compared case-sensitively, except
# the HTTP scheme, which RFC 9110 makes case-insensitive).
_SCHEME_KEYWORDS = {
    "http": ("scheme",),
    "apiKey": ("in", "name"),
    "openIdConnect": ("openIdConnectUrl",),
}
_FLOW_URLS = ("authorizationUrl", "tokenUrl", "refreshUrl")


def _security_scheme_checks(base: dict[str, Any], head: dict[str, Any]) -> list[Finding]:
    """Changes to a security scheme that clients (and SDKs generated from the spec) authenticate with."""
    old_schemes, new_schemes = _security_schemes(base), _security_schemes(head)
    findings: list[Finding] = []
    for name in sorted(old_schemes):
        where = f"components/securitySchemes/{name}"
        old = old_schemes[name]
        if name not in new_schemes:
            message = f"security scheme `{name}` was removed: clients authenticating with it break"
            findings.append(_finding("security-scheme-removed", where, message))
            continue
        new = new_schemes[name]
        if old.get("type") != new.get("type"):
            message = f"type changed from {json.dumps(old.get('type'))} to {json.dumps(new.get('type'))}"
            findings.append(_finding("security-scheme-changed", where, message))
            continue
        for keyword in _SCHEME_KEYWORDS.get(str(old.get("type")), ()):
            before, after = old.get(keyword), new.get(keyword)
            if keyword == "scheme" and isinstance(before, str) and isinstance(after, str):
                before, after = before.lower(), after.lower()
            if before != after:
                message = f"`{keyword}` changed from {json.dumps(before)} to {json.dumps(after)}"
                findings.append(_finding("security-scheme-changed", where, message))
        if old.get("type") == "oauth2":
            findings += _oauth2_flow_checks(where, _mapping(old.get("flows")), _mapping(new.get("flows")))
    return findings


def _security_schemes(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    resolver = structure.Resolver(document)
    components = _mapping(document.get("components"))
    schemes = {name: resolver.resolve(scheme) for name, scheme in _mapping(components.get("securitySchemes")).items()}
    return {name: scheme for name, scheme in schemes.items() if isinstance(scheme, dict)}


def _oauth2_flow_checks(where: str, old_flows: dict[str, Any], new_flows: dict[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    for flow_name in sorted(old_flows):
        flow_where = f"{where}/flows/{flow_name}"
        if flow_name not in new_flows:
            message = f"the `{flow_name}` flow was removed: clients obtaining tokens with it break"
            findings.append(_finding("oauth2-flow-removed", flow_where, message))
            continue
        old, new = _mapping(old_flows[flow_name]), _mapping(new_flows[flow_name])
        for keyword in _FLOW_URLS:
            if keyword in old and old[keyword] != new.get(keyword):
                change = f"moved to {json.dumps(new[keyword])}" if keyword in new else "was removed"
                message = f"`{keyword}` {json.dumps(old[keyword])} {change}: clients built from the old spec call it"
                findings.append(_finding("oauth2-flow-url-changed", flow_where, message))
        removed_scopes = sorted(_mapping(old.get("scopes")).keys() - _mapping(new.get("scopes")).keys())
        if removed_scopes:
            listed = ", ".join(f"`{scope}`" for scope in removed_scopes)
            message = f"scopes removed: {listed}: clients requesting them are refused"
            findings.append(_finding("oauth2-scopes-removed", flow_where, message))
    return findings
