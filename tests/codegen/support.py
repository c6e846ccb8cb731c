"""Helpers for the generator's tests: generate a package, serve a mock on a free port, run schemathesis."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
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
