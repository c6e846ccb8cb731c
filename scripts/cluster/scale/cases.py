"""The scale test's cases: one async function each, taking the context, returning a CaseResult.

CASES lists them in the order they run. A case that needs a feature not built yet returns PENDING and says what it
will prove (issue 8: Idempotency-Key in section 1, ETag/If-Match in section 2): its body replaces the placeholder
when the feature lands, and its verdict then counts like any other.

Faults are timed by conditions, not by the clock: an instance is killed once it has answered enough of the load,
restarted once the others have carried enough without it, and the load stops once the restarted instance has
taken its share again.
"""

from __future__ import annotations

import asyncio
import math
import random
import statistics
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from scripts.cluster.cluster import Cluster, ClusterState
from scripts.cluster.haproxy_admin import HAProxyAdmin
from scripts.cluster.scale import cpu
from scripts.cluster.scale.load import (
    AddressPool,
    Client,
    Recorder,
    RequestRecord,
    User,
    chunks,
    clients,
    login,
    new_item,
    users,
)

__all__ = ["CASES", "CaseResult", "Profile", "ScaleContext"]

Verdict = Literal["PASS", "FAIL", "NOT RUN", "PENDING"]

#: How long any condition of a case may take before the case gives up (a liveness bound, not a timing claim).
CONDITION_TIMEOUT_SECONDS: Final = 120.0
_POLL_SECONDS: Final = 0.05


@dataclass(frozen=True)
class Profile:
    name: str
    creates: int = 10_000
    load_clients: int = 16
    race_rounds: int = 10
    race_width: int = 20
    throughput_seconds: float = 15.0
    # Requests an instance must answer before it is killed or stopped, and after it is back.
    fault_share: int = 150


PROFILES: Final = {
    "full": Profile("full"),
    "short": Profile("short", creates=2_000, race_rounds=3, throughput_seconds=6.0, fault_share=60),
}


@dataclass
class CaseResult:
    name: str
    verdict: Verdict
    summary: str
    figures: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass
class ScaleContext:
    cluster: Cluster
    state: ClusterState
    admin: HAProxyAdmin
    recorder: Recorder
    addresses: AddressPool
    profile: Profile
    database: AsyncEngine  # PostgreSQL itself, not through PgBouncer: the checks read what was stored

    @property
    def base_url(self) -> str:
        return self.state.frontend_url

    @property
    def shared_counters(self) -> bool:
        return not self.state.rate_limit_storage_url.startswith("memory://")

    async def scalar(self, sql: str, **parameters: Any) -> Any:
        async with self.database.connect() as connection:
            return (await connection.execute(text(sql), parameters)).scalar_one()

    async def rows(self, sql: str, **parameters: Any) -> list[Any]:
        async with self.database.connect() as connection:
            return list((await connection.execute(text(sql), parameters)).all())


Case = Callable[[ScaleContext], Awaitable[CaseResult]]


def _verdict(problems: Sequence[str]) -> Verdict:
    return "FAIL" if problems else "PASS"


