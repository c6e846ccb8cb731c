"""`python -m scripts.cluster up|down|status`: the cluster of scripts/cluster/cluster.py from the command line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from scripts.cluster.cluster import STORAGE_SWITCH, Cluster, ClusterError, ClusterSpec


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.cluster", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start the cluster (fails if one is running)")
    up.add_argument("--instances", type=int, default=3)
    up.add_argument("--workers", type=int, default=2)
    commands.add_parser("down", help="stop exactly the processes `up` recorded")
    commands.add_parser("status", help="the recorded processes and HAProxy's view of the instances")
    arguments = parser.parse_args(argv)

    cluster = Cluster()
    try:
        if arguments.command == "up":
            storage = os.environ.get(STORAGE_SWITCH, "redis")
            if storage not in ("redis", "memory"):
                parser.error(f"{STORAGE_SWITCH} must be redis or memory, not {storage!r}")
            spec = ClusterSpec(
                instances=arguments.instances,
                workers=arguments.workers,
                rate_limit_storage="redis" if storage == "redis" else "memory",
            )
            state = cluster.up(spec)
            print(f"cluster: serving on {state.frontend_url} (rate-limit counters: {state.rate_limit_storage_url})")
            print("cluster: `make cluster-down` stops it; logs in .cluster/logs/")
        elif arguments.command == "down":
            cluster.down()
        else:
            return _status(cluster)
    except ClusterError as error:
        print(f"cluster: {error}", file=sys.stderr)
        return 1
    return 0


def _status(cluster: Cluster) -> int:
    from scripts.cluster import processes

    state = cluster.load()
    if state is None:
        print("cluster: not running")
        return 1
    print(f"cluster: {state.frontend_url} (rate-limit counters: {state.rate_limit_storage_url})")
    for name, recorded in state.processes.items():
        print(f"  {name:<10} pid {recorded.pid:<8} {'running' if processes.is_running(recorded) else 'GONE'}")
    try:
        for server in cluster.admin(state).servers().values():
            print(f"  HAProxy: {server.name} {server.status} ({server.current_sessions} sessions)")
    except OSError as error:
        print(f"  HAProxy admin socket: {error}")
    return 0 if cluster.running() is not None else 1


if __name__ == "__main__":
    sys.exit(main())
