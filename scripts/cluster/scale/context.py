"""What every case of the scale test gets (ScaleContext), gives back (CaseResult), and the helpers they share."""

from __future__ import annotations

import asyncio
import math
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
from scripts.cluster.scale.load import (
    AddressPool,
    MixedLoad,
    Recorder,
    RequestRecord,
    User,
    users,
)

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


def verdict(problems: Sequence[str]) -> Verdict:
    return "FAIL" if problems else "PASS"


async def until(condition: Callable[[], bool], what: str, limit_seconds: float = CONDITION_TIMEOUT_SECONDS) -> None:
    """Poll ``condition`` until it holds; fail the case (TimeoutError) at the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_seconds
    while not condition():
        if loop.time() >= deadline:
            raise TimeoutError(f"waited {limit_seconds:g} s for {what}")
        await asyncio.sleep(_POLL_SECONDS)


def served(records: Sequence[RequestRecord], instance: str, since: float = 0.0) -> int:
    return sum(1 for r in records if r.served_by == instance and r.started >= since and not r.is_server_error)


def latency_ms(records: Sequence[RequestRecord]) -> dict[str, float]:
    if not records:
        return {}
    seconds = sorted(r.seconds for r in records)
    return {
        "p50_ms": round(1000 * statistics.median(seconds), 1),
        "p99_ms": round(1000 * seconds[min(len(seconds) - 1, math.ceil(0.99 * len(seconds)) - 1)], 1),
        "max_ms": round(1000 * seconds[-1], 1),
    }


def spread(records: Sequence[RequestRecord]) -> dict[str, int]:
    return dict(sorted(Counter(r.served_by or "?" for r in records).items()))


async def rows_present(context: ScaleContext, load: MixedLoad) -> tuple[int, int, int]:
    """(acknowledged, of those present, rows of these users in total) straight from PostgreSQL."""
    acknowledged = [uuid.UUID(item) for items in load.acknowledged.values() for item in items]
    present = await context.scalar("SELECT count(*) FROM items WHERE id = ANY(:ids)", ids=acknowledged)
    total = await context.scalar(
        "SELECT count(*) FROM items WHERE owner_id = ANY(:owners)", owners=[uuid.UUID(user.id) for user in load.users]
    )
    return len(acknowledged), present, total


def load_users(context: ScaleContext, case: str) -> AbstractAsyncContextManager[list[User]]:
    """The load's simulated users: one address each, so none comes near its quota."""
    return users(context.base_url, context.addresses.take_many(context.profile.load_clients), context.recorder, case)


def in_flight(records: Sequence[RequestRecord], instance: str, moment: float) -> list[RequestRecord]:
    return [r for r in records if r.served_by == instance and r.started < moment < r.finished]


def describe(records: Sequence[RequestRecord]) -> str:
    shown = Counter(f"{r.route} -> {r.status or r.error} via {r.served_by or '?'}" for r in records)
    return "; ".join(f"{count} x {what}" for what, count in shown.most_common(5))
