"""Where the CPU went during a measurement: per cluster component, from /proc (Linux)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from scripts.cluster.cluster import ClusterState
from scripts.cluster.processes import is_running

__all__ = ["CpuSample", "component_pids", "sample"]

_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSample:
    busy_seconds: dict[str, float]  # CPU seconds used so far, per component
    machine_busy: float  # CPU seconds used by everything on the machine
    machine_total: float  # CPU seconds available (all cores), busy or idle

    def since(self, earlier: CpuSample) -> dict[str, float]:
        """Each component's share of the machine's capacity between the two samples (1.0 = every core busy)."""
        capacity = self.machine_total - earlier.machine_total
        if capacity <= 0:
            return {}
        shares = {
            name: (seconds - earlier.busy_seconds.get(name, 0.0)) / capacity
            for name, seconds in self.busy_seconds.items()
        }
        counted = sum(shares.values())
        machine = (self.machine_busy - earlier.machine_busy) / capacity
        shares["other processes"] = max(0.0, machine - counted)
        shares["idle"] = max(0.0, 1.0 - machine)
        return shares


def component_pids(state: ClusterState) -> dict[str, list[int]]:
    """The live processes of each component, each recorded process with its descendants: API instances (uvicorn
    masters and workers), HAProxy, PgBouncer, PostgreSQL (its backends), Redis, and this load generator."""
    children = _children_by_parent()
    components: dict[str, list[int]] = {"API instances": []}
    for name, recorded in state.processes.items():
        if not is_running(recorded):
            continue
        tree = _tree(recorded.pid, children)
        if name.startswith("api"):
            components["API instances"].extend(tree)
        else:
            components[name] = tree
    components["load generator (this process)"] = [os.getpid()]
    return components


def _children_by_parent() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                raw = (entry / "stat").read_text()
            except (FileNotFoundError, ProcessLookupError):
                continue
            parent = int(raw[raw.rindex(")") + 2 :].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    return children


def _tree(root: int, children: Mapping[int, list[int]]) -> list[int]:
    # PostgreSQL's backends leave the postmaster's process group (setsid): follow parents, not groups.
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


def _process_seconds(pid: int) -> float:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    fields = raw[raw.rindex(")") + 2 :].split()
    # utime and stime are stat fields 14 and 15 (indexes 11 and 12 after the command name).
    return (int(fields[11]) + int(fields[12])) / _TICKS_PER_SECOND


def _machine_seconds() -> tuple[float, float]:
    values = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal
    return (total - idle) / _TICKS_PER_SECOND, total / _TICKS_PER_SECOND


def sample(components: Mapping[str, list[int]]) -> CpuSample:
    busy, total = _machine_seconds()
    return CpuSample(
        {name: sum(_process_seconds(pid) for pid in pids) for name, pids in components.items()}, busy, total
    )
