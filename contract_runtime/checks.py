"""Request checks for what Pydantic cannot express: the body size and JSON nesting limits, clean text (no NUL,
no unpaired surrogates) and `uniqueItems`."""

import json
import re
from typing import Any

from starlette.requests import Request

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
