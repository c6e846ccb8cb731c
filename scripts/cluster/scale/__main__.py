"""`python -m scripts.cluster.scale [--profile full|short] [--keep]`: the scale test (make scale-test).

Uses the cluster `make cluster` started, if one is running (and leaves it running); otherwise starts one
(CLUSTER_RATE_LIMIT_STORAGE chooses the counters: redis, the default, or memory) and stops it afterwards.
Prints a table, writes reports/scale/scale.json and reports/scale/latency.png. Exit status 1 when a case failed;
NOT RUN and PENDING cases do not fail the run, and the table says why each did not run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from impl.db.engine import create_engine
from scripts.cluster.cluster import (
    PROJECT_ROOT,
    STORAGE_SWITCH,
    Cluster,
    ClusterError,
    ClusterSpec,
    ClusterState,
    env_file_settings,
    postgres_bin,
)
from scripts.cluster.processes import is_running
from scripts.cluster.scale.cases import CASES, PROFILES, CaseResult, Profile, ScaleContext
from scripts.cluster.scale.load import AddressPool, Recorder
from scripts.cluster.scale.report import plot_latency, table, write_json

REPORTS = PROJECT_ROOT / "reports" / "scale"


async def run_cases(
    cluster: Cluster, state: ClusterState, profile: Profile, recorder: Recorder, only: Sequence[str] = ()
) -> list[CaseResult]:
    database = create_engine(state.direct_database_url)
    addresses = AddressPool(skip=state.client_addresses_used)
    context = ScaleContext(cluster, state, cluster.admin(state), recorder, addresses, profile, database)
    results = []
    try:
        for case in CASES:
            if only and not any(part in case.__name__ for part in only):
                continue
            print(f"scale-test: {case.__name__} ...", flush=True)
            try:
                result = await case(context)
            except Exception as error:  # a case that could not finish is a failed case, and the run goes on
                result = CaseResult(case.__name__, "FAIL", f"{type(error).__name__}: {error}", problems=[str(error)])
            print(f"scale-test:   {result.verdict}: {result.summary}", flush=True)
            for problem in result.problems:
                print(f"scale-test:   ! {problem}", flush=True)
            results.append(result)
            await asyncio.to_thread(_restore, context)
    finally:
        await database.dispose()
        state.client_addresses_used = addresses.taken
        cluster.save(state)
    return results


def _restore(context: ScaleContext) -> None:
    """Every instance running and in rotation again, whatever the last case left behind."""
    for name in context.state.instance_names():
        if not is_running(context.state.processes[name]):
            context.cluster.start_instance(context.state, name)
        context.admin.set_state(name, "ready")
    for name in context.state.instance_names():
        context.admin.wait_for(name, "UP", 60.0)


def _version(command: Sequence[str]) -> str:
    try:
        output = subprocess.run(list(command), capture_output=True, text=True, timeout=10, check=False)
    except OSError as error:
        return str(error)
    return (output.stdout or output.stderr).strip().splitlines()[0]


def _describe_cluster(cluster: Cluster, state: ClusterState, profile: Profile) -> dict[str, Any]:
    return {
        "profile": profile.name,
        "instances": state.spec.instances,
        "workers_per_instance": state.spec.workers,
        "rate_limit_storage": state.rate_limit_storage_url,
        "cores": os.cpu_count(),
        "versions": {
            "haproxy": _version(["haproxy", "-v"]),
            "pgbouncer": _version(["pgbouncer", "--version"]),
            "postgresql": _version([str(postgres_bin("postgres")), "--version"]),
            "redis": _version(["redis-server", "--version"]),
        },
        "instance_settings": dict(env_file_settings(cluster.instance_env_path(state.instance_names()[0]))),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.cluster.scale", description=__doc__)
    parser.add_argument("--profile", choices=sorted(PROFILES), default=os.environ.get("SCALE_PROFILE", "full"))
    parser.add_argument("--keep", action="store_true", help="leave a cluster this run started running")
    parser.add_argument("--reports", type=Path, default=REPORTS)
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run the cases whose function name contains NAME (repeatable; for working on one case)",
    )
    arguments = parser.parse_args(argv)
    profile = PROFILES[arguments.profile]

    cluster = Cluster()
    state = cluster.running()
    started_here = state is None
    try:
        if state is None:
            storage = os.environ.get(STORAGE_SWITCH, "redis")
            if storage not in ("redis", "memory"):
                parser.error(f"{STORAGE_SWITCH} must be redis or memory, not {storage!r}")
            state = cluster.up(ClusterSpec(rate_limit_storage="redis" if storage == "redis" else "memory"))
        else:
            print(f"scale-test: using the running cluster at {state.frontend_url}")
        recorder = Recorder()
        results = asyncio.run(run_cases(cluster, state, profile, recorder, arguments.only))
        description = _describe_cluster(cluster, state, profile)
    except ClusterError as error:
        print(f"scale-test: {error}", file=sys.stderr)
        return 1
    finally:
        if started_here and not arguments.keep and cluster.load() is not None:
            cluster.down()

    write_json(arguments.reports / "scale.json", results, recorder, description)
    plot_latency(arguments.reports / "latency.png", recorder)
    print()
    print(
        f"scale test ({profile.name}): {description['instances']} instances x {description['workers_per_instance']} "
        f"workers, rate-limit counters {description['rate_limit_storage']}, {description['cores']} cores"
    )
    print(table(results))
    print(f"\nreports: {arguments.reports / 'scale.json'}, {arguments.reports / 'latency.png'}")
    failed = [result.name for result in results if result.verdict == "FAIL"]
    if failed:
        print(f"scale-test: FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