async def _until(condition: Callable[[], bool], what: str, limit_seconds: float = CONDITION_TIMEOUT_SECONDS) -> None:
    """Poll ``condition`` until it holds; fail the case (TimeoutError) at the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_seconds
    while not condition():
        if loop.time() >= deadline:
            raise TimeoutError(f"waited {limit_seconds:g} s for {what}")
        await asyncio.sleep(_POLL_SECONDS)


def _served(records: Sequence[RequestRecord], instance: str, since: float = 0.0) -> int:
    return sum(1 for r in records if r.served_by == instance and r.started >= since and not r.is_server_error)


def _latency_ms(records: Sequence[RequestRecord]) -> dict[str, float]:
    if not records:
        return {}
    seconds = sorted(r.seconds for r in records)
    return {
        "p50_ms": round(1000 * statistics.median(seconds), 1),
        "p99_ms": round(1000 * seconds[min(len(seconds) - 1, math.ceil(0.99 * len(seconds)) - 1)], 1),
        "max_ms": round(1000 * seconds[-1], 1),
    }


def _spread(records: Sequence[RequestRecord]) -> dict[str, int]:
    return dict(sorted(Counter(r.served_by or "?" for r in records).items()))


# --- startup: the migration step and the schema gate -----------------------------------------------------------


async def case_schema_gate(context: ScaleContext) -> CaseResult:
    """Instances started before the migration step refused to serve (readiness 503 naming the schema)."""
    observed = context.state.startup.get("readiness_before_migration", {})
    problems = [
        f"{name} answered readiness {seen['status']} before the migration step (expected 503 with the schema)"
        for name, seen in observed.items()
        if seen["status"] != 503 or "migration step" not in seen["body"]
    ]
    if len(observed) != len(context.state.instance_names()):
        problems.append("readiness was not observed on every instance before the migration step")
    servers = context.admin.servers()
    problems += [f"{name} is {s.status} after the migration step" for name, s in servers.items() if s.status != "UP"]
    return CaseResult(
        "instances wait for the migration step",
        _verdict(problems),
        f"readiness before migrating: {sorted({seen['status'] for seen in observed.values()})}; after: all UP",
        {"readiness_before_migration": observed},
        problems,
    )


# --- shared rate limits ------------------------------------------------------------------------------------------


async def _spend_quota(
    context: ScaleContext, case: str, route: str, quota: int, send: Callable[[Client], Awaitable[int]]
) -> dict[str, Any]:
    """One client address sends 10% more than ``quota`` requests, 16 at a time, through HAProxy."""
    attempts = math.ceil(quota * 1.1)
    statuses: Counter[int] = Counter()
    async with clients(context.base_url, [context.addresses.take()], context.recorder, case, connections=16) as [
        client
    ]:
        started = context.recorder.now()
        remaining = iter(range(attempts))

        async def worker() -> None:
            for _ in remaining:
                statuses[await send(client)] += 1

        await asyncio.gather(*(worker() for _ in range(16)))
        elapsed = context.recorder.now() - started
    accepted = sum(count for status, count in statuses.items() if status != 429)
    spread = _spread([r for r in context.recorder.of_case(case) if r.route == route])
    return {
        "route": route,
        "quota": quota,
        "sent": attempts,
        "accepted": accepted,
        "refused_429": statuses[429],
        "statuses": dict(statuses),
        "seconds": round(elapsed, 2),
        "served_by": spread,
    }


async def case_global_rate_limit(context: ScaleContext) -> CaseResult:
    """One client gets exactly its quota across every instance and worker (general and credentials quotas)."""
    case = "global rate limit"
    spec = context.state.spec
    general_quota = int(spec.rate_limit.split("/")[0])
    credentials_quota = int(spec.auth_rate_limit.split("/")[0])

    async def list_articles(client: Client) -> int:
        return (await client.request("GET", "/v1/articles?limit=1", route="GET /v1/articles")).status

    async def bad_refresh(client: Client) -> int:
        answer = await client.request(
            "POST",
            "/v1/auth/token",
            data={"grant_type": "refresh_token", "refresh_token": "not-a-token"},
            route="POST /v1/auth/token (refresh)",
        )
        return answer.status

    general = await _spend_quota(context, case, "GET /v1/articles", general_quota, list_articles)
    credentials = await _spend_quota(context, case, "POST /v1/auth/token (refresh)", credentials_quota, bad_refresh)
    figures = {"general": general, "credentials": credentials, "storage": context.state.rate_limit_storage_url}
    summary = (
        f"general {general['accepted']}/{general_quota}, credentials {credentials['accepted']}/{credentials_quota} "
        f"accepted across {len(general['served_by'])} instances"
    )
    if not context.shared_counters:
        return CaseResult(
            case,
            "NOT RUN",
            f"{summary}: counters are per process (memory://); runs once the Redis storage works",
            figures,
        )
    problems = []
    for measured in (general, credentials):
        tolerance = max(1, math.floor(measured["quota"] / 100))
        if abs(measured["accepted"] - measured["quota"]) > tolerance:
            problems.append(
                f"{measured['route']}: {measured['accepted']} accepted, quota {measured['quota']} (+-{tolerance})"
            )
        if any(status >= 500 for status in measured["statuses"]):
            problems.append(f"{measured['route']}: server errors {measured['statuses']}")
        if measured["seconds"] >= 60:
            problems.append(f"{measured['route']}: took {measured['seconds']} s, longer than the 1-minute window")
        if len(measured["served_by"]) < len(context.state.instance_names()):
            problems.append(f"{measured['route']}: not spread over every instance: {measured['served_by']}")
    return CaseResult(case, _verdict(problems), summary, figures, problems)


async def case_forwarded_for_trust(context: ScaleContext) -> CaseResult:
    """X-Forwarded-For counts only from HAProxy: clients cannot pick their own quota bucket."""
    case = "X-Forwarded-For trusted from HAProxy only"
    if not context.shared_counters:
        return CaseResult(
            case, "NOT RUN", "needs shared counters to see which quota a request counted against (memory://)"
        )
    quota = int(context.state.spec.rate_limit.split("/")[0])
    direct_url = context.state.instance_url(context.state.instance_names()[0])

    async def remaining_after(client: Client, spoofed: str | None) -> int:
        headers = {"X-Forwarded-For": spoofed} if spoofed else None
        answer = await client.request("GET", "/v1/articles?limit=1", headers=headers, route="GET /v1/articles")
        return int(answer.header("RateLimit-Remaining") or -1)

    spoof = [f"203.0.113.{index}" for index in range(1, 6)]
    async with (
        clients(context.base_url, context.addresses.take_many(3), context.recorder, case) as proxied,
        clients(direct_url, [context.addresses.take()], context.recorder, case) as [direct],
    ):
        through_proxy = [await remaining_after(proxied[0], address) for address in spoof]
        straight_to_instance = [await remaining_after(direct, address) for address in spoof]
        # Two other clients through HAProxy: each its own bucket, so the instances do take HAProxy's word.
        separate_clients = [await remaining_after(client, None) for client in proxied[1:]]
    expected = [quota - count for count in range(1, 6)]
    problems = []
    if through_proxy != expected:
        problems.append(f"spoofed X-Forwarded-For through HAProxy changed the bucket: remaining {through_proxy}")
    if straight_to_instance != expected:
        problems.append(f"an instance trusted X-Forwarded-For from a client: remaining {straight_to_instance}")
    if separate_clients != [quota - 1, quota - 1]:
        problems.append(f"clients behind HAProxy share a bucket: remaining {separate_clients}")
    return CaseResult(
        case,
        _verdict(problems),
        "spoofed headers ignored through HAProxy and straight to an instance; real clients kept apart",
        {
            "through_haproxy": through_proxy,
            "straight_to_instance": straight_to_instance,
            "separate_clients": separate_clients,
        },
        problems,
    )


# --- refresh-token race --------------------------------------------------------------------------------------------


async def case_refresh_token_race(context: ScaleContext) -> CaseResult:
    """Many copies of one refresh token at once, through every instance: one winner, the family revoked, the
    user's other login untouched."""
    case = "refresh-token race"
    width = context.profile.race_width
    problems: list[str] = []
    outcomes: Counter[int] = Counter()
    for round_number in range(context.profile.race_rounds):
        async with users(context.base_url, [context.addresses.take()], context.recorder, case) as [user]:
            other_login = await login(user.client, user.email)  # a second family of the same user
            async with clients(context.base_url, [user.client.address], context.recorder, case, connections=width) as [
                racer
            ]:
                answers = await asyncio.gather(
                    *(
                        racer.request(
                            "POST",
                            "/v1/auth/token",
                            data={"grant_type": "refresh_token", "refresh_token": user.refresh_token},
                            route="POST /v1/auth/token (refresh race)",
                        )
                        for _ in range(width)
                    )
                )
            statuses = Counter(answer.status for answer in answers)
            outcomes.update(statuses)
            if statuses != {200: 1, 400: width - 1}:
                problems.append(f"round {round_number + 1}: {dict(statuses)} (expected one 200, {width - 1} x 400)")
                continue
            if any(a.body.get("error") != "invalid_grant" for a in answers if a.status == 400):
                problems.append(f"round {round_number + 1}: a refused refresh was not invalid_grant")
            (winner,) = [answer.body for answer in answers if answer.status == 200]
            # Reuse revokes the family, so even the winner's new token is dead; the other login lives on.
            reused = await _refresh(user.client, winner["refresh_token"])
            other = await _refresh(user.client, other_login["refresh_token"])
            if reused != 400:
                problems.append(f"round {round_number + 1}: the winner's token answered {reused} after reuse")
            if other != 200:
                problems.append(f"round {round_number + 1}: the user's other login answered {other}")
            families = await context.rows(
                "SELECT count(*) FILTER (WHERE revoked_at IS NULL) AS live, count(*) AS total "
                "FROM refresh_tokens WHERE user_id = :user GROUP BY family_id",
                user=uuid.UUID(user.id),
            )
            live = sorted((row.live, row.total) for row in families)
            # The raced family: its first token and the winner's, both revoked; the other login's: neither revoked.
            if live != [(0, 2), (2, 2)]:
                problems.append(f"round {round_number + 1}: refresh-token families (live, total) {live}")
    records = [r for r in context.recorder.of_case(case) if r.route == "POST /v1/auth/token (refresh race)"]
    spread = _spread(records)
    if len(spread) < len(context.state.instance_names()):
        problems.append(f"the races did not reach every instance: {spread}")
    return CaseResult(
        case,
        _verdict(problems),
        f"{context.profile.race_rounds} rounds x {width}: {dict(outcomes)}, across {len(spread)} instances",
        {"rounds": context.profile.race_rounds, "width": width, "statuses": dict(outcomes), "served_by": spread},
        problems,
    )


