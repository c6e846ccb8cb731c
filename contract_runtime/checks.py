"""Request checks for what Pydantic cannot express: the body size and JSON nesting limits, clean text (no NUL,
no unpaired surrogates) and `uniqueItems`."""

import json
import re
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request

from contract_runtime.params import DATE_PATTERN, DATE_TIME_PATTERN
from contract_runtime.refusals import Refusal


async def read_limited_body(request: Request, limit: int | None) -> bytes:
    """The whole body; 413 for one over `limit` bytes, refused from Content-Length up front or while streaming."""
    too_large = Refusal(413, f"The request body is larger than {limit} bytes.")
    declared = request.headers.get("content-length")
    if limit is not None and declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if limit is not None and received > limit:
            raise too_large
        chunks.append(chunk)
    body = b"".join(chunks)
    # Starlette's documented cache of the body: form and multipart parsing read it from here.
    request._body = body
    return body


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def check_json_depth(body: bytes, limit: int) -> None:
    """400 for JSON nesting deeper than `limit`, before any parser recurses into it."""
    depth = 0
    for bracket in _JSON_STRING.sub(b'""', body).translate(None, _NOT_A_BRACKET):
        depth += 1 if bracket in b"[{" else -1
        if depth > limit:
            raise Refusal(400, f"The JSON body nests more than {limit} levels deep.")


def text_errors(value: Any, path: tuple[str | int, ...], out: list[dict[str, Any]]) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            out.append({"loc": ("body", *path), "msg": "NUL characters are not allowed", "type": "string_nul"})
        elif any("\ud800" <= ch <= "\udfff" for ch in value):
            message = "Unpaired UTF-16 surrogates are not allowed"
            out.append({"loc": ("body", *path), "msg": message, "type": "string_surrogate"})
    elif isinstance(value, dict):
        for key, item in value.items():
            found = len(out)
            text_errors(key, path, out)
            if len(out) == found:  # a key that is not clean text must not end up in an error's JSON pointer
                text_errors(item, (*path, key), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            text_errors(item, (*path, index), out)


def unique_errors(payload: Any, paths: tuple[tuple[str, ...], ...], out: list[dict[str, Any]]) -> None:
    for path in paths:
        node: Any = payload
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, list):
            seen: list[str] = []
            for entry in node:
                key = json.dumps(entry, sort_keys=True)
                if key in seen:
                    out.append({"loc": ("body", *path), "msg": "Items must be unique", "type": "unique_items"})
                    break
                seen.append(key)


_DATE_FORMATS = {"date": DATE_PATTERN, "date-time": DATE_TIME_PATTERN}
_INTEGER_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def format_errors(
    value: Any,
    schema: Mapping[str, Any],
    registry: Mapping[str, Mapping[str, Any]],
    path: tuple[str | int, ...],
    out: list[dict[str, Any]],
    depth: int = 0,
) -> None:
    """What Pydantic's lax numbers let through: booleans and strings for numbers, and integers out of their
    `format`'s range (int32, int64)."""
    while "$ref" in schema and depth < 64:
        schema = registry.get(str(schema["$ref"]), {})
        depth += 1
    if depth > 64:
        return
    for part in schema.get("allOf", ()):
        format_errors(value, part, registry, path, out, depth + 1)
    alternatives = [*schema.get("oneOf", ()), *schema.get("anyOf", ())]
    if alternatives:
        # Errors only when no alternative holds: the first alternative's then.
        found: list[list[dict[str, Any]]] = []
        for part in alternatives:
            errors: list[dict[str, Any]] = []
            format_errors(value, part, registry, path, errors, depth + 1)
            if not errors:
                break
            found.append(errors)
        else:
            out.extend(found[0])
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else []
    numeric = ("integer" in kinds or "number" in kinds) and "string" not in kinds
    if numeric and isinstance(value, bool | str) and not ("boolean" in kinds and isinstance(value, bool)):
        out.append({"loc": ("body", *path), "msg": "Input should be a number", "type": "number_type"})
        return
    fmt = schema.get("format")
    if (
        fmt in _DATE_FORMATS
        and kinds == ["string"]
        and not (isinstance(value, str) and _DATE_FORMATS[fmt].fullmatch(value))
    ):
        out.append({"loc": ("body", *path), "msg": f"Input should be an RFC 3339 {fmt}", "type": "date_format"})
        return
    if isinstance(value, int) and not isinstance(value, bool):
        bounds = _INTEGER_FORMATS.get(str(schema.get("format")))
        if bounds is not None and not bounds[0] <= value <= bounds[1]:
            message = f"Value is out of the range of {schema['format']}"
            out.append({"loc": ("body", *path), "msg": message, "type": "int_format_range"})
    elif isinstance(value, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            sub = properties.get(key, extra if isinstance(extra, Mapping) else None)
            if sub is not None:
                format_errors(item, sub, registry, (*path, key), out, depth + 1)
    elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for index, item in enumerate(value):
            format_errors(item, schema["items"], registry, (*path, index), out, depth + 1)
