"""Cases about state every instance shares: the schema gate, rate-limit counters, client addresses, refresh tokens."""

from __future__ import annotations

import asyncio
import math
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from scripts.cluster.scale.context import (
    CaseResult,
    ScaleContext,
    spread,
    verdict,
)
from scripts.cluster.scale.load import (
    Client,
    clients,
    login,
    users,
)

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
        verdict(problems),
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
    served_by = spread([r for r in context.recorder.of_case(case) if r.route == route])
    return {
        "route": route,
        "quota": quota,
        "sent": attempts,
        "accepted": accepted,
        "refused_429": statuses[429],
        "statuses": dict(statuses),
        "seconds": round(elapsed, 2),
        "served_by": served_by,
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
    return CaseResult(case, verdict(problems), summary, figures, problems)


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
        verdict(problems),
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
    served_by = spread(records)
    if len(served_by) < len(context.state.instance_names()):
        problems.append(f"the races did not reach every instance: {served_by}")
    return CaseResult(
        case,
        verdict(problems),
        f"{context.profile.race_rounds} rounds x {width}: {dict(outcomes)}, across {len(served_by)} instances",
        {"rounds": context.profile.race_rounds, "width": width, "statuses": dict(outcomes), "served_by": served_by},
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
