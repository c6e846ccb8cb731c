"""`make bench`: our service side by side with the code-first tutorial app and the raw ceiling, in one run.

    python -m scripts.bench [--rounds 7] [--storm-rounds 5] [--seconds 10] [--quick] [--report-dir reports/bench]

What it measures (all against PostgreSQL: TEST_DATABASE_URL, or an embedded server):
- throughput (wrk, 1 thread x 32 connections, authenticated) of GET one item, GET a list of 20 and POST create,
  in interleaved rounds with a rotating order, so drift in the machine's load hits every target alike; every
  answer must be 2xx (a run with failures is reported as failed, not as fast);
- server CPU per request (from /proc) and RSS;
- GET one item during a storm of 8 concurrent logins: p99 and RSS, against the same without the storm;
- cold start: process start until the first answer (ours: /health/live);
- ours only: every list sort and filter with 200 and with 100,000 items for one user;
- the cost of serialising a 20-item page each way we could (Pydantic, orjson, msgspec);
- the login timing benchmark (unknown email vs wrong password).

It prints a Markdown table and writes reports/bench/bench.json, bench.md and bench.png. It reports; it asserts
nothing about speed (timing claims live here, never in tests).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from impl.db.repositories.items import ITEM_SORTS
from scripts.bench import list_scaling, serialization
from scripts.bench.procstat import RssSampler, cpu_seconds, rss_mib
from scripts.bench.report import write_reports
from scripts.bench.storm import LoginStorm
from scripts.bench.targets import ITEM, REFERENCE_DIR, Target, ours, raw_ceiling, seed, seed_style
from scripts.bench.wrk import Request, run_wrk
from scripts.live_server import PROJECT_ROOT, postgres_server_url
from scripts.prestart import migrate
from tests.dbutil import create_database, drop_database, unique_database_name

SCENARIOS = ("get_one", "list_20", "create")
STORM_CONCURRENCY = 8
SEED_ITEMS = 200
LARGE_ITEMS = 100_000
COLD_STARTS = 5


@dataclass
class Options:
    rounds: int
    storm_rounds: int
    seconds: float
    cold_starts: int
    large_items: int
    report_dir: Path


def request_for(target: Target, scenario: str) -> Request:
    auth = target.auth()
    if scenario == "get_one":
        return Request("GET", f"{target.prefix}/items/{target.item_id}", auth)
    if scenario == "list_20":
        return Request("GET", f"{target.prefix}/items?limit=20", auth)
    return Request("POST", f"{target.prefix}/items", {**auth, "Content-Type": "application/json"}, json.dumps(ITEM))


async def measure(target: Target, scenario: str, seconds: float) -> dict[str, Any]:
    """One wrk run, with the server's CPU time and peak RSS over it."""
    sampler = RssSampler(target.pid)
    cpu_before = cpu_seconds(target.pid)
    sampler.start()
    result = await run_wrk(target.base_url, request_for(target, scenario), seconds=seconds)
    peak = await sampler.stop()
    cpu = cpu_seconds(target.pid) - cpu_before
    return {**result.as_dict(), "cpu_ms_per_request": cpu * 1000 / max(result.requests, 1), "rss_peak_mib": peak}


def rotated(items: list[Target], by: int) -> list[Target]:
    by %= len(items)
    return items[by:] + items[:by]


