"""What an OpenAPI document promises, reduced to comparable shapes.

Used by the gate's own checks (what both diff tools miss), by the documentation-only test that allows a patch bump,
and by the changelog (operations, parameters, fields, responses and headers added or removed).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Keywords that only document: changing them changes no request or response a client can send or receive.
DOCUMENTATION_KEYS = frozenset({"description", "summary", "title", "example", "examples", "externalDocs"})

# Mappings whose keys are names chosen by the author (a property called `description`, a header, a status code),
# not keywords: their keys are never stripped as documentation.
NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "dependentSchemas",
        "$defs",
        "definitions",
        "paths",
        "webhooks",
        "schemas",
        "responses",
        "parameters",
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
        "content",
        "encoding",
        "variables",
        "scopes",
        "mapping",
    }
)

# Nesting deeper than this is not walked for field names (the specs here nest five levels at most).
_MAX_FIELD_DEPTH = 12


def without_version(document: dict[str, Any]) -> dict[str, Any]:
    """The document with info.version removed: two specs that differ only there promise the same API."""
    stripped = copy.deepcopy(document)
    info = stripped.get("info")
    if isinstance(info, dict):
        info.pop("version", None)
    return stripped


def strip_documentation(node: Any, *, in_name_map: bool = False) -> Any:
    """A copy of node without documentation keywords (and without info apart from what identifies the API)."""
    if isinstance(node, list):
        return [strip_documentation(item) for item in node]
    if not isinstance(node, dict):
        return node
    stripped: dict[str, Any] = {}
    for key, value in node.items():
        if not in_name_map and key in DOCUMENTATION_KEYS:
            continue
        # A name map's values are keyword mappings again (a schema, a response); a keyword's value may be a name map.
        stripped[key] = strip_documentation(value, in_name_map=not in_name_map and key in NAME_MAPS)
    return stripped


def documentation_only_change(base: dict[str, Any], head: dict[str, Any]) -> bool:
    """True when the two documents differ only in documentation keywords, info (title, contact...) and version."""
    base_body = {key: value for key, value in base.items() if key != "info"}
    head_body = {key: value for key, value in head.items() if key != "info"}
    return bool(strip_documentation(base_body) == strip_documentation(head_body))


class Resolver:
    """Follows local `$ref`s (`#/components/...`); siblings of a `$ref` (OpenAPI 3.1) override the target's keys."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document

    def resolve(self, node: Any) -> Any:
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            reference = node["$ref"]
            if reference in seen or not reference.startswith("#/"):
                return node  # a cycle or an external reference: leave it as it is
            seen.add(reference)
            target = self._lookup(reference)
            siblings = {key: value for key, value in node.items() if key != "$ref"}
            node = {**target, **siblings} if isinstance(target, dict) else target
        return node

    def _lookup(self, reference: str) -> Any:
        node: Any = self._document
        for raw_part in reference[2:].split("/"):
            part = raw_part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node


@dataclass(frozen=True)
class ParameterShape:
    location: str
    name: str
    required: bool
    default: Any = None
    has_default: bool = False


@dataclass(frozen=True)
class ResponseShape:
    # lower-cased header name -> (name as written, required)
    headers: dict[str, tuple[str, bool]]
    # media type -> field paths such as `items[].author.full_name`
    fields: dict[str, frozenset[str]]
    # media type -> field path -> the path of the object holding it (`items[].author`; "" for the top level)
    field_parents: dict[str, dict[str, str]] = field(default_factory=dict)
    # media type -> paths of the objects that are closed (`additionalProperties` or `unevaluatedProperties` false)
    closed_objects: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class OperationShape:
    key: str  # "GET /v1/items"
    operation_id: str | None
    summary: str | None
    parameters: dict[str, ParameterShape]  # "query limit" -> shape
    request_fields: dict[str, frozenset[str]]  # media type -> field paths
    # "application/json status" -> default value, for every request body field that documents one
    request_defaults: dict[str, Any] = field(default_factory=dict)
    responses: dict[str, ResponseShape] = field(default_factory=dict)


