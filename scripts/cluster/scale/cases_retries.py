"""Cases about safe retries and lost updates across instances: Idempotency-Key (issue 8, section 1) and ETag /
If-Match (section 2). Requests go straight to the instances' own ports where a case needs "through another
instance", and through HAProxy for the races (round robin spreads them)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from contextlib import AsyncExitStack

from scripts.cluster.scale.context import (
    CaseResult,
    ScaleContext,
    spread,
    verdict,
)
from scripts.cluster.scale.load import Client, User, clients, new_item, users

RMW_CLIENTS = 10


async def _direct(stack: AsyncExitStack, context: ScaleContext, user: User, case: str) -> list[Client]:
    """One client per instance, straight to its port, from the user's address."""
    found = []
    for name in context.state.instance_names():
        url = context.state.instance_url(name)
        (client,) = await stack.enter_async_context(clients(url, [user.client.address], context.recorder, case))
        found.append(client)
    return found


async def case_idempotent_retry(context: ScaleContext) -> CaseResult:
    """A keyed POST retried through another instance replays the first answer exactly; 20 concurrent copies
    spread over the instances have one effect, the rest replay or answer 409 with Retry-After, never 5xx."""
    case = "idempotent POST retried through another instance"
    width = context.profile.race_width
    problems: list[str] = []
    outcomes: Counter[str] = Counter()
    async with users(context.base_url, [context.addresses.take()], context.recorder, case) as [user]:
        names = context.state.instance_names()
        async with AsyncExitStack() as stack:
            via = await _direct(stack, context, user, case)
            first_client, second_client = via[0], via[1 % len(via)]
            key = str(uuid.uuid4())
            headers = {**user.auth, "Idempotency-Key": key}
            body = new_item(0)
            first = await first_client.request("POST", "/v1/items", json=body, headers=headers, route="POST keyed")
            again = await second_client.request("POST", "/v1/items", json=body, headers=headers, route="POST keyed")
            if first.status != 201:
                problems.append(f"first keyed POST via {names[0]}: {first.status} {first.body}")
            elif (again.status, again.body, again.header("Location"), again.header("ETag")) != (
                first.status,
                first.body,
                first.header("Location"),
                first.header("ETag"),
            ):
                problems.append(f"retry via {names[1 % len(names)]} differs: {again.status} {again.body}")
            elif again.header("Idempotent-Replayed") != "true":
                problems.append("the replay is not marked Idempotent-Replayed: true")
            mismatch = await second_client.request(
                "POST", "/v1/items", json=new_item(1), headers=headers, route="POST keyed"
            )
            if mismatch.status != 422:
                problems.append(f"same key, other body: {mismatch.status} (expected 422)")
            rows = await context.scalar("SELECT count(*) FROM items WHERE owner_id = :u", u=uuid.UUID(user.id))
            if rows != 1:
                problems.append(f"{rows} items after a POST and its retry (expected 1)")

        for round_number in range(context.profile.race_rounds):
            key = str(uuid.uuid4())
            body = {**new_item(round_number), "name": f"race {round_number}"}
            async with clients(context.base_url, [user.client.address], context.recorder, case, connections=width) as [
                racer
            ]:
                answers = await asyncio.gather(
                    *(
                        racer.request(
                            "POST",
                            "/v1/items",
                            json=body,
                            headers={**user.auth, "Idempotency-Key": key},
                            route="POST keyed (race)",
                        )
                        for _ in range(width)
                    )
                )
            statuses = Counter(a.status for a in answers)
            replays = sum(1 for a in answers if a.header("Idempotent-Replayed") == "true")
            outcomes.update({"201 first": statuses[201] - replays, "201 replayed": replays, "409": statuses[409]})
            other = {s: n for s, n in statuses.items() if s not in (201, 409)}
            if other:
                problems.append(f"round {round_number + 1}: unexpected statuses {other}")
            if statuses[201] - replays != 1:
                problems.append(f"round {round_number + 1}: {statuses[201] - replays} first answers (expected 1)")
            if any(a.header("Retry-After") == "" for a in answers if a.status == 409):
                problems.append(f"round {round_number + 1}: a 409 without Retry-After")
            if len({str(a.body) for a in answers if a.status == 201}) > 1:
                problems.append(f"round {round_number + 1}: the 201 answers differ")
            rows = await context.scalar(
                "SELECT count(*) FROM items WHERE owner_id = :u AND name = :n", u=uuid.UUID(user.id), n=body["name"]
            )
            if rows != 1:
                problems.append(f"round {round_number + 1}: {rows} rows for one key (expected 1)")
    served_by = spread([r for r in context.recorder.of_case(case) if r.route == "POST keyed (race)"])
    if len(served_by) < len(context.state.instance_names()):
        problems.append(f"the races did not reach every instance: {served_by}")
    return CaseResult(
        case,
        verdict(problems),
        f"retry via another instance replayed; {context.profile.race_rounds} rounds x {width} copies: "
        f"{dict(outcomes)}, one row per key, across {len(served_by)} instances",
        {"rounds": context.profile.race_rounds, "width": width, "outcomes": dict(outcomes), "served_by": served_by},
        problems,
    )