async def trim_items(target: Target, seeded: list[str]) -> None:
    """Back to the seeded items: every target lists from the same 200 items in every round. (The reference apps
    have no index for their list's order: the thousands of items a create run adds would slow their lists down
    round after round, and ours would not be compared with the same work.)"""
    import asyncpg

    url = target.env["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("DELETE FROM items WHERE NOT (id = ANY($1::uuid[]))", seeded)
        await connection.execute("VACUUM ANALYZE items")
    finally:
        await connection.close()


async def throughput_rounds(
    targets: list[Target], options: Options, seeded: dict[str, list[str]]
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {t.name: {s: [] for s in SCENARIOS} for t in targets}
    for target in targets:  # warm-up: connections, caches, the JIT-less interpreter's first paths
        for scenario in SCENARIOS:
            await run_wrk(target.base_url, request_for(target, scenario), seconds=min(2.0, options.seconds))
        await trim_items(target, seeded[target.name])
    for round_number in range(options.rounds):
        for target in rotated(targets, round_number):
            for scenario in SCENARIOS:
                run = await measure(target, scenario, options.seconds)
                runs[target.name][scenario].append(run)
                if scenario == "create":
                    await trim_items(target, seeded[target.name])
                print(
                    f"round {round_number + 1}/{options.rounds} {target.name:5} {scenario:8} "
                    f"{run['rps']:8.1f} req/s  p99 {run['p99_ms']:7.1f} ms  errors {sum(run['errors'].values())}",
                    flush=True,
                )
    return runs


async def storm_rounds(targets: list[Target], options: Options) -> dict[str, list[dict[str, Any]]]:
    """GET one item without and with 8 concurrent logins, paired in each round."""
    runs: dict[str, list[dict[str, Any]]] = {t.name: [] for t in targets}
    for round_number in range(options.storm_rounds):
        for target in rotated(targets, round_number):
            calm = await measure(target, "get_one", options.seconds)
            async with LoginStorm(target, STORM_CONCURRENCY) as storm:
                stormy = await measure(target, "get_one", options.seconds)
            logins = dict(storm.statuses)
            runs[target.name].append({"calm": calm, "storm": stormy, "logins": logins})
            print(
                f"storm {round_number + 1}/{options.storm_rounds} {target.name:5} p99 {calm['p99_ms']:7.1f} -> "
                f"{stormy['p99_ms']:7.1f} ms, {stormy['rps']:7.1f} req/s, RSS peak {stormy['rss_peak_mib']:.0f} MiB,"
                f" logins {logins}",
                flush=True,
            )
    return runs


async def cold_starts(targets: list[Target], options: Options, logs: Path) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {t.name: [] for t in targets}
    for attempt in range(options.cold_starts):
        for target in rotated(targets, attempt):
            await target.stop()
            found[target.name].append(await target.start(logs / f"{target.name}.log"))
    return found


async def describe_server(postgres_url: str) -> str:
    """Which PostgreSQL the run used, and whether it offers pg_trgm (the item search's index, migration 0003):
    without it (the embedded development server has no contrib modules) a `q` scans the owner's items."""
    import asyncpg

    connection = await asyncpg.connect(postgres_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        version = await connection.fetchval("SHOW server_version")
        trigram = await connection.fetchval("SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'")
    finally:
        await connection.close()
    where = "TEST_DATABASE_URL" if os.environ.get("TEST_DATABASE_URL") else "embedded"
    return f"PostgreSQL {version} ({where}), pg_trgm {'available' if trigram else 'NOT available: q scans'}"


async def list_scaling_phase(postgres_url: str, options: Options, logs: Path) -> dict[str, dict[str, float]]:
    """Ours with 200 and with `large_items` items: every sort's first and deep page, and the filters."""
    timings: dict[str, dict[str, float]] = {}
    for size in (SEED_ITEMS, options.large_items):
        name = unique_database_name("bench_list")
        url = await create_database(postgres_url, name)
        target = ours(url)
        try:
            await migrate(url)
            await target.start(logs / f"ours-list-{size}.log")
            ids = await seed(target, 1)
            owner = await _owner_of(target)
            await list_scaling.bulk_items(url, owner, size - len(ids))
            secret = target.env["SECRET_KEY"]
            cursors = {sort: await list_scaling.deep_cursor(url, sort, secret) for sort in ITEM_SORTS}
            for label, params in list_scaling.queries(cursors).items():
                timings.setdefault(label, {})[str(size)] = await list_scaling.time_query(
                    target.base_url, target.token, params
                )
            print(f"list scaling: {size} items measured", flush=True)
        finally:
            await target.stop()
            await drop_database(postgres_url, name)
    return timings


async def _owner_of(target: Target) -> str:
    import httpx

    async with httpx.AsyncClient(base_url=target.base_url, headers=target.auth()) as http:
        owner: str = (await http.get("/v1/users/me")).json()["id"]
        return owner


def login_timing() -> str:
    result = subprocess.run(
        [sys.executable, "-m", "scripts.bench_login_timing"], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    return result.stdout + (result.stderr if result.returncode else "")


def _has_reference_apps() -> bool:
    return (REFERENCE_DIR / "seed_style" / "app.py").is_file() and (REFERENCE_DIR / "raw_ceiling" / "app.py").is_file()


async def run(options: Options) -> dict[str, Any]:
    if not _has_reference_apps():
        raise SystemExit(f"no reference apps in {REFERENCE_DIR}: set BENCH_REFERENCE_DIR to ../shared/bench")
    with postgres_server_url() as postgres_url, tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        logs = Path(scratch)
        server = await describe_server(postgres_url)
        print(server, flush=True)
        peer_name, ours_name = unique_database_name("bench_peer"), unique_database_name("bench_ours")
        peer_url = await create_database(postgres_url, peer_name)
        ours_url = await create_database(postgres_url, ours_name)
        seed_target, raw_target, ours_target = seed_style(peer_url), raw_ceiling(peer_url), ours(ours_url)
        targets = [raw_target, seed_target, ours_target]
        try:
            await migrate(ours_url)
            await seed_target.start(logs / "seed.log")  # creates the shared schema
            peer_items = await seed(seed_target, SEED_ITEMS)
            raw_target.token, raw_target.item_id = seed_target.token, seed_target.item_id
            await raw_target.start(logs / "raw.log")
            await ours_target.start(logs / "ours.log")
            our_items = await seed(ours_target, SEED_ITEMS)
            idle_rss = {t.name: rss_mib(t.pid) for t in targets}
            seeded = {"raw": peer_items, "seed": peer_items, "ours": our_items}
            throughput = await throughput_rounds(targets, options, seeded)
            storms = await storm_rounds([seed_target, ours_target], options)
            starts = await cold_starts(targets, options, logs)
        finally:
            for target in targets:
                await target.stop()
            await drop_database(postgres_url, peer_name)
            await drop_database(postgres_url, ours_name)
        scaling = await list_scaling_phase(postgres_url, options, logs)
    return {
        "settings": {
            "rounds": options.rounds,
            "storm_rounds": options.storm_rounds,
            "seconds": options.seconds,
            "wrk": "1 thread x 32 connections",
            "large_items": options.large_items,
            "server": server,
        },
        "labels": {t.name: t.label for t in targets},
        "idle_rss_mib": idle_rss,
        "throughput": throughput,
        "storm": storms,
        "cold_start_s": starts,
        "list_scaling_ms": scaling,
        "serialization_us": serialization.measure(),
        "login_timing": login_timing(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--storm-rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each wrk run")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 round of 2 s, 5,000 large items")
    parser.add_argument("--report-dir", type=Path, default=PROJECT_ROOT / "reports" / "bench")
    args = parser.parse_args(argv)
    options = Options(args.rounds, args.storm_rounds, args.seconds, COLD_STARTS, LARGE_ITEMS, args.report_dir)
    if args.quick:
        options = Options(1, 1, 2.0, 1, 5_000, args.report_dir)
    results = asyncio.run(run(options))
    table = write_reports(results, options.report_dir)
    print(table)
    failed = [
        f"{name} {scenario}"
        for name, scenarios in results["throughput"].items()
        for scenario, runs in scenarios.items()
        if any(sum(run["errors"].values()) for run in runs)
    ]
    if failed:
        print(f"non-2xx answers or connection errors in: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
