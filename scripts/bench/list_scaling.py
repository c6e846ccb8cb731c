"""Does every list sort and filter stay fast as data grows? Ours with 200 and with 100,000 items for one user.

Each query is timed from the client, sequentially (no concurrency: this is the cost of one request), as the median
of REPEATS after a warm-up. A deep page starts at the item 90% of the way through the sort order; its cursor is
made with the same encoder the server uses. The table is vacuumed and analysed after the bulk load, as autovacuum
would do on its own shortly after: measured without that, the queries race autovacuum's pass over 100,000 fresh
rows and their seven indexes, and a query's median can be 20x off in one run and not in the next.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from impl.db.repositories.items import ITEM_SORTS
from impl.db.tables import ItemRow
from impl.pagination import CursorCodec, ItemKey

REPEATS = 30
NO_MATCH = "zzzz-matches-nothing"
STATUSES = ("draft", "published", "archived")


async def bulk_items(database_url: str, owner_id: str, count: int, *, batch: int = 5000) -> None:
    """Insert `count` varied items for one owner straight into the table (the API would take minutes)."""
    rng = random.Random(20261128)  # noqa: S311  # repeatable test data, not secrets
    start = datetime(2025, 11, 28, tzinfo=UTC)
    engine = create_async_engine(database_url)
    try:
        for first in range(0, count, batch):
            rows: list[dict[str, Any]] = []
            for n in range(first, min(first + batch, count)):
                moment = start + timedelta(seconds=n * 300 + rng.randrange(300))
                rows.append(
                    {
                        "id": uuid.uuid4(),
                        "owner_id": uuid.UUID(owner_id),
                        "name": f"Item {rng.randrange(10**8):08d}",
                        "description": None,
                        "price": Decimal(rng.randrange(100, 100_000_000)).scaleb(-2),
                        "status": STATUSES[n % 3],
                        "tags": [],
                        "created_at": moment,
                        "updated_at": moment,
                    }
                )
            async with engine.begin() as connection:
                await connection.execute(insert(ItemRow), rows)
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("VACUUM (ANALYZE) items"))  # steady state, not autovacuum's catch-up
    finally:
        await engine.dispose()


async def deep_cursor(database_url: str, sort: str, secret: str, fraction: float = 0.9) -> str:
    """The cursor of the item `fraction` of the way through `sort` order, sealed with the server's `secret`."""
    column = {"created_at": ItemRow.created_at, "price": ItemRow.price, "name": ItemRow.name}[sort.removeprefix("-")]
    order = (column.desc(), ItemRow.id.desc()) if sort.startswith("-") else (column.asc(), ItemRow.id.asc())
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            total = len((await connection.execute(select(ItemRow.id))).all())
            row = (
                await connection.execute(select(ItemRow).order_by(*order).offset(int(total * fraction)).limit(1))
            ).one()
    finally:
        await engine.dispose()
    return CursorCodec(secret).encode_item_key(
        ItemKey(created_at=row.created_at, price=row.price, id=row.id, name=row.name)
    )


def queries(cursors: dict[str, str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for sort in ITEM_SORTS:
        found[f"sort={sort} first page"] = {"sort": sort, "limit": "20"}
        found[f"sort={sort} deep page"] = {"sort": sort, "limit": "20", "cursor": cursors[sort]}
    found["q matching nothing"] = {"q": NO_MATCH, "limit": "20"}
    found["status=archived"] = {"status": "archived", "limit": "20"}
    found["price 10.00-20.00"] = {"min_price": "10.00", "max_price": "20.00", "limit": "20"}
    return found


async def time_query(base_url: str, token: str, params: dict[str, str]) -> float:
    """Median milliseconds of REPEATS sequential requests (after 3 warm-up requests)."""
    samples = []
    async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        for attempt in range(REPEATS + 3):
            started = time.perf_counter()
            response = await http.get("/v1/items", params=params)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"list {params} answered {response.status_code}: {response.text}")
            if attempt >= 3:
                samples.append(elapsed * 1000)
    return statistics.median(samples)
