"""make fault-test: a real server (uvicorn) on a private PostgreSQL and a private Redis, under steady traffic,
while each dependency fails in turn. Prints a table and writes reports/fault/fault-test.json.

Scenarios (each: traffic before, during and after the fault):
- database stopped (`pg_ctl stop -m fast`: connections refused), then started again;
- database frozen (SIGSTOP of every PostgreSQL process: connections accepted, nothing answers), then thawed;
- rate-limit store (Redis) stopped, then started; Redis frozen, then thawed.

Measured: time from the fault to the first 503 and the status mix while it lasts (with the slowest answer),
readiness answers, time from the database's return to the last failed answer (recovery), writes acknowledged
(201) that are missing afterwards, the server's log volume during the fault, and for Redis the statuses and
latency (p50, p99, max) of rate-limited operations. The gate fails on any other 5xx, a lost write, a request that
hangs, readiness that stays 200 through a database outage, or a recovery slower than the issue's 5 s.
The server runs with the production defaults of every timeout (only Argon2 is cheap and the quotas high).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import asyncpg
from sqlalchemy.engine import make_url

from scripts.fault_test.private_postgres import PrivatePostgres
from scripts.fault_test.private_redis import PrivateRedis
from scripts.fault_test.traffic import Answer, Traffic, register_and_login
from scripts.live_server import LiveServer, live_server

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
REPORT_DIR = PROJECT_ROOT / "reports" / "fault"

# The targets, checked by the gate (figures, not tests: measured on a real server under load).
FIRST_503_LIMIT_SECONDS = 3.0  # "a declared 503 within about 2 s"
RECOVERY_LIMIT_SECONDS = 5.0  # "recovery within 5 s of the database returning"
HANG_LIMIT_SECONDS = 10.0  # no answer may take longer than this, whatever the fault
REDIS_P99_LIMIT_SECONDS = 1.0  # a frozen Redis may cost one store timeout per retry interval, never a hang


@dataclass
class Outcome:
    scenario: str
    figures: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, message: str) -> None:
        if not ok:
            self.failures.append(message)


def _percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _statuses(answers: Sequence[Answer]) -> dict[str, int]:
    return {str(status): count for status, count in sorted(Counter(a.status or 0 for a in answers).items())}


async def _missing_writes(database_url: str, ids: list[str]) -> int:
    url = make_url(database_url)
    connection = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, database=url.database, timeout=10
    )
    try:
        found = await connection.fetchval(
            "SELECT count(*) FROM items WHERE id = ANY($1::uuid[])", [uuid.UUID(i) for i in ids]
        )
    finally:
        await connection.close()
    return len(set(ids)) - int(found)


def _log_size(server: LiveServer) -> int:
    return server.log_path.stat().st_size


async def _phase(seconds: float) -> None:
    # The traffic runs in its own tasks; the scenario only lets time pass between its steps.
    await asyncio.sleep(seconds)


class OutageRun(NamedTuple):
    """Steady traffic through one outage: its answers, when the dependency failed and came back, the log it wrote."""

    traffic: Traffic
    failed_at: float
    restored_at: float
    ended_at: float
    log_bytes_during: int


async def _drive_outage(
    server: LiveServer,
    token: str,
    fail: Callable[[], None],
    restore: Callable[[], None],
    *,
    before: float,
    during: float,
    after: float,
) -> OutageRun:
    """Traffic for `before` seconds, then `fail()`, `during` seconds, `restore()`, `after` seconds."""
    async with Traffic(server.base_url, token) as traffic:
        await _phase(before)
        log_before = _log_size(server)
        failed_at = time.monotonic()
        fail()
        await _phase(during)
        restored_at = time.monotonic()
        restore()
        log_during = _log_size(server) - log_before
        await _phase(after)
    return OutageRun(traffic, failed_at, restored_at, time.monotonic(), log_during)


async def database_scenario(name: str, server: LiveServer, run: OutageRun) -> Outcome:
    """What the clients saw through the outage `run`, and the verdict."""
    outcome = Outcome(name)
    traffic, failed_at, restored_at, ended_at, log_during = run

    outage = traffic.between(failed_at, restored_at)
    unavailable = [a for a in traffic.answers if a.status == 503 and a.finished >= failed_at and a.kind != "ready"]
    first_503 = min((a.finished for a in unavailable), default=None)
    ready_during = traffic.between(failed_at, restored_at, kinds=("ready",))
    after_return = traffic.between(restored_at, ended_at)
    failures_after = [a for a in after_return if a.status is None or a.status >= 400]
    last_failure = max((a.finished for a in failures_after), default=restored_at)
    first_ready = min(
        (a.finished for a in traffic.between(restored_at, ended_at, kinds=("ready",)) if a.status == 200),
        default=None,
    )
    missing = await _missing_writes(server.database_url, traffic.acknowledged)
    everything = [a for a in traffic.answers if a.kind != "ready"]
    others_5xx = [a for a in traffic.answers if a.status is None or (a.status >= 500 and a.status != 503)]
    malformed_503 = [
        a for a in unavailable if a.retry_after is None or not (a.content_type or "").startswith("application/problem")
    ]

    outcome.figures = {
        "requests": len(everything),
        "first_503_after_s": None if first_503 is None else round(first_503 - failed_at, 2),
        "statuses_during": _statuses(outage),
        "p50_latency_during_s": round(_percentile([a.latency for a in outage], 0.5), 3),
        "max_latency_during_s": round(max((a.latency for a in outage), default=0.0), 2),
        "readiness_during": _statuses(ready_during),
        "max_readiness_latency_s": round(max((a.latency for a in ready_during), default=0.0), 2),
        "recovered_after_s": round(last_failure - restored_at, 2),
        "ready_again_after_s": None if first_ready is None else round(first_ready - restored_at, 2),
        "acknowledged_writes": len(traffic.acknowledged),
        "lost_writes": missing,
        "log_bytes_during": log_during,
    }
    outcome.check(first_503 is not None, "no 503 during the outage")
    if first_503 is not None:
        waited = first_503 - failed_at
        outcome.check(waited <= FIRST_503_LIMIT_SECONDS, f"first 503 after {waited:.1f} s")
    outcome.check(not others_5xx, f"{len(others_5xx)} answers other than 503 among 5xx or no answer")
    outcome.check(not malformed_503, f"{len(malformed_503)} 503s without Retry-After or problem+json")
    outcome.check(
        max((a.latency for a in traffic.answers), default=0.0) <= HANG_LIMIT_SECONDS,
        "a request took longer than the hang limit",
    )
    outcome.check(any(a.status == 503 for a in ready_during), "readiness never answered 503 during the outage")
    outcome.check(last_failure - restored_at <= RECOVERY_LIMIT_SECONDS, "recovery slower than 5 s")
    outcome.check(missing == 0, f"{missing} acknowledged writes lost")
    return outcome


async def redis_scenario(name: str, server: LiveServer, run: OutageRun) -> Outcome:
    """What the clients saw through the outage `run`, and the verdict."""
    outcome = Outcome(name)
    traffic, failed_at, restored_at, ended_at, log_during = run

    outage = traffic.between(failed_at, restored_at)
    latencies = [a.latency for a in outage]
    ready_during = traffic.between(failed_at, restored_at, kinds=("ready",))
    stores = Counter(
        str((a.body or {}).get("checks", {}).get("rate_limit_store")) for a in ready_during if a.status == 200
    )
    ready_after = traffic.between(restored_at, ended_at, kinds=("ready",))
    store_ok_again = min(
        (a.finished for a in ready_after if (a.body or {}).get("checks", {}).get("rate_limit_store") == "ok"),
        default=None,
    )
    outcome.figures = {
        "requests": len([a for a in traffic.answers if a.kind != "ready"]),
        "statuses_during": _statuses(outage),
        "p50_latency_during_s": round(_percentile(latencies, 0.5), 3),
        "p99_latency_during_s": round(_percentile(latencies, 0.99), 3),
        "max_latency_during_s": round(max(latencies, default=0.0), 2),
        "readiness_during": _statuses(ready_during),
        "rate_limit_store_during": dict(stores),
        "store_ok_again_after_s": None if store_ok_again is None else round(store_ok_again - restored_at, 2),
        "log_bytes_during": log_during,
    }
    outcome.check(all(a.status is not None and a.status < 400 for a in outage), "a request failed during the outage")
    outcome.check(all(a.status == 200 for a in ready_during), "readiness left 200 during a Redis outage")
    outcome.check("degraded" in stores, "readiness never reported the rate-limit store degraded")
    outcome.check(_percentile(latencies, 0.99) <= REDIS_P99_LIMIT_SECONDS, "p99 latency above 1 s")
    outcome.check(store_ok_again is not None, "readiness never saw the store ok again")
    return outcome


def _print_table(outcomes: Sequence[Outcome]) -> None:
    rows: list[tuple[str, str, str]] = []
    for outcome in outcomes:
        for key, value in outcome.figures.items():
            rows.append((outcome.scenario, key, json.dumps(value) if isinstance(value, dict) else str(value)))
        rows.append((outcome.scenario, "verdict", "ok" if not outcome.failures else "; ".join(outcome.failures)))
    width = [max(len(row[i]) for row in rows) for i in range(3)]
    line = f"+-{'-' * width[0]}-+-{'-' * width[1]}-+-{'-' * width[2]}-+"
    print(line)
    for row in rows:
        print(f"| {row[0]:<{width[0]}} | {row[1]:<{width[1]}} | {row[2]:<{width[2]}} |")
    print(line)


async def run(arguments: argparse.Namespace) -> int:
    scale = arguments.scale
    timing = {"before": 2.0 * scale, "during": 6.0 * scale, "after": 6.0 * scale}
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    log_path = REPORT_DIR / "server.log"
    log_path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="fault-test-") as scratch:
        scratch_path = Path(scratch)
        with (
            PrivatePostgres.started(scratch_path / "postgres") as postgres,
            PrivateRedis.started(scratch_path / "redis") as redis,
        ):
            environment = {"RATE_LIMIT_STORAGE_URL": redis.url, "LOG_LEVEL": "INFO"}
            async with live_server(postgres.url, log_path, environment=environment) as server:
                token = await register_and_login(server.base_url, f"fault-{uuid.uuid4().hex[:8]}@example.com")
                scenarios: list[tuple[str, Callable[..., Awaitable[Outcome]], Callable[[], None], Callable[[], None]]]
                scenarios = [
                    ("database stopped", database_scenario, postgres.stop, postgres.start),
                    ("database frozen", database_scenario, postgres.freeze, postgres.thaw),
                    ("redis stopped", redis_scenario, redis.stop, redis.start),
                    ("redis frozen", redis_scenario, redis.freeze, redis.thaw),
                ]
                outcomes = []
                for name, scenario, fail, restore in scenarios:
                    print(f"fault-test: {name} ...", file=sys.stderr, flush=True)
                    run = await _drive_outage(server, token, fail, restore, **timing)
                    outcomes.append(await scenario(name, server, run))
    _print_table(outcomes)
    report = {
        "limits": {
            "first_503_s": FIRST_503_LIMIT_SECONDS,
            "recovery_s": RECOVERY_LIMIT_SECONDS,
            "hang_s": HANG_LIMIT_SECONDS,
            "redis_p99_s": REDIS_P99_LIMIT_SECONDS,
        },
        "timing_s": timing,
        "scenarios": [{"scenario": o.scenario, **o.figures, "failures": o.failures} for o in outcomes],
    }
    (REPORT_DIR / "fault-test.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"report: {REPORT_DIR / 'fault-test.json'} (server log: {log_path})")
    failed = [o for o in outcomes if o.failures]
    if failed:
        print(f"fault-test FAILED: {', '.join(o.scenario for o in failed)}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every phase's length (default 1)")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
