"""Request checks that run before the operation, for what Pydantic cannot express: the declared media type, the
body size and JSON nesting limits, clean text (no NUL, no unpaired surrogates) and `uniqueItems`."""

import json
import re
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl

from fastapi.exceptions import RequestValidationError
from starlette.requests import Request

from contract_runtime.contract import OperationContract
from contract_runtime.problems import ProblemError


def _media_type(request: Request) -> str | None:
    content_type = request.headers.get("content-type")
    return content_type.split(";", 1)[0].strip().lower() if content_type is not None else None


def _has_body(request: Request) -> bool:
    return request.headers.get("content-length", "0") != "0" or "transfer-encoding" in request.headers


def _check_media_type(request: Request, contract: OperationContract) -> None:
    """415 unless the body comes as the declared media type (JSON and forms are UTF-8: no other charset)."""
    media_type = _media_type(request)
    if media_type is None and not _has_body(request):
        return  # no body at all: validation names the missing body (422)
    charset = re.search(r";\s*charset\s*=\s*\"?([^\";\s]+)", request.headers.get("content-type", ""), re.IGNORECASE)
    if media_type != contract.body_media_type or (charset is not None and charset.group(1).lower() != "utf-8"):
        raise ProblemError(415, f"The request body must be {contract.body_media_type} (UTF-8).")


async def _read_limited_body(request: Request, limit: int) -> None:
    """413 for a body over `limit` bytes: refused from Content-Length up front, or while streaming in when chunked."""
    too_large = ProblemError(413, f"The request body is larger than {limit} bytes.")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise too_large
        chunks.append(chunk)
    # Starlette's documented cache of the body: FastAPI's body and form parsing read it from here.
    request._body = b"".join(chunks)


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def _check_json_depth(body: bytes, limit: int) -> None:
    """400 for JSON nesting deeper than `limit`, before any parser recurses into it."""
    depth = 0
    for bracket in _JSON_STRING.sub(b'""', body).translate(None, _NOT_A_BRACKET):
        depth += 1 if bracket in b"[{" else -1
        if depth > limit:
            raise ProblemError(400, f"The JSON body nests more than {limit} levels deep.")


def _text_errors(value: Any, path: tuple[str | int, ...], out: list[dict[str, Any]]) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            out.append({"loc": ("body", *path), "msg": "NUL characters are not allowed", "type": "string_nul"})
        elif any("\ud800" <= ch <= "\udfff" for ch in value):
            message = "Unpaired UTF-16 surrogates are not allowed"
            out.append({"loc": ("body", *path), "msg": message, "type": "string_surrogate"})
    elif isinstance(value, dict):
        for key, item in value.items():
            found = len(out)
            _text_errors(key, path, out)
            if len(out) == found:  # a key that is not clean text must not end up in an error's JSON pointer
                _text_errors(item, (*path, key), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _text_errors(item, (*path, index), out)


def _unique_errors(payload: Any, paths: tuple[tuple[str, ...], ...], out: list[dict[str, Any]]) -> None:
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


def _repeated_form_fields(body: bytes) -> list[dict[str, Any]]:
    """A form field sent more than once (form parsing would silently keep the last); RFC 6749 section 3.2 forbids it
    on the token endpoint, and no operation of ours takes a repeated form field."""
    names = Counter(name for name, _ in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    message = "The parameter is sent more than once"
    return [{"loc": ("body", name), "msg": message, "type": "repeated_parameter"} for name, n in names.items() if n > 1]


async def check_body(request: Request, contract: OperationContract) -> None:
    """Every body check the operation's declared statuses allow, in the order that costs the least."""
    if contract.checks_media_type:
        _check_media_type(request, contract)
    if contract.max_body_bytes is not None:
        await _read_limited_body(request, contract.max_body_bytes)
    if contract.body_media_type == "application/x-www-form-urlencoded":
        repeated = _repeated_form_fields(await request.body())
        if repeated:
            raise RequestValidationError(repeated)
    if contract.body_media_type != "application/json":
        return
    body = await request.body()
    if not body:
        return
    if contract.max_json_depth is not None:
        _check_json_depth(body, contract.max_json_depth)
    try:
        payload = await request.json()  # Starlette caches the parsed body: FastAPI reuses it, no second parse
    except ValueError:
        return  # FastAPI reports undecodable JSON itself (400)
    errors: list[dict[str, Any]] = []
    _text_errors(payload, (), errors)
    _unique_errors(payload, contract.unique_item_paths, errors)
    if errors:
        raise RequestValidationError(errors)
