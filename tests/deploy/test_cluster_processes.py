"""The cluster stops exactly what it started: ownership by PID and marker, process groups, SIGTERM then SIGKILL."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scripts.cluster import processes
from scripts.cluster.processes import RecordedProcess

SLEEP = "import time; time.sleep(120)"
IGNORE_SIGTERM = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); " + (
    "time.sleep(120)"
)


@pytest.fixture
def started(tmp_path: Path) -> Iterator[list[RecordedProcess]]:
    """What a test started; killed afterwards whatever happened."""
    recorded: list[RecordedProcess] = []
    yield recorded
    for process in recorded:
        processes.kill(process, whole_group=True)
        processes.wait_gone(process, 10.0, whole_group=True)


def start(tmp_path: Path, started: list[RecordedProcess], *command: str) -> RecordedProcess:
    marker = str(tmp_path / "marker")
    recorded, _ = processes.start_detached(
        "test", [*command, marker], marker=marker, log_path=tmp_path / "test.log", cwd=tmp_path
    )
    started.append(recorded)
    return recorded


def test_a_process_is_ours_only_while_its_command_line_carries_the_marker(
    tmp_path: Path, started: list[RecordedProcess]
) -> None:
    process = start(tmp_path, started, sys.executable, "-c", SLEEP)
    assert processes.is_running(process)
    # The same PID recorded with another marker: someone else's process (a reused PID) is never touched.
    stranger = RecordedProcess("stranger", process.pid, str(tmp_path / "another"))
    assert not processes.is_running(stranger)
    assert processes.stop(stranger, timeout=1.0) == "not running"
    assert processes.is_running(process)
    assert processes.stop(process, timeout=10.0) == "stopped"
    assert not processes.is_running(process)


def test_the_marker_must_be_on_the_command_line(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="ownership is unprovable"):
        processes.start_detached(
            "test", [sys.executable, "-c", SLEEP], marker="elsewhere", log_path=tmp_path / "test.log"
        )


def test_a_whole_group_is_killed_together(tmp_path: Path, started: list[RecordedProcess]) -> None:
    # Like uvicorn's master and its workers: children in the leader's process group, without the marker.
    leader = start(tmp_path, started, "sh", "-c", "sleep 120 & sleep 120 & wait")
    assert until(lambda: len(processes.group_members(leader)) == 3)
    processes.kill(leader, whole_group=True)
    assert processes.wait_gone(leader, 10.0, whole_group=True)
    assert processes.group_members(leader) == []


def test_stop_falls_back_to_sigkill_when_sigterm_is_ignored(tmp_path: Path, started: list[RecordedProcess]) -> None:
    process = start(tmp_path, started, sys.executable, "-c", IGNORE_SIGTERM)
    assert until(lambda: "ready" in (tmp_path / "test.log").read_text())  # the handler is in place
    assert processes.stop(process, timeout=0.5) == "killed"
    assert not processes.is_running(process)


def until(condition: Callable[[], bool], limit_seconds: float = 10.0) -> bool:
    """Poll until ``condition`` holds or the deadline passes; returns whether it held."""
    deadline = time.monotonic() + limit_seconds
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True
