"""Fixtures of the observability tests: a migrated PostgreSQL database, in-process apps whose log lines are
captured, and real uvicorn servers (one or several workers) whose stderr is kept."""

from __future__ import annotations

import asyncio
import io
import json
import os
import socket
import sys
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from impl.db.engine import create_engine
from impl.observability.logging import configure_logging
from impl.settings import Settings
from scripts.live_server import GATE_ENVIRONMENT
from tests.dbutil import PROJECT_ROOT, create_database, drop_database, unique_database_name, upgrade_to_head
from tests.settings import TEST_SECRET_KEY

START_TIMEOUT_SECONDS = 60.0


@pytest.fixture(scope="module")
async def database_url(postgres_url: str) -> AsyncIterator[str]:
    """A fresh PostgreSQL database migrated to head, for one test module."""
    name = unique_database_name("obs")
    url = await create_database(postgres_url, name)
    try:
        engine = create_engine(url)
        try:
            await upgrade_to_head(engine)
        finally:
            await engine.dispose()
        yield url
    finally:
        await drop_database(postgres_url, name)


class LogLines:
    """Log output captured from the one handler `configure_logging` installs."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    def text(self) -> str:
        return self.stream.getvalue()

    def records(self) -> list[dict[str, Any]]:
        return parse_json_lines(self.text())


def parse_json_lines(text: str) -> list[dict[str, Any]]:
    """Every non-empty line as a JSON object; fails naming the first line that is not one."""
    records = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise AssertionError(f"not a JSON log line: {line!r}") from error
        assert isinstance(record, dict), line
        records.append(record)
    return records


@pytest.fixture
def capture_logs() -> Iterator[Any]:
    """`capture_logs(settings)` points the log handler at a buffer; the handler goes back to stderr afterwards."""
    captured: list[Settings] = []

    def start(settings: Settings) -> LogLines:
        lines = LogLines()
        configure_logging(settings, stream=lines.stream)
        captured.append(settings)
        return lines

    yield start
    if captured:
        configure_logging(captured[-1])


# --------------------------------------------------------------------------------------------------------------
# Real servers


@dataclass
class Server:
    base_url: str
    stderr_path: Path
    stdout_path: Path
    process: asyncio.subprocess.Process

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _wait_until_ready(server: Server) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT_SECONDS
    async with httpx.AsyncClient(base_url=server.base_url, timeout=5.0) as http:
        while True:
            with suppress(httpx.TransportError):
                if (await http.get("/health/ready")).status_code == 200:
                    return
            if loop.time() > deadline:
                raise RuntimeError(f"the server was not ready in time; its stderr:\n{server.stderr()}")
            with suppress(TimeoutError):
                code = await asyncio.wait_for(server.process.wait(), timeout=0.1)
                raise RuntimeError(f"the server exited with {code}; its stderr:\n{server.stderr()}")


async def stop(server: Server) -> None:
    """SIGTERM, then wait for a clean exit (workers included), so every log line has been written."""
    if server.process.returncode is not None:
        return
    server.process.terminate()
    try:
        await asyncio.wait_for(server.process.wait(), timeout=20.0)
    except TimeoutError:
        server.process.kill()
        await server.process.wait()


@asynccontextmanager
async def uvicorn_server(
    database_url: str, directory: Path, *, workers: int = 1, environment: Mapping[str, str] | None = None
) -> AsyncIterator[Server]:
    """`python -m tests.observability.serve` (uvicorn, `workers` processes) on a free port."""
    port = free_port()
    env = {
        **os.environ,
        **GATE_ENVIRONMENT,
        "SECRET_KEY": TEST_SECRET_KEY,
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(PROJECT_ROOT),
        **(environment or {}),
    }
    for inherited in ("FIRST_SUPERUSER_EMAIL", "FIRST_SUPERUSER_PASSWORD", "SPEC_PATH", "PROMETHEUS_MULTIPROC_DIR"):
        if inherited not in (environment or {}):
            env.pop(inherited, None)
    stderr_path, stdout_path = directory / "stderr.log", directory / "stdout.log"
    with stderr_path.open("ab") as stderr, stdout_path.open("ab") as stdout:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.observability.serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            cwd=str(PROJECT_ROOT),
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    server = Server(f"http://127.0.0.1:{port}", stderr_path, stdout_path, process)
    try:
        await _wait_until_ready(server)
        yield server
    finally:
        await stop(server)
