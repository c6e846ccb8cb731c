"""Schema-guided decoding of text (parameters, form fields, multipart parts, XML) into JSON-like values.

Text carries no types: `5` may be an integer or a string. The declared schema says which, so a value is turned
into the type its schema declares when its text is a valid literal of that type; text that is not (`1.0` for an
integer, `yes` for a boolean) becomes `Rejected`, which no validator accepts, so Pydantic reports it
without coercing it (lax mode would read `yes` as true). Pydantic then validates the decoded value exactly as
it validates a JSON body.
"""

import re
from collections.abc import Mapping
from typing import Any

from contract_runtime.contract import Schema

_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class Rejected:
    """What an InvalidText is handed to Pydantic as: an object no field type accepts."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return repr(self.text)


def resolve(schema: Schema, registry: Mapping[str, Schema], depth: int = 0) -> Schema:
    while "$ref" in schema and depth < 32:
        schema = registry.get(str(schema["$ref"]), {})
        depth += 1
    return schema


def types_of(schema: Schema) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        return [str(k) for k in kind]
    return [str(kind)] if kind is not None else []


def alternatives(schema: Schema) -> list[Schema]:
    return [*schema.get("oneOf", ()), *schema.get("anyOf", ())]


def scalar(text: str, schema: Schema, registry: Mapping[str, Schema]) -> Any:
    """One text value as its schema's scalar type, or a rejected marker."""
    schema = resolve(schema, registry)
    subs = alternatives(schema)
    if subs:
        for sub in subs:
            value = scalar(text, sub, registry)
            if not isinstance(value, Rejected):
                return value
        return Rejected(text)
    kinds = types_of(schema)
    if not kinds or "string" in kinds:
        return text
    if "integer" in kinds and _INTEGER.fullmatch(text):
        return int(text)
    if "number" in kinds and _NUMBER.fullmatch(text):
        number = float(text)
        return int(number) if _INTEGER.fullmatch(text) else number
    if "boolean" in kinds and text in ("true", "false"):
        return text == "true"
    if "null" in kinds and text in ("", "null"):
        return None
    return Rejected(text)


def is_array(schema: Schema, registry: Mapping[str, Schema], depth: int = 0) -> bool:
    resolved = resolve(schema, registry)
    if "array" in types_of(resolved):
        return True
    return (
        depth < 16
        and not types_of(resolved)
        and any(is_array(p, registry, depth + 1) for p in resolved.get("allOf", ()))
    )


def is_object(schema: Schema, registry: Mapping[str, Schema], depth: int = 0) -> bool:
    """An object schema: typed so, or untyped with properties, or made of parts that are (allOf)."""
    resolved = resolve(schema, registry)
    if "object" in types_of(resolved) or ("properties" in resolved and not types_of(resolved)):
        return True
    return (
        depth < 16
        and not types_of(resolved)
        and any(is_object(p, registry, depth + 1) for p in resolved.get("allOf", ()))
    )


def item_schema(schema: Schema, registry: Mapping[str, Schema]) -> Schema:
    items = resolve(schema, registry).get("items")
    return items if isinstance(items, Mapping) else {}


def property_schema(schema: Schema, name: str, registry: Mapping[str, Schema]) -> Schema:
    resolved = resolve(schema, registry)
    properties = _all_properties(resolved, registry)
    if name in properties:
        return properties[name]
    extra = resolved.get("additionalProperties")
    return extra if isinstance(extra, Mapping) else {}


def _all_properties(schema: Schema, registry: Mapping[str, Schema]) -> dict[str, Schema]:
    found: dict[str, Schema] = {}
    for part in schema.get("allOf", ()):
        found.update(_all_properties(resolve(part, registry), registry))
    found.update(schema.get("properties", {}))
    return found


def declared_properties(schema: Schema, registry: Mapping[str, Schema]) -> dict[str, Schema]:
    return _all_properties(resolve(schema, registry), registry)


def value(texts: list[str], schema: Schema, registry: Mapping[str, Schema]) -> Any:
    """Values of one field (possibly repeated) decoded by its schema: a list for arrays, else one scalar."""
    if is_array(schema, registry):
        items = item_schema(schema, registry)
        return [scalar(text, items, registry) for text in texts]
    if len(texts) != 1:
        return Rejected(",".join(texts))  # a single value sent several times
    return scalar(texts[0], schema, registry)