async def _add_tag(client: Client, user: User, path: str, tag: str) -> tuple[int, list[int]]:
    """Read-modify-write with If-Match, retried on 412: (attempts, statuses seen)."""
    seen: list[int] = []
    for attempt in range(1, 101):
        got = await client.request("GET", path, headers=user.auth, route="GET /v1/items/{id}")
        if got.status != 200:
            seen.append(got.status)
            continue
        answer = await client.request(
            "PATCH",
            path,
            json={"tags": [*got.body["tags"], tag]},
            headers={**user.auth, "If-Match": got.header("ETag")},
            route="PATCH /v1/items/{id} (If-Match)",
        )
        seen.append(answer.status)
        if answer.status == 200:
            return attempt, seen
    return 100, seen


async def case_stale_write_refused(context: ScaleContext) -> CaseResult:
    """A stale If-Match through another instance gets 412 and changes nothing; 10 read-modify-write clients spread
    over the instances each add a tag, retrying on 412: all 10 tags end up stored, none silently lost."""
    case = "stale write refused through another instance"
    problems: list[str] = []
    async with users(context.base_url, [context.addresses.take()], context.recorder, case) as [user]:
        names = context.state.instance_names()
        async with AsyncExitStack() as stack:
            via = await _direct(stack, context, user, case)
            a, b, c = via[0], via[1 % len(via)], via[2 % len(via)]
            created = await a.request("POST", "/v1/items", json=new_item(0), headers=user.auth, route="POST /v1/items")
            path = created.header("Location")
            read = await a.request("GET", path, headers=user.auth, route="GET /v1/items/{id}")
            second = await b.request(
                "PATCH",
                path,
                json={"name": "second write"},
                headers={**user.auth, "If-Match": read.header("ETag")},
                route="PATCH /v1/items/{id} (If-Match)",
            )
            stale = await c.request(
                "PATCH",
                path,
                json={"name": "stale write"},
                headers={**user.auth, "If-Match": read.header("ETag")},
                route="PATCH /v1/items/{id} (If-Match)",
            )
            stored = await context.scalar("SELECT name FROM items WHERE id = :i", i=uuid.UUID(created.body["id"]))
            if second.status != 200:
                problems.append(f"the second write via {names[1 % len(names)]}: {second.status}")
            if stale.status != 412:
                problems.append(f"the stale write via {names[2 % len(names)]}: {stale.status} (expected 412)")
            if stored != "second write":
                problems.append(f"stored name {stored!r} (expected the second write's)")

        created = await user.client.request(
            "POST", "/v1/items", json={**new_item(1), "tags": []}, headers=user.auth, route="POST /v1/items"
        )
        path = created.header("Location")
        wanted = [f"client-{n}" for n in range(RMW_CLIENTS)]
        async with clients(
            context.base_url, context.addresses.take_many(RMW_CLIENTS), context.recorder, case
        ) as writers:
            results = await asyncio.gather(
                *(_add_tag(w, user, path, tag) for w, tag in zip(writers, wanted, strict=True))
            )
        stored_tags = await context.scalar("SELECT tags FROM items WHERE id = :i", i=uuid.UUID(created.body["id"]))
        if isinstance(stored_tags, str):  # a json column, not jsonb: the text
            stored_tags = json.loads(stored_tags)
        statuses = Counter(s for _, seen in results for s in seen)
        if sorted(stored_tags) != sorted(wanted):
            problems.append(f"stored tags {sorted(stored_tags)}: lost {sorted(set(wanted) - set(stored_tags))}")
        unexpected = {s: n for s, n in statuses.items() if s not in (200, 412)}
        if unexpected:
            problems.append(f"read-modify-write statuses {unexpected}")
    served_by = spread([r for r in context.recorder.of_case(case) if r.route == "PATCH /v1/items/{id} (If-Match)"])
    return CaseResult(
        case,
        verdict(problems),
        f"stale If-Match via another instance: 412; {RMW_CLIENTS} read-modify-write clients: "
        f"{len(stored_tags)}/{RMW_CLIENTS} tags kept, PATCH statuses {dict(statuses)}",
        {"patch_statuses": dict(statuses), "attempts": [n for n, _ in results], "served_by": served_by},
        problems,
    )
