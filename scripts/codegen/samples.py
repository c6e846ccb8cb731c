"""Sample values for a schema: the document's own examples first, else data made from the schema (types, formats,
bounds, patterns, enums, compositions). Deterministic: the same schema always gives the same value."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

Resolve = Callable[[Any], Any]
_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "12:00:00Z",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uri-reference": "/example",
    "iri": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "AAAA",
    "binary": "AAAA",
    "duration": "P1D",
    "password": "secret-password",
}
_SETTINGS = settings(max_examples=300, database=None, suppress_health_check=list(HealthCheck), deadline=None)


def _pattern(pattern: str, low: int, high: int) -> str | None:
    try:
        return str(
            find(
                st.from_regex(pattern, fullmatch=True),
                lambda s: low <= len(s) <= high,
                settings=_SETTINGS,
                random=random.Random(0),  # noqa: S311 (sample data, not secrets)
            )
        )
    except (NoSuchExample, Exception):
        return None


def _string(schema: dict[str, Any]) -> str:
    low = int(schema.get("minLength", 0))
    high = int(schema.get("maxLength", max(low, 20)))
    if "pattern" in schema:
        found = _pattern(str(schema["pattern"]), low, high)
        if found is not None:
            return found
    fmt = schema.get("format")
    if fmt in _FORMATS and low <= len(_FORMATS[fmt]) <= high:
        return _FORMATS[fmt]
    text = "string"
    if len(text) < low:
        text = text + "x" * (low - len(text))
    return text[:high]


def _number(schema: dict[str, Any], integer: bool) -> int | float:
    low = schema.get("minimum")
    high = schema.get("maximum")
    ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if isinstance(ex_low, bool):
        ex_low = low if ex_low else None
    if isinstance(ex_high, bool):
        ex_high = high if ex_high else None
    step = schema.get("multipleOf")
    value: float = 1
    if low is not None:
        value = max(value, low)
    if ex_low is not None and value <= ex_low:
        value = ex_low + (1 if integer else 0.5)
    if high is not None:
        value = min(value, high)
    if ex_high is not None and value >= ex_high:
        value = ex_high - (1 if integer else 0.5)
    if step:
        value = (value // step) * step
        if (low is not None and value < low) or (ex_low is not None and value <= ex_low):
            value += step
    return int(value) if integer else float(value)


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    return [k for k in kinds if k != "null"] or (["null"] if kinds else [])


def sample(schema: Any, resolve: Resolve, *, depth: int = 0, use_examples: bool = True) -> Any:
    schema = resolve(schema)
    if not isinstance(schema, dict):
        return None
    if use_examples:
        if "example" in schema:
            return schema["example"]
        examples = schema.get("examples")
        if isinstance(examples, list) and examples:
            return examples[0]
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return next((v for v in schema["enum"] if v is not None), schema["enum"][0])
    if "default" in schema and use_examples:
        return schema["default"]
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = sample(part, resolve, depth=depth + 1, use_examples=use_examples)
            if isinstance(value, dict):
                merged.update(value)
        own = {k: v for k, v in schema.items() if k != "allOf"}
        if own.get("properties") or own.get("required"):
            value = sample(own, resolve, depth=depth + 1, use_examples=use_examples)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            chosen = sample(schema[key][0], resolve, depth=depth + 1, use_examples=use_examples)
            discriminator = schema.get("discriminator") or {}
            prop = discriminator.get("propertyName")
            if prop and isinstance(chosen, dict):
                mapping = discriminator.get("mapping") or {}
                ref = schema[key][0].get("$ref", "") if isinstance(schema[key][0], dict) else ""
                tag = next((k for k, v in mapping.items() if v == ref), ref.rsplit("/", 1)[-1] or None)
                if tag is not None and prop not in chosen:
                    chosen[prop] = tag
            return chosen
    kinds = _types(schema)
    kind = kinds[0] if kinds else ("object" if "properties" in schema else "string" if not schema else None)
    if kind == "object" or (kind is None and "properties" in schema):
        required = set(schema.get("required") or [])
        found: dict[str, Any] = {}
        for name, sub in (schema.get("properties") or {}).items():
            resolved = resolve(sub)
            if isinstance(resolved, dict) and resolved.get("readOnly") is True and name not in required and depth:
                continue
            if name in required or depth < 3:
                found[name] = sample(sub, resolve, depth=depth + 1, use_examples=use_examples)
        return found
    if kind == "array":
        items = schema.get("items") or {}
        count = max(int(schema.get("minItems", 1 if depth < 4 else 0)), 0)
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]))
        return [sample(items, resolve, depth=depth + 1, use_examples=use_examples) for _ in range(count)]
    if kind == "integer":
        return _number(schema, integer=True)
    if kind == "number":
        return _number(schema, integer=False)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _string(schema)
