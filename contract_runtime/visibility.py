"""readOnly and writeOnly: members the spec says never travel one way.

A `writeOnly` property "SHOULD NOT be sent as part of the response", a `readOnly` one not as part of a request
(OpenAPI 3.x, Schema Object). Models are shared by both directions, so an implementation may well hold such a
member (a card's security code it was sent); the runtime leaves it out of what it sends.
"""

from collections.abc import Mapping
from typing import Any

from contract_runtime import text
from contract_runtime.contract import Schema


def _members(schema: Schema, registry: Mapping[str, Schema], depth: int = 0) -> dict[str, list[Schema]]:
    """Every schema a member of an object may be described by: own and allOf properties, and those of each
    oneOf/anyOf alternative."""
    if depth > 32:
        return {}
    resolved = text.resolve(schema, registry)
    found: dict[str, list[Schema]] = {}
    for name, sub in resolved.get("properties", {}).items():
        found.setdefault(name, []).append(sub)
    for part in [*resolved.get("allOf", ()), *text.alternatives(resolved)]:
        for name, subs in _members(part, registry, depth + 1).items():
            found.setdefault(name, []).extend(subs)
    return found


def _hidden(subs: list[Schema], flag: str, registry: Mapping[str, Schema]) -> bool:
    """Hidden when every schema that declares the member marks it (on the $ref or on what it points at)."""
    return bool(subs) and all(sub.get(flag) is True or text.resolve(sub, registry).get(flag) is True for sub in subs)


_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
_SUBSCHEMAS = frozenset({"items", "prefixItems", "additionalProperties", "allOf", "oneOf", "anyOf", "not", "contains"})
_MENTIONS: dict[tuple[int, int, str], tuple[Schema, Mapping[str, Schema], bool]] = {}


def mentions(schema: Schema, registry: Mapping[str, Schema], flag: str) -> bool:
    """Whether any schema reachable from `schema` (through $ref, properties, items, compositions) sets `flag`:
    when none does, `without` would return its value unchanged, and walking the value can be skipped.
    Remembered per schema (the contracts' schemas live as long as the process; the entry keeps them alive)."""
    key = (id(schema), id(registry), flag)
    found = _MENTIONS.get(key)
    if found is None:
        found = (schema, registry, _mentions(schema, registry, flag, set()))
        _MENTIONS[key] = found
    return found[2]


def _mentions(schema: Any, registry: Mapping[str, Schema], flag: str, seen: set[str]) -> bool:
    if isinstance(schema, list):
        return any(_mentions(part, registry, flag, seen) for part in schema)
    if not isinstance(schema, Mapping):
        return False
    if schema.get(flag) is True:
        return True
    reference = schema.get("$ref")
    if isinstance(reference, str) and reference not in seen:
        seen.add(reference)
        if _mentions(text.resolve({"$ref": reference}, registry), registry, flag, seen):
            return True
    for key, sub in schema.items():
        if key in _SCHEMA_MAPS and isinstance(sub, Mapping):
            parts: list[Any] = list(sub.values())
        elif key in _SUBSCHEMAS:
            parts = [sub]
        else:
            continue
        if any(_mentions(part, registry, flag, seen) for part in parts):
            return True
    return False


def without(value: Any, schema: Schema, registry: Mapping[str, Schema], flag: str, depth: int = 0) -> Any:
    """`value` (JSON-like) without the members its schema marks with `flag` ("readOnly" or "writeOnly")."""
    if depth > 64 or not schema:
        return value
    if isinstance(value, dict):
        members = _members(schema, registry)
        extra = text.resolve(schema, registry).get("additionalProperties")
        kept: dict[str, Any] = {}
        for name, item in value.items():
            subs = members.get(name, [])
            if _hidden(subs, flag, registry):
                continue
            sub = subs[0] if subs else (extra if isinstance(extra, Mapping) else {})
            kept[name] = without(item, sub, registry, flag, depth + 1)
        return kept
    if isinstance(value, list):
        items = text.item_schema(schema, registry)
        return [without(item, items, registry, flag, depth + 1) for item in value]
    return value
