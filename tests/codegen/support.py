"""Helpers for the generator's tests: generate a package, serve a mock on a free port, run schemathesis."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.dbutil import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "tests" / "codegen" / "corpus"
CREDENTIAL = "mock-credential"
SEED = 20261122


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def generate(spec: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts.codegen.generate", "--spec", str(spec), "--out", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@contextlib.contextmanager
def mock_server(spec: Path, log: Path) -> Iterator[str]:
    """`make mock` for `spec` on a free port; yields its base URL once it answers."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scripts.codegen.mock",
                "--spec",
                str(spec),
                "--port",
                str(port),
                "--credential",
                CREDENTIAL,
            ],
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise AssertionError(f"the mock of {spec} exited: {log.read_text()}")
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"the mock of {spec} did not start: {log.read_text()}") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def schemathesis_config(spec: dict[str, Any], path: Path) -> None:
    """Fixed seed, no example database, and the mock's one credential for every declared scheme."""
    lines = [f"seed = {SEED}", "", "[generation]", 'database = "none"', ""]
    for name, scheme in ((spec.get("components") or {}).get("securitySchemes") or {}).items():
        lines.append(f'[auth.openapi."{name}"]')
        kind = scheme.get("type")
        if kind == "apiKey":
            lines.append(f'api_key = "{CREDENTIAL}"')
        elif kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
            lines.extend(['username = "mock"', f'password = "{CREDENTIAL}"'])
        else:
            lines.append(f'bearer = "{CREDENTIAL}"')
        lines.append("")
    path.write_text("\n".join(lines))


def run_schemathesis(spec: Path, url: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    config = workdir / "schemathesis.toml"
    schemathesis_config(yaml.safe_load(spec.read_text()), config)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(config),
            "run",
            str(spec),
            "--url",
            url,
            "--phases",
            "examples,coverage",
            "--workers",
            "1",
            "--report",
            "junit",
            "--report-dir",
            str(workdir),
            "--max-failures",
            "200",
            "--continue-on-failure",
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )


def validator(spec: dict[str, Any], schema: Any) -> Any:
    """A JSON Schema validator (openapi-schema-validator: the OAS 3.0 or 3.1 dialect) for a schema of the bundled
    document `spec`; `#/components/...` references resolve in it."""
    from openapi_schema_validator import OAS30Validator, OAS31Validator

    cls = OAS31Validator if str(spec["openapi"]).startswith("3.1") else OAS30Validator
    root = {"components": spec.get("components") or {}, **(schema if isinstance(schema, dict) else {})}
    return cls(root)


def resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target: Any = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _form_scalar(text: str, schema: Any, spec: dict[str, Any]) -> Any:
    schema = resolve(spec, schema)
    kinds = schema.get("type") if isinstance(schema, dict) else None
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "object" in kinds or (isinstance(schema, dict) and "properties" in schema):
        try:
            return json.loads(text)  # OpenAPI's default contentType for an object in a form: application/json
        except ValueError:
            return text
    if "integer" in kinds and re.fullmatch(r"[+-]?[0-9]+", text):
        return int(text)
    if "number" in kinds and re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?", text):
        return float(text)
    if "boolean" in kinds and text in ("true", "false"):
        return text == "true"
    return text


def decode_form(body: str, schema: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """An application/x-www-form-urlencoded body read by OpenAPI's rules for it (style form, explode: an array is
    its field repeated, an empty one no field at all; objects are JSON), independently of the runtime's reader:
    what the request on the wire says, to validate against the schema."""
    schema = resolve(spec, schema)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for part in [*(resolve(spec, p) for p in schema.get("allOf", [])), schema]:
        properties.update(part.get("properties") or {})
        required.extend(part.get("required") or [])
    grouped: dict[str, list[str]] = {}
    for key, value in urllib.parse.parse_qsl(body, keep_blank_values=True):
        grouped.setdefault(key, []).append(value)
    found: dict[str, Any] = {}
    for key, values in grouped.items():
        sub = resolve(spec, properties.get(key, {}))
        if isinstance(sub, dict) and sub.get("type") == "array":
            found[key] = [_form_scalar(v, sub.get("items") or {}, spec) for v in values]
        else:
            found[key] = _form_scalar(values[0], sub, spec) if len(values) == 1 else values
    for name in required:
        if name not in found and resolve(spec, properties.get(name, {})).get("type") == "array":
            found[name] = []
    return found