async def _refresh(client: Client, token: str) -> int:
    answer = await client.request(
        "POST",
        "/v1/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": token},
        route="POST /v1/auth/token (refresh)",
    )
    return answer.status


# --- load with faults ----------------------------------------------------------------------------------------------


@dataclass
class MixedLoad:
    """Each user in a loop: create an item, then read: one of its items, its list, one item again, its list."""

    users: list[User]
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    acknowledged: dict[str, list[str]] = field(default_factory=dict)  # user id -> ids of items answered 201

    async def run(self) -> None:
        await asyncio.gather(*(self._one(user, index) for index, user in enumerate(self.users)))

    async def _one(self, user: User, seed: int) -> None:
        chooser = random.Random(seed)  # noqa: S311 (which item to read next: no secret)
        mine = self.acknowledged.setdefault(user.id, [])
        step = 0
        while not self.stop.is_set():
            kind = step % 5
            step += 1
            if kind == 0 or not mine:
                created = await user.client.request(
                    "POST", "/v1/items", json=new_item(step), headers=user.auth, route="POST /v1/items"
                )
                if created.status == 201:
                    mine.append(created.body["id"])
            elif kind in (1, 3):
                await user.client.request(
                    "GET", f"/v1/items/{chooser.choice(mine)}", headers=user.auth, route="GET /v1/items/{id}"
                )
            else:
                await user.client.request("GET", "/v1/items?limit=10", headers=user.auth, route="GET /v1/items")


