"""Processes the cluster started, and only those: start detached, recognise by PID and command line, stop.

Every process is started in a session of its own (its PID is its process group), so an API instance's uvicorn
master and its workers form one group that can be signalled together, the way a container runtime kills a
container. A PID alone is not proof of ownership (PIDs are reused): a process counts as ours only while its
command line still contains the marker recorded with it (a path under the cluster's directory).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["RecordedProcess", "group_members", "is_running", "start_detached", "stop", "wait_gone"]

# How often the waits below look again; they always end at their deadline.
_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class RecordedProcess:
    """A process the cluster started: its PID (also its process group) and a string its command line contains."""

    name: str
    pid: int
    marker: str


def start_detached(
    name: str,
    command: Sequence[str],
    *,
    marker: str,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    user: str | None = None,
) -> tuple[RecordedProcess, subprocess.Popen[bytes]]:
    """Start ``command`` in a new session, output appended to ``log_path``; it outlives the caller."""
    if not any(marker in part for part in command):
        raise ValueError(f"{name}: the marker {marker!r} must appear in the command line, or ownership is unprovable")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            user=user,
            start_new_session=True,
        )
    # Popen returns as soon as exec has begun; the new command line shows in /proc a moment later. Until it does,
    # the process could not be recognised as ours, so wait for it (or for the process to fail).
    deadline = time.monotonic() + 5.0
    while marker not in _command_line(process.pid) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    return RecordedProcess(name, process.pid, marker), process


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name (field 2) is in parentheses and may contain spaces: split after its closing one.
    return raw[raw.rindex(")") + 2 :].split()


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return ""


def is_running(process: RecordedProcess) -> bool:
    """Alive (not a zombie) and still the process that was recorded."""
    fields = _stat_fields(process.pid)
    if fields is None or fields[0] in ("Z", "X"):
        return False
    return process.marker in _command_line(process.pid)


def group_members(process: RecordedProcess) -> list[int]:
    """Live PIDs in the recorded process's group (an instance's uvicorn master and its workers).

    A group ID cannot be reused while the group has members, so processes in it are ours when its leader (the
    recorded process) is ours, or gone: a new group with that ID would need a new leader of that PID.
    """
    leader = _stat_fields(process.pid)
    if leader is not None and leader[0] not in ("Z", "X") and not is_running(process):
        return []  # the PID now belongs to someone else
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        # fields[2] is the process group (stat field 5).
        if fields is not None and fields[0] not in ("Z", "X") and int(fields[2]) == process.pid:
            members.append(int(entry.name))
    return members


def wait_gone(process: RecordedProcess, timeout: float, *, whole_group: bool = False) -> bool:
    """Wait until the process (and, if asked, every member of its group) has exited; False at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        _reap(process.pid)
        gone = not is_running(process) and not (whole_group and group_members(process))
        if gone or time.monotonic() >= deadline:
            return gone
        time.sleep(_POLL_SECONDS)


def stop(process: RecordedProcess, *, timeout: float = 30.0, whole_group: bool = False) -> str:
    """SIGTERM the process; SIGKILL it (and its group's members) if it is still there after ``timeout`` seconds.

    Returns what happened: "not running", "stopped" or "killed".
    """
    members = group_members(process) if whole_group else []
    if not is_running(process) and not members:
        return "not running"
    if is_running(process):
        _signal(process.pid, signal.SIGTERM)
    if wait_gone(process, timeout, whole_group=whole_group):
        return "stopped"
    kill(process, whole_group=whole_group)
    wait_gone(process, 10.0, whole_group=whole_group)
    return "killed"


def kill(process: RecordedProcess, *, whole_group: bool = True) -> None:
    """SIGKILL the process and, with ``whole_group``, every recognised member of its group."""
    targets = set(group_members(process)) if whole_group else set()
    if is_running(process):
        targets.add(process.pid)
    for pid in targets:
        _signal(pid, signal.SIGKILL)


def _signal(pid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _reap(pid: int) -> None:
    # Our own child becomes a zombie until waited for; elsewhere (another process started it) this is a no-op.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
