"""Cases with an instance lost under load: killed outright (SIGKILL), or drained and stopped (SIGTERM)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from scripts.cluster.scale.context import (
    CaseResult,
    ScaleContext,
    describe,
    in_flight,
    latency_ms,
    load_users,
    rows_present,
    served,
    spread,
    until,
    verdict,
)
from scripts.cluster.scale.load import (
    MixedLoad,
)


@asynccontextmanager
async def loaded(context: ScaleContext, case: str, victim: str) -> AsyncIterator[MixedLoad]:
    """The case's users under mixed load until the block ends, entered once `victim` serves its share of it."""
    recorder = context.recorder
    async with load_users(context, case) as vus:
        load = MixedLoad(vus)
        running = asyncio.create_task(load.run())
        try:
            begun = recorder.now()
            await until(
                lambda: served(recorder.of_case(case), victim, begun) >= context.profile.fault_share,
                f"{victim} to take load",
            )
            yield load
        finally:
            load.stop.set()
            await running


async def case_sigkill(context: ScaleContext) -> CaseResult:
    """SIGKILL one instance (its whole process group) mid-load, then restart it."""
    case = "SIGKILL an instance mid-load"
    victim = context.state.instance_names()[1 % len(context.state.instance_names())]
    share = context.profile.fault_share
    recorder = context.recorder
    async with loaded(context, case, victim) as load:
        killed_at = recorder.event(f"SIGKILL {victim}")
        await asyncio.to_thread(context.cluster.kill_instance, context.state, victim)
        dead_at = recorder.now()  # kill_instance returns once every process of the group is gone
        await asyncio.to_thread(context.admin.wait_for, victim, "DOWN", 30.0)
        down_at = recorder.event(f"{victim} DOWN in HAProxy")
        await until(
            lambda: sum(1 for r in recorder.of_case(case) if r.started > killed_at) >= 3 * share,
            "the others to carry the load",
        )
        await asyncio.to_thread(context.cluster.start_instance, context.state, victim)
        recorder.event(f"{victim} restarted")
        await asyncio.to_thread(context.admin.wait_for, victim, "UP", 60.0)
        back_at = recorder.event(f"{victim} UP in HAProxy")
        await until(lambda: served(recorder.of_case(case), victim, back_at) >= share, f"{victim} to serve again")
    records = recorder.of_case(case)
    acknowledged, present, total = await rows_present(context, load)
    errors = [r for r in records if r.is_server_error]
    # What was in flight on the instance when it died is lost with it on the wire: HAProxy retries a GET that got no
    # answer at all, but not one whose answer had begun, and never a POST, which may have taken effect (see
    # haproxy.cfg.in). It answers 502 or closes the client's connection. The clients here retry as our SDKs do (a
    # create with its Idempotency-Key, so the server replays it or runs it once), so none of them may see an error,
    # and every row of theirs must be one they were told of. Failed attempts on the wire end between the kill and
    # HAProxy taking the instance out of rotation; after that, every request goes elsewhere (a refused connection
    # is retried on another instance), and any failed attempt then is a failure of the case.
    lost_in_flight = [r for r in errors if r.served_by in (victim, "") and killed_at <= r.finished <= down_at]
    unexplained = [r for r in errors if r not in lost_in_flight]
    lost_posts = sum(1 for r in lost_in_flight if r.route.startswith("POST"))
    problems = []
    if unexplained:
        offsets = ", ".join(f"{r.started - killed_at:+.3f}..{r.finished - killed_at:+.3f} s" for r in unexplained[:5])
        problems.append(
            f"{len(unexplained)} errors outside the instance's death: {describe(unexplained)} "
            f"(sent..failed, from the kill: {offsets})"
        )
    if load.failed:
        problems.append(f"{len(load.failed)} errors seen by clients after their retries")
    if present != acknowledged:
        problems.append(f"{acknowledged - present} acknowledged writes missing")
    if total != present:
        problems.append(f"{total - present} writes took effect that no client was told of (a retry ran twice?)")
    summary = (
        f"{len(records)} requests; {len(load.failed)} errors seen by clients; "
        f"{len(lost_in_flight)} attempts in flight on {victim} when it died failed on the wire ({lost_posts} POST, "
        f"{len(lost_in_flight) - lost_posts} GET, in the {down_at - killed_at:.1f} s until HAProxy took it out) "
        f"and were retried by their clients ({load.retried} retries; POSTs with their Idempotency-Key); "
        f"{present}/{acknowledged} acknowledged writes present, {total - present} extra"
    )
    return CaseResult(
        case,
        verdict(problems),
        summary,
        {
            "victim": victim,
            "requests": len(records),
            "errors": len(errors),
            "errors_seen_by_clients": len(load.failed),
            "retries": load.retried,
            "lost_in_flight_when_killed": {
                "posts": lost_posts,
                "gets": len(lost_in_flight) - lost_posts,
                "what": describe(lost_in_flight),
            },
            "seconds_kill_to_gone": round(dead_at - killed_at, 3),
            "seconds_kill_to_out_of_rotation": round(down_at - killed_at, 3),
            "acknowledged_writes": acknowledged,
            "acknowledged_present": present,
            "rows_of_these_users": total,
            "unacknowledged_writes_that_took_effect": total - present,
            "served_by": spread(records),
            **latency_ms(records),
        },
        problems,
    )