async def _rows_present(context: ScaleContext, load: MixedLoad) -> tuple[int, int, int]:
    """(acknowledged, of those present, rows of these users in total) straight from PostgreSQL."""
    acknowledged = [uuid.UUID(item) for items in load.acknowledged.values() for item in items]
    present = await context.scalar("SELECT count(*) FROM items WHERE id = ANY(:ids)", ids=acknowledged)
    total = await context.scalar(
        "SELECT count(*) FROM items WHERE owner_id = ANY(:owners)", owners=[uuid.UUID(user.id) for user in load.users]
    )
    return len(acknowledged), present, total


def _load_users(context: ScaleContext, case: str) -> AbstractAsyncContextManager[list[User]]:
    """The load's simulated users: one address each, so none comes near its quota."""
    return users(context.base_url, context.addresses.take_many(context.profile.load_clients), context.recorder, case)


def _in_flight(records: Sequence[RequestRecord], instance: str, moment: float) -> list[RequestRecord]:
    return [r for r in records if r.served_by == instance and r.started < moment < r.finished]


async def case_sigkill(context: ScaleContext) -> CaseResult:
    """SIGKILL one instance (its whole process group) mid-load, then restart it."""
    case = "SIGKILL an instance mid-load"
    victim = context.state.instance_names()[1 % len(context.state.instance_names())]
    share = context.profile.fault_share
    recorder = context.recorder
    async with _load_users(context, case) as vus:
        load = MixedLoad(vus)
        running = asyncio.create_task(load.run())
        try:
            begun = recorder.now()
            await _until(lambda: _served(recorder.of_case(case), victim, begun) >= share, f"{victim} to take load")
            killed_at = recorder.event(f"SIGKILL {victim}")
            await asyncio.to_thread(context.cluster.kill_instance, context.state, victim)
            dead_at = recorder.now()  # kill_instance returns once every process of the group is gone
            await asyncio.to_thread(context.admin.wait_for, victim, "DOWN", 30.0)
            down_at = recorder.event(f"{victim} DOWN in HAProxy")
            await _until(
                lambda: sum(1 for r in recorder.of_case(case) if r.started > killed_at) >= 3 * share,
                "the others to carry the load",
            )
            await asyncio.to_thread(context.cluster.start_instance, context.state, victim)
            recorder.event(f"{victim} restarted")
            await asyncio.to_thread(context.admin.wait_for, victim, "UP", 60.0)
            back_at = recorder.event(f"{victim} UP in HAProxy")
            await _until(lambda: _served(recorder.of_case(case), victim, back_at) >= share, f"{victim} to serve again")
        finally:
            load.stop.set()
            await running
    records = recorder.of_case(case)
    acknowledged, present, total = await _rows_present(context, load)
    errors = [r for r in records if r.is_server_error]
    # What was in flight on the instance when it died is lost with it, and nobody can hide that without help from
    # the client: HAProxy retries a GET that got no answer at all, but not one whose answer had begun (the client
    # has the headers already), and never a POST, which may have taken effect (the Idempotency-Key of issue 8,
    # section 1, makes retrying it safe). HAProxy answers 502 or, for a client connection it has to give up, closes
    # it the way the server did (no answer, so no X-Served-By). Such failures end between the kill and HAProxy
    # taking the instance out of rotation; after that, every request goes elsewhere (a refused connection is
    # retried on another instance), and any error then is a failure of the case.
    lost_in_flight = [r for r in errors if r.served_by in (victim, "") and killed_at <= r.finished <= down_at]
    unexplained = [r for r in errors if r not in lost_in_flight]
    lost_posts = sum(1 for r in lost_in_flight if r.route.startswith("POST"))
    problems = []
    if unexplained:
        offsets = ", ".join(f"{r.started - killed_at:+.3f}..{r.finished - killed_at:+.3f} s" for r in unexplained[:5])
        problems.append(
            f"{len(unexplained)} errors outside the instance's death: {_describe(unexplained)} "
            f"(sent..failed, from the kill: {offsets})"
        )
    if present != acknowledged:
        problems.append(f"{acknowledged - present} acknowledged writes missing")
    summary = (
        f"{len(records)} requests; {len(unexplained)} errors beyond those in flight on {victim} when it died "
        f"({len(lost_in_flight)} in the {down_at - killed_at:.1f} s until HAProxy took it out: {lost_posts} POST, "
        f"{len(lost_in_flight) - lost_posts} GET); "
        f"{present}/{acknowledged} acknowledged writes present; "
        f"{total - present} unacknowledged writes took effect"
    )
    return CaseResult(
        case,
        _verdict(problems),
        summary,
        {
            "victim": victim,
            "requests": len(records),
            "errors": len(errors),
            "lost_in_flight_when_killed": {
                "posts": lost_posts,
                "gets": len(lost_in_flight) - lost_posts,
                "what": _describe(lost_in_flight),
            },
            "seconds_kill_to_gone": round(dead_at - killed_at, 3),
            "seconds_kill_to_out_of_rotation": round(down_at - killed_at, 3),
            "acknowledged_writes": acknowledged,
            "acknowledged_present": present,
            "rows_of_these_users": total,
            "unacknowledged_writes_that_took_effect": total - present,
            "served_by": _spread(records),
            **_latency_ms(records),
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
    async with _load_users(context, case) as vus:
        load = MixedLoad(vus)
        running = asyncio.create_task(load.run())
        try:
            begun = recorder.now()
            await _until(lambda: _served(recorder.of_case(case), victim, begun) >= share, f"{victim} to take load")
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
            await _until(lambda: _served(recorder.of_case(case), victim, back_at) >= share, f"{victim} to serve again")
        finally:
            load.stop.set()
            await running
    records = recorder.of_case(case)
    acknowledged, present, _ = await _rows_present(context, load)
    errors = [r for r in records if r.is_server_error]
    in_flight = _in_flight(records, victim, stopped_at)
    problems = []
    if errors:
        problems.append(f"{len(errors)} errors: {_describe(errors)}")
    if not drained:
        problems.append(f"{victim} did not exit within 60 s of SIGTERM")
    if not in_flight:
        problems.append(f"nothing was in flight on {victim} at SIGTERM: the drain was not exercised")
    if present != acknowledged:
        problems.append(f"{acknowledged - present} acknowledged writes missing")
    return CaseResult(
        case,
        _verdict(problems),
        f"{len(records)} requests, {len(errors)} errors; {len(in_flight)} in flight on {victim} at SIGTERM all "
        f"answered; drained and exited in {exited_at - stopped_at:.1f} s",
        {
            "victim": victim,
            "requests": len(records),
            "errors": len(errors),
            "in_flight_at_sigterm": len(in_flight),
            "in_flight_statuses": dict(Counter(r.status for r in in_flight)),
            "seconds_to_exit": round(exited_at - stopped_at, 2),
            "acknowledged_writes": acknowledged,
            "acknowledged_present": present,
            "served_by": _spread(records),
            **_latency_ms(records),
        },
        problems,
    )


def _describe(records: Sequence[RequestRecord]) -> str:
    shown = Counter(f"{r.route} -> {r.status or r.error} via {r.served_by or '?'}" for r in records)
    return "; ".join(f"{count} x {what}" for what, count in shown.most_common(5))


# --- many creates --------------------------------------------------------------------------------------------------


async def case_many_creates(context: ScaleContext) -> CaseResult:
    """Creates spread over every instance: exactly as many rows as creates, each answered 201."""
    case = f"{context.profile.creates:,} creates"
    recorder = context.recorder
    count = context.profile.creates
    async with _load_users(context, case) as vus:
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
    spread = _spread(records)
    return CaseResult(
        case,
        _verdict(problems),
        f"{rows:,} rows for {count:,} creates in {elapsed:.1f} s ({count / elapsed:.0f}/s), spread {spread}",
        {"creates": count, "rows": rows, "statuses": dict(statuses), "seconds": round(elapsed, 2), "served_by": spread}
        | _latency_ms(records),
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
    async with _load_users(context, case) as vus:
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
    return CaseResult(case, _verdict(problems), summary, {"seconds_each": seconds, "runs": runs}, problems)


async def _measure(context: ScaleContext, vus: list[User], active: int, seconds: float) -> dict[str, Any]:
    recorder = context.recorder
    components = cpu.component_pids(context.state)
    load = MixedLoad(vus)
    running = asyncio.create_task(load.run())
    recorder.event(f"throughput: {active} instance{'s' if active > 1 else ''}")
    # The first second warms connections and pools; it is not counted.
    warm_until = recorder.now() + 1.0
    await _until(lambda: recorder.now() >= warm_until, "warm-up")
    before, window_start = cpu.sample(components), recorder.now()
    await _until(lambda: recorder.now() >= window_start + seconds, "the measurement window", seconds + 30)
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
        **_latency_ms(window),
    }


# --- placeholders: the cases that need issue 8's sections 1 and 2 -------------------------------------------------


async def case_idempotent_retry(context: ScaleContext) -> CaseResult:
    """PENDING until Idempotency-Key lands (issue 8, section 1). Then, through the cluster:
    - a POST /v1/items with a key, sent through one instance and retried (same key, same body) through another
      (straight to the instance ports: context.state.instance_url), replays the first answer exactly (status, body,
      Location) with the replay header; one row exists;
    - 20 concurrent copies with one key spread over the instances: exactly one effect (one row), the rest replays
      or 409 with Retry-After, zero 5xx;
    - then switch HAProxy's retry rule for keyed POSTs on (deploy/cluster/haproxy.cfg.in says how) and tighten
      case_sigkill: zero 502s for POSTs, since the clients' keyed POSTs become safe to retry.
    """
    return CaseResult(
        "idempotent POST retried through another instance",
        "PENDING",
        "needs Idempotency-Key (issue 8, section 1): replay across instances, 20 copies -> one effect",
    )


async def case_stale_write_refused(context: ScaleContext) -> CaseResult:
    """PENDING until ETag / If-Match land (issue 8, section 2). Then, through the cluster: GET an item through
    one instance (its ETag), PATCH it through another, then PATCH through a third with the first ETag in If-Match:
    412 problem, and the stored item keeps the second write; 10 concurrent read-modify-write clients spread over
    the instances: every update applied or refused with 412, none silently lost.
    """
    return CaseResult(
        "stale write refused through another instance",
        "PENDING",
        "needs ETag / If-Match (issue 8, section 2): a stale If-Match through another instance gets 412",
    )


CASES: Final[list[Case]] = [
    case_schema_gate,
    case_global_rate_limit,
    case_forwarded_for_trust,
    case_refresh_token_race,
    case_many_creates,
    case_sigkill,
    case_sigterm,
    case_throughput,
    case_idempotent_retry,  # issue 8, section 1
    case_stale_write_refused,  # issue 8, section 2
]
