"""A real server for the serving tests: ``python -m scripts.serve`` (or another command line) on a free port, over a
migrated SQLite file, in a session of its own so that nothing it starts outlives the test."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from impl.settings import Settings
from tests.settings import TEST_SECRET_KEY

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SERVE = (sys.executable, "-m", "scripts.serve")
READY_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 30.0


@dataclass
class RunningServer:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def request(
    port: int, method: str, path: str, *, headers: Mapping[str, str] | None = None, body: str | None = None
) -> tuple[int, dict[str, str], bytes] | None:
    """One request on a new connection; None while nothing accepts connections on the port."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    except OSError:
        return None
    finally:
        connection.close()


def server_environment(database: Path, **settings: str) -> dict[str, str]:
    """The caller's environment minus every app setting, plus a SQLite file, a test key and cheap Argon2."""
    ignored = {name.upper() for name in Settings.model_fields}
    env = {name: value for name, value in os.environ.items() if name not in ignored}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        ENVIRONMENT="test",
        SECRET_KEY=TEST_SECRET_KEY,
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        ARGON2_TIME_COST="1",
        ARGON2_MEMORY_COST_KIB="8",
        ARGON2_PARALLELISM="1",
        HOST="127.0.0.1",
    )
    env.update(settings)
    return env


def migrate_sqlite(database: Path) -> None:
    env = server_environment(database)
    subprocess.run([sys.executable, "-m", "scripts.prestart"], env=env, cwd=PROJECT_ROOT, check=True, timeout=120)


def wait_until_ready(server: RunningServer) -> None:
    """Poll /health/ready until 200; fail at once if the process exits, and after a bounded time."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while (answer := request(server.port, "GET", "/health/ready")) is None or answer[0] != 200:
        if time.monotonic() > deadline:
            raise AssertionError(f"not ready in time:\n{server.log()}")
        try:
            # Waiting for an exit paces the polling and notices a crash at once.
            code = server.process.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        raise AssertionError(f"the server exited with {code}:\n{server.log()}")


def stop(server: RunningServer) -> None:
    """SIGTERM, then SIGKILL to the whole session if it does not stop; reaps the process."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            server.process.wait(timeout=STOP_TIMEOUT_SECONDS)
    kill_session(server.process.pid)
    server.process.wait(timeout=STOP_TIMEOUT_SECONDS)


def kill_session(session_id: int) -> None:
    for pid in session_members(session_id):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def session_members(session_id: int) -> list[int]:
    """Live processes of a session (zombies excluded: they are dead, only not yet reaped)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp session ...; comm may contain spaces and parentheses.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == session_id and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def children_of(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        children.extend(int(child) for child in text.split())
    return children


@contextmanager
def running_server(
    tmp_path: Path, *, command: Sequence[str] = SERVE, migrate: bool = True, **settings: str
) -> Iterator[RunningServer]:
    """The server on a free port (PORT, and ``{port}`` in ``command``), stopped with everything it started."""
    database = tmp_path / "app.db"
    if migrate:
        migrate_sqlite(database)
    port = free_port()
    env = server_environment(database, PORT=str(port), **settings)
    log_path = tmp_path / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [part.format(port=port) for part in command],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = RunningServer(process, port, log_path)
    try:
        wait_until_ready(server)
        yield server
    finally:
        stop(server)
