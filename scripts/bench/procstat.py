"""What a server process costs, read from /proc: CPU time (user + system) and resident memory."""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """`pid` and every process below it (a server that serves from worker processes, such as granian's)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            for child in (task / "children").read_text().split():
                found.extend(process_tree(int(child)))
    return found


def _own_cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # the command name may contain spaces: skip past it
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def _own_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far (fields 14 and 15 of /proc/<pid>/stat) of `pid` and its live children."""
    return sum(_own_cpu_seconds(p) for p in process_tree(pid))


def rss_mib(pid: int) -> float:
    """Resident memory of `pid` and its children (one uvicorn worker: the process itself)."""
    return sum(_own_rss_mib(p) for p in process_tree(pid))


@dataclass
class RssSampler:
    """Samples a process's RSS in the background; `peak` is the largest value seen."""

    pid: int
    interval: float = 0.05
    samples: list[float] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            self.samples.append(rss_mib(self.pid))
            await asyncio.sleep(self.interval)  # a sampling period, not synchronisation

    def start(self) -> None:
        self.samples.clear()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> float:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self.samples.append(rss_mib(self.pid))
        return max(self.samples)
