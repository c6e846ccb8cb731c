"""Several workers: they serve, and none outlives the launcher, even one killed with SIGKILL (nothing can clean up
after that, so the workers must notice by themselves)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from tests.serving.server import children_of, request, running_server, session_members

WORKERS = 2
DEADLINE_SECONDS = 30.0


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def workers_of(launcher: int) -> list[int]:
    """The launcher's worker processes (multiprocessing's resource tracker is a child too, but serves nothing)."""
    return [pid for pid in children_of(launcher) if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def test_workers_do_not_outlive_a_launcher_killed_with_sigkill(tmp_path: Path) -> None:
    with running_server(tmp_path, WORKERS=str(WORKERS)) as server:
        launcher = server.process.pid
        deadline = time.monotonic() + DEADLINE_SECONDS
        # Every worker is up once each has started: the launcher's readiness is the first worker's.
        while len(workers := workers_of(launcher)) < WORKERS:
            assert time.monotonic() < deadline, f"workers: {workers}\n{server.log()}"
            time.sleep(0.05)  # polling with a deadline
        answer = request(server.port, "GET", "/health/ready")
        assert answer is not None
        assert answer[0] == 200

        os.kill(launcher, signal.SIGKILL)
        server.process.wait(timeout=DEADLINE_SECONDS)

        while survivors := [pid for pid in workers if alive(pid)]:
            assert time.monotonic() < deadline + DEADLINE_SECONDS, f"orphaned workers {survivors}:\n{server.log()}"
            time.sleep(0.05)  # polling with a deadline
        # Nothing the launcher started is left, the resource tracker included.
        while session_members(launcher):
            assert time.monotonic() < deadline + DEADLINE_SECONDS, f"left behind: {session_members(launcher)}"
            time.sleep(0.05)
        # ... and so the port is free again.
        assert request(server.port, "GET", "/health/live") is None
