"""The copy of the spec the docs pages render: the same API, shown for reading.

`/openapi.yaml` (and `/openapi.json`) stay the contract, byte for byte; Swagger UI, Redoc and the standalone
reference (`make docs`) render this copy instead, which differs only in presentation:

- The headers every answer carries (rate limits, CORS, request id, nosniff, no-store) are described once, in the
  API's description, instead of on each of the ~90 responses (which made every operation screens long).
- A pattern with an `x-pattern-message` is shown as that sentence, not as its regular expression (the sentence
  is also what a value breaking the pattern is told in a 422).
- The server is described as the one the page came from (`servers[0].url` stays `/`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Final

__all__ = [
    "COMMON_HEADERS",
    "OFFLINE_REDOCLY_LOGO",
    "REDOCLY_CDN_IMAGES",
    "offline_redoc",
    "presentation",
    "with_origin",
]

# Answer headers described once (in this order) instead of under every response.
COMMON_HEADERS: Final = (
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Access-Control-Allow-Origin",
    "X-Request-ID",
    "X-Content-Type-Options",
    "Cache-Control",
)

# The generic rule every text field shares: the API's conventions say it once, so fields do not repeat it.
_NUL_PATTERN: Final = "^[^\\x00]*$"

# Redoc's "API docs by Redocly" badge loads its image from Redocly's CDN; the docs load nothing from elsewhere, so
# the bundles are served with a local, empty image instead (a data: URI, which the pages' policy allows).
REDOCLY_CDN_IMAGES: Final = (
    "https://cdn.redoc.ly/redoc/logo-mini-full.svg",
    "https://cdn.redoc.ly/redoc/logo-mini.svg",
)
OFFLINE_REDOCLY_LOGO: Final = "data:image/svg+xml,%3Csvg%20xmlns=%27http://www.w3.org/2000/svg%27/%3E"


def offline_redoc(bundle: str) -> str:
    """A Redoc bundle (or a page embedding one) whose badge image is local."""
    for url in REDOCLY_CDN_IMAGES:
        bundle = bundle.replace(url, OFFLINE_REDOCLY_LOGO)
    return bundle


def presentation(document: Mapping[str, Any]) -> dict[str, Any]:
    """The docs' copy of `document` (never the contract itself: see the module docstring)."""
    shown: dict[str, Any] = copy.deepcopy(dict(document))
    components = shown.get("components") or {}
    headers = components.get("headers") or {}
    collapsed = [name for name in COMMON_HEADERS if name in _used_headers(shown)]
    for response in _responses(shown):
        declared = response.get("headers")
        if isinstance(declared, dict):
            for name in collapsed:
                declared.pop(name, None)
            if not declared:
                del response["headers"]
    if collapsed:
        info = shown.setdefault("info", {})
        lines = [
            str(info.get("description", "")).rstrip(),
            "",
            "Headers on every answer",
            "",
            "Each answer below carries these headers too; they are left out of each response to keep the pages "
            "short (the contract, `/openapi.yaml`, declares them on every response):",
        ]
        for name in collapsed:
            header = _resolve(shown, headers.get(name, {}))
            description = " ".join(str(header.get("description", "")).split())
            lines.append(f"- `{name}`: {description}")
        lines += [
            "",
            "These pages show a presentation of the contract; the contract itself is "
            "[`/openapi.yaml`](/openapi.yaml) (also as [`/openapi.json`](/openapi.json)).",
        ]
        info["description"] = "\n".join(lines).lstrip() + "\n"
    _show_pattern_messages(shown, 0)
    for server in shown.get("servers") or []:
        if isinstance(server, dict) and server.get("url") == "/":
            server["description"] = "This server"
    return shown


def with_origin(shown: Mapping[str, Any], origin: str) -> dict[str, Any]:
    """`shown` with its relative server described as `origin`, the address the docs page was loaded from."""
    servers = []
    for server in shown.get("servers") or []:
        if isinstance(server, dict) and server.get("url") == "/":
            server = {**server, "description": f"This server: {origin}"}
        servers.append(server)
    return {**shown, "servers": servers}


def _show_pattern_messages(node: Any, depth: int) -> None:
    if depth > 100:
        return
    if isinstance(node, dict):
        message = node.get("x-pattern-message")
        if isinstance(message, str) and isinstance(node.get("pattern"), str):
            pattern = node.pop("pattern")
            node.pop("x-pattern-message")
            shown = pattern != _NUL_PATTERN and not node.get("x-opaque")
            if shown and not node.get("description") and "$ref" not in node:
                node["description"] = message
        for value in node.values():
            _show_pattern_messages(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            _show_pattern_messages(value, depth + 1)


def _responses(document: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    shared = (document.get("components") or {}).get("responses") or {}
    found += [response for response in shared.values() if isinstance(response, dict)]
    for item in (document.get("paths") or {}).values():
        for operation in item.values() if isinstance(item, dict) else ():
            if isinstance(operation, dict) and isinstance(operation.get("responses"), dict):
                found += [r for r in operation["responses"].values() if isinstance(r, dict) and "$ref" not in r]
    return found


def _used_headers(document: dict[str, Any]) -> set[str]:
    return {
        name for response in _responses(document) for name in (response.get("headers") or {}) if isinstance(name, str)
    }


def _resolve(document: dict[str, Any], node: Any) -> dict[str, Any]:
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
        seen.add(node["$ref"])
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, dict) else {}
        node = target
    return node if isinstance(node, dict) else {}