async def case_sigterm(context: ScaleContext) -> CaseResult:
    """SIGTERM one instance mid-load: what it had in flight completes (the drain), nobody sees an error."""
    case = "SIGTERM an instance mid-load (drained)"
    names = context.state.instance_names()
    victim = names[2 % len(names)]
    share = context.profile.fault_share
    recorder = context.recorder
    async with loaded(context, case, victim) as load:
        stopped_at = recorder.event(f"drain + SIGTERM {victim}")
        await asyncio.to_thread(context.cluster.stop_instance, context.state, victim)
        drained = await asyncio.to_thread(context.cluster.wait_instance_gone, context.state, victim, 60.0)
        exited_at = recorder.event(f"{victim} exited")
        await asyncio.to_thread(context.admin.wait_for, victim, "DOWN", 30.0)
        recorder.event(f"{victim} DOWN in HAProxy")
        await asyncio.to_thread(context.cluster.start_instance, context.state, victim)
        await asyncio.to_thread(context.admin.set_state, victim, "ready")
        recorder.event(f"{victim} restarted")
        await asyncio.to_thread(context.admin.wait_for, victim, "UP", 60.0)
        back_at = recorder.event(f"{victim} UP in HAProxy")
        await until(lambda: served(recorder.of_case(case), victim, back_at) >= share, f"{victim} to serve again")
    records = recorder.of_case(case)
    acknowledged, present, _ = await rows_present(context, load)
    errors = [r for r in records if r.is_server_error]
    in_flight_at_stop = in_flight(records, victim, stopped_at)
    problems = []
    if errors:
        problems.append(f"{len(errors)} errors: {describe(errors)}")
    if not drained:
        problems.append(f"{victim} did not exit within 60 s of SIGTERM")
    if not in_flight_at_stop:
        problems.append(f"nothing was in flight on {victim} at SIGTERM: the drain was not exercised")
    if present != acknowledged:
        problems.append(f"{acknowledged - present} acknowledged writes missing")
    return CaseResult(
        case,
        verdict(problems),
        f"{len(records)} requests, {len(errors)} errors; {len(in_flight_at_stop)} in flight on {victim} at SIGTERM all "
        f"answered; drained and exited in {exited_at - stopped_at:.1f} s",
        {
            "victim": victim,
            "requests": len(records),
            "errors": len(errors),
            "in_flight_at_sigterm": len(in_flight_at_stop),
            "in_flight_statuses": dict(Counter(r.status for r in in_flight_at_stop)),
            "seconds_to_exit": round(exited_at - stopped_at, 2),
            "acknowledged_writes": acknowledged,
            "acknowledged_present": present,
            "served_by": spread(records),
            **latency_ms(records),
        },
        problems,
    )
