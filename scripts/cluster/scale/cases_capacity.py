"""Cases about volume: many creates spread over the instances, and throughput by instance count."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections import Counter
from typing import Any

from scripts.cluster.scale import cpu
from scripts.cluster.scale.context import (
    CaseResult,
    ScaleContext,
    latency_ms,
    load_users,
    spread,
    until,
    verdict,
)
from scripts.cluster.scale.load import (
    MixedLoad,
    User,
    chunks,
    new_item,
)

# --- many creates --------------------------------------------------------------------------------------------------


async def case_many_creates(context: ScaleContext) -> CaseResult:
    """Creates spread over every instance: exactly as many rows as creates, each answered 201."""
    case = f"{context.profile.creates:,} creates"
    recorder = context.recorder
    count = context.profile.creates
    async with load_users(context, case) as vus:
        started = recorder.now()

        async def create(user: User, how_many: int) -> list[str]:
            ids = []
            for index in range(how_many):
                answer = await user.client.request(
                    "POST", "/v1/items", json=new_item(index), headers=user.auth, route="POST /v1/items"
                )
                if answer.status == 201:
                    ids.append(answer.body["id"])
            return ids

        created = await asyncio.gather(
            *(create(user, part) for user, part in zip(vus, chunks(count, len(vus)), strict=True))
        )
        elapsed = recorder.now() - started
    ids = [item for part in created for item in part]
    rows = await context.scalar(
        "SELECT count(*) FROM items WHERE owner_id = ANY(:owners)", owners=[uuid.UUID(user.id) for user in vus]
    )
    records = [r for r in recorder.of_case(case) if r.route == "POST /v1/items"]
    statuses = Counter(r.status for r in records)
    problems = []
    if statuses != {201: count}:
        problems.append(f"statuses {dict(statuses)}")
    if rows != count or len(set(ids)) != count:
        problems.append(f"{rows} rows and {len(set(ids))} distinct ids for {count} creates")
    served_by = spread(records)
    return CaseResult(
        case,
        verdict(problems),
        f"{rows:,} rows for {count:,} creates in {elapsed:.1f} s ({count / elapsed:.0f}/s), spread {served_by}",
        {
            "creates": count,
            "rows": rows,
            "statuses": dict(statuses),
            "seconds": round(elapsed, 2),
            "served_by": served_by,
        }
        | latency_ms(records),
        problems,
    )


# --- throughput by instance count -------------------------------------------------------------------------------


async def case_throughput(context: ScaleContext) -> CaseResult:
    """The same load with 1, 2, ... N instances in rotation (the others in maintenance): the ratio, and where the
    CPU went."""
    case = "throughput by instance count"
    names = context.state.instance_names()
    seconds = context.profile.throughput_seconds
    runs: list[dict[str, Any]] = []
    async with load_users(context, case) as vus:
        try:
            for active in range(1, len(names) + 1):
                for index, name in enumerate(names):
                    await asyncio.to_thread(context.admin.set_state, name, "ready" if index < active else "maint")
                for index, name in enumerate(names):
                    await asyncio.to_thread(context.admin.wait_for, name, "UP" if index < active else "MAINT", 30.0)
                runs.append(await _measure(context, vus, active, seconds))
        finally:
            for name in names:
                await asyncio.to_thread(context.admin.set_state, name, "ready")
    base = runs[0]["requests_per_second"]
    for run in runs:
        run["ratio"] = round(run["requests_per_second"] / base, 2) if base else None
    problems = [f"{run['instances']} instances: {run['errors']} errors" for run in runs if run["errors"]]
    summary = ", ".join(f"{run['instances']}: {run['requests_per_second']:.0f}/s (x{run['ratio']})" for run in runs)
    return CaseResult(
        case,
        verdict(problems),
        f"{summary}; {_where_the_cpu_went(runs[-1]['cpu_share_of_machine'])}",
        {"seconds_each": seconds, "runs": runs},
        problems,
    )


def _where_the_cpu_went(shares: dict[str, float]) -> str:
    """What limits throughput: with no idle CPU left, the biggest consumers of the machine's cores."""
    busiest = sorted(((share, name) for name, share in shares.items() if name != "idle"), reverse=True)[:4]
    limit = "CPU-bound" if shares.get("idle", 0.0) < 0.05 else f"{shares['idle']:.0%} idle"
    cores = os.cpu_count() or 1
    return f"{cores} cores, {limit}: " + ", ".join(f"{name} {share:.0%}" for share, name in busiest)


async def _measure(context: ScaleContext, vus: list[User], active: int, seconds: float) -> dict[str, Any]:
    recorder = context.recorder
    components = cpu.component_pids(context.state)
    load = MixedLoad(vus)
    running = asyncio.create_task(load.run())
    recorder.event(f"throughput: {active} instance{'s' if active > 1 else ''}")
    # The first second warms connections and pools; it is not counted.
    warm_until = recorder.now() + 1.0
    await until(lambda: recorder.now() >= warm_until, "warm-up")
    before, window_start = cpu.sample(components), recorder.now()
    await until(lambda: recorder.now() >= window_start + seconds, "the measurement window", seconds + 30)
    after, window_end = cpu.sample(components), recorder.now()
    load.stop.set()
    await running
    window = [r for r in recorder.of_case("throughput by instance count") if window_start <= r.finished <= window_end]
    shares = after.since(before)
    return {
        "instances": active,
        "workers": active * context.state.spec.workers,
        "requests": len(window),
        "requests_per_second": round(len(window) / (window_end - window_start), 1),
        "errors": sum(1 for r in window if r.is_server_error),
        "cpu_share_of_machine": {name: round(share, 3) for name, share in shares.items()},
        **latency_ms(window),
    }