def operation_shapes(document: dict[str, Any]) -> dict[str, OperationShape]:
    resolver = Resolver(document)
    shapes: dict[str, OperationShape] = {}
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return shapes
    for path, raw_item in paths.items():
        path_item = resolver.resolve(raw_item)
        if not isinstance(path_item, dict):
            continue
        shared_parameters = _parameters(resolver, path_item.get("parameters"))
        for method in HTTP_METHODS:
            operation = path_item.get(method)
            if not isinstance(operation, dict):
                continue
            key = f"{method.upper()} {path}"
            request_fields, request_defaults = _request_body(resolver, operation.get("requestBody"))
            shapes[key] = OperationShape(
                key=key,
                operation_id=_text(operation.get("operationId")),
                summary=_text(operation.get("summary")),
                parameters={**shared_parameters, **_parameters(resolver, operation.get("parameters"))},
                request_fields=request_fields,
                request_defaults=request_defaults,
                responses=_responses(resolver, operation.get("responses")),
            )
    return shapes


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _parameters(resolver: Resolver, raw: Any) -> dict[str, ParameterShape]:
    parameters: dict[str, ParameterShape] = {}
    for raw_parameter in raw if isinstance(raw, list) else []:
        parameter = resolver.resolve(raw_parameter)
        if not isinstance(parameter, dict):
            continue
        location, name = parameter.get("in"), parameter.get("name")
        if not isinstance(location, str) or not isinstance(name, str):
            continue
        schema = resolver.resolve(parameter.get("schema"))
        has_default = isinstance(schema, dict) and "default" in schema
        # Header names are case-insensitive (RFC 9110); the others are not.
        key = f"{location} {name.lower() if location == 'header' else name}"
        parameters[key] = ParameterShape(
            location=location,
            name=name,
            required=bool(parameter.get("required", False)),
            default=schema["default"] if has_default else None,
            has_default=has_default,
        )
    return parameters


def _request_body(resolver: Resolver, raw: Any) -> tuple[dict[str, frozenset[str]], dict[str, Any]]:
    body = resolver.resolve(raw)
    fields: dict[str, frozenset[str]] = {}
    defaults: dict[str, Any] = {}
    if not isinstance(body, dict):
        return fields, defaults
    for media_type, media in _media_types(resolver, body):
        walker = _FieldWalker(resolver)
        walker.walk(media.get("schema"), "", 0)
        fields[media_type] = frozenset(walker.fields)
        defaults.update({f"{media_type} {name}": value for name, value in walker.defaults.items()})
    return fields, defaults


def _responses(resolver: Resolver, raw: Any) -> dict[str, ResponseShape]:
    responses: dict[str, ResponseShape] = {}
    for status, raw_response in raw.items() if isinstance(raw, dict) else []:
        response = resolver.resolve(raw_response)
        if not isinstance(response, dict):
            continue
        headers: dict[str, tuple[str, bool]] = {}
        raw_headers = response.get("headers")
        for name, raw_header in raw_headers.items() if isinstance(raw_headers, dict) else []:
            header = resolver.resolve(raw_header)
            required = isinstance(header, dict) and bool(header.get("required", False))
            headers[str(name).lower()] = (str(name), required)
        fields: dict[str, frozenset[str]] = {}
        parents: dict[str, dict[str, str]] = {}
        closed: dict[str, frozenset[str]] = {}
        for media_type, media in _media_types(resolver, response):
            walker = _FieldWalker(resolver)
            walker.walk(media.get("schema"), "", 0)
            fields[media_type] = frozenset(walker.fields)
            parents[media_type] = walker.parents
            closed[media_type] = frozenset(walker.closed_objects)
        responses[str(status)] = ResponseShape(headers, fields, parents, closed)
    return responses


def _media_types(resolver: Resolver, owner: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    content = owner.get("content")
    if not isinstance(content, dict):
        return []
    resolved = ((str(media_type), resolver.resolve(media)) for media_type, media in content.items())
    return [(media_type, media) for media_type, media in resolved if isinstance(media, dict)]


class _FieldWalker:
    """Collects the dotted field paths of a schema (through `$ref`, `allOf`/`oneOf`/`anyOf` and array items)."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        self.fields: set[str] = set()
        self.parents: dict[str, str] = {}
        self.closed_objects: set[str] = set()
        self.defaults: dict[str, Any] = {}

    def walk(self, raw_schema: Any, prefix: str, depth: int) -> None:
        schema = self._resolver.resolve(raw_schema)
        if not isinstance(schema, dict) or depth > _MAX_FIELD_DEPTH:
            return
        if schema.get("additionalProperties") is False or schema.get("unevaluatedProperties") is False:
            self.closed_objects.add(prefix)
        for combinator in ("allOf", "oneOf", "anyOf"):
            for member in schema.get(combinator) or []:
                self.walk(member, prefix, depth + 1)
        properties = schema.get("properties")
        for name, raw_property in properties.items() if isinstance(properties, dict) else []:
            path = f"{prefix}.{name}" if prefix else str(name)
            self.fields.add(path)
            self.parents[path] = prefix
            resolved = self._resolver.resolve(raw_property)
            if isinstance(resolved, dict) and "default" in resolved:
                self.defaults[path] = resolved["default"]
            self.walk(raw_property, path, depth + 1)
        if "items" in schema:
            self.walk(schema["items"], f"{prefix}[]", depth + 1)
