"""Queries on items."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final, NamedTuple, Protocol, cast

import asyncpg
from sqlalchemy import SQLColumnExpression, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from impl.db.driver import postgres_transaction
from impl.db.repositories._sql import (
    LIKE_ESCAPE,
    binary_order,
    contains_insensitive,
    keyset_after,
    like_contains_pattern,
)
from impl.db.repositories.errors import AccountGoneError, is_foreign_key_violation
from impl.db.tables import ItemRow
from impl.db.types import exact_cents as _exact_cents
from impl.db.types import new_id, utcnow
from impl.pagination import ItemKey
from impl.unit_of_work import RequestDatabase, note_driver_write

__all__ = ["ITEM_SORTS", "ItemFields", "ItemRepository", "ItemView", "item_key"]

#: An item's columns as ItemView reads them. The tags (a JSON array) come as a text[]: asyncpg reads that in C,
#: where a json column would go through SQLAlchemy's JSON codec and json.loads, row by row (a tenth of a list page).
_VIEW_COLUMNS: Final = (
    "id, owner_id, name, description, price, status, ARRAY(SELECT json_array_elements_text(tags)) AS tags, "
    "created_at, updated_at, version"
)
_GET_ITEM_SQL: Final = (
    f"SELECT {_VIEW_COLUMNS} FROM items "  # noqa: S608  (a fixed fragment)
    "WHERE id = $1"
)
_INSERT_ITEM_SQL: Final = (
    "INSERT INTO items (id, owner_id, name, description, price, status, tags, created_at, updated_at, version) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
)
_CENT: Final = Decimal("0.01")


class ItemFields(Protocol):
    """An item as read: an ORM row, or a plain view of one (ItemView, or a Core row of the same columns)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def owner_id(self) -> uuid.UUID: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str | None: ...
    @property
    def price(self) -> Decimal: ...
    @property
    def status(self) -> str: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def version(self) -> int: ...


class ItemView(NamedTuple):
    """An item read for answering only (immutable, not tracked by the session). A named tuple: a page builds
    twenty of them, and a tuple is built several times faster than a frozen dataclass."""

    id: uuid.UUID
    owner_id: uuid.UUID
    name: str
    description: str | None
    price: Decimal
    status: str
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_record(cls, record: Any) -> ItemView:
        """From asyncpg's record of _VIEW_COLUMNS: the same values the ORM's column types give (UTC datetimes, cents,
        a list of tags)."""
        return cls(
            record[0],
            record[1],
            record[2],
            record[3],
            record[4].quantize(_CENT),
            record[5],
            record[6],  # a text[] (_VIEW_COLUMNS)
            record[7].astimezone(UTC),
            record[8].astimezone(UTC),
            record[9],
        )


#: Accepted ``sort`` values; a leading "-" means descending. Ties are broken by id, same direction.
ITEM_SORTS: Final[tuple[str, ...]] = ("created_at", "-created_at", "price", "-price", "name", "-name")


def item_key(row: ItemFields) -> ItemKey:
    """The cursor position just after ``row``, valid for every sort."""
    return ItemKey(created_at=row.created_at, price=row.price, id=row.id, name=row.name)


class ItemRepository:
    def __init__(self, database: AsyncSession | RequestDatabase) -> None:
        self._database = database if isinstance(database, RequestDatabase) else RequestDatabase.over(database)

    @property
    def _session(self) -> AsyncSession:
        return self._database.session

    async def get(self, item_id: uuid.UUID) -> ItemRow | None:
        return await self._session.get(ItemRow, item_id)

    async def view(self, item_id: uuid.UUID) -> ItemFields | None:
        """The item as committed now, for reading only; None if there is none. PostgreSQL: one statement straight
        to asyncpg (the hot path of GET one item); elsewhere the ORM row."""
        driver = await self._database.reader()
        if driver is None:
            return await self.get(item_id)
        record = await driver.fetchrow(_GET_ITEM_SQL, item_id)
        return None if record is None else ItemView.from_record(record)

    async def get_for_update(self, item_id: uuid.UUID) -> ItemRow | None:
        """The item, locked until the transaction ends; None if it is gone.

        A concurrent change or deletion of the item waits for this transaction, and one that committed first is
        seen: an item deleted meanwhile is None here rather than a failed UPDATE later.
        """
        statement = (
            select(ItemRow)
            .where(ItemRow.id == item_id)
            .with_for_update(key_share=True)  # FOR NO KEY UPDATE (no FOR UPDATE on SQLite: writers are serialized)
            .execution_options(populate_existing=True)
        )
        return (await self._session.scalars(statement)).one_or_none()

    async def add(self, row: ItemRow) -> ItemRow:
        """Insert ``row``; raises AccountGoneError if its owner was deleted meanwhile.

        PostgreSQL: one INSERT straight to asyncpg in the request's transaction (``row`` is not tracked by the
        session afterwards; read it again to change it)."""
        driver = await postgres_transaction(self._session)
        if driver is not None:
            note_driver_write(self._session)
            # The columns' defaults, as the ORM would apply them at flush.
            now = utcnow()
            row.id = row.id or new_id()
            row.status = row.status or "draft"
            row.tags = row.tags if row.tags is not None else []
            row.created_at = row.created_at or now
            row.updated_at = row.updated_at or now
            row.version = row.version or 1
            try:
                await driver.execute(
                    _INSERT_ITEM_SQL,
                    row.id,
                    row.owner_id,
                    row.name,
                    row.description,
                    _exact_cents(row.price),
                    row.status,
                    json.dumps(row.tags),
                    row.created_at.astimezone(UTC),
                    row.updated_at.astimezone(UTC),
                    row.version or 1,
                )
            except asyncpg.ForeignKeyViolationError as exc:
                raise AccountGoneError(row.owner_id) from exc
            return row
        try:
            self._session.add(row)
            await self._session.flush()
        except IntegrityError as exc:
            if is_foreign_key_violation(exc):
                raise AccountGoneError(row.owner_id) from exc
            raise
        return row

    async def delete(self, item_id: uuid.UUID) -> bool:
        """Delete the item; False if it was already gone. One statement decides, so of two concurrent deletes
        exactly one returns True."""
        result = await self._session.execute(delete(ItemRow).where(ItemRow.id == item_id).returning(ItemRow.id))
        return result.first() is not None

    async def list_page(
        self,
        *,
        owner_id: uuid.UUID,
        limit: int,
        after: ItemKey | None,
        sort: str,
        status: str | None,
        q: str | None,
        min_price: Decimal | None,
        max_price: Decimal | None,
    ) -> list[ItemFields]:
        """Up to ``limit + 1`` of the owner's items in ``sort`` order; an extra row means a next page.

        Plain rows of the table's columns (read-only), not ORM objects: a page costs no identity map work."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        if sort not in ITEM_SORTS:
            raise ValueError(f"sort must be one of {ITEM_SORTS}, got {sort!r}")
        descending = sort.startswith("-")
        driver = await self._database.reader()
        if driver is not None:
            sql, arguments = _list_sql(owner_id, limit, after, sort, status, q, min_price, max_price)
            if q is None:
                records = await driver.fetch(sql, *arguments)
            else:
                # Planned for this very pattern: a cached generic plan cannot tell a rare pattern (the trigram
                # index finds its few rows) from a common one, and walks the sort's index through every item.
                async with driver.transaction():
                    await driver.execute("SET LOCAL plan_cache_mode = force_custom_plan")
                    records = await driver.fetch(sql, *arguments)
            return [ItemView.from_record(record) for record in records]
        sort_column, after_value = _sort_key(sort.removeprefix("-"), after)

        statement = select(ItemRow.__table__).where(ItemRow.owner_id == owner_id)
        if after is not None:
            statement = statement.where(
                keyset_after([(sort_column, after_value), (ItemRow.id, after.id)], descending=descending)
            )
        if status is not None:
            statement = statement.where(ItemRow.status == status)
        if q is not None:
            statement = statement.where(contains_insensitive(ItemRow.name, q))
        if min_price is not None:
            statement = statement.where(ItemRow.price >= min_price)
        if max_price is not None:
            statement = statement.where(ItemRow.price <= max_price)
        if descending:
            statement = statement.order_by(sort_column.desc(), ItemRow.id.desc())
        else:
            statement = statement.order_by(sort_column.asc(), ItemRow.id.asc())
        rows = (await self._session.execute(statement.limit(limit + 1))).all()
        return cast("list[ItemFields]", rows)


_LIST_SORT_SQL: Final = {"created_at": "created_at", "price": "price", "name": 'name COLLATE "C"'}


def _list_sql(
    owner_id: uuid.UUID,
    limit: int,
    after: ItemKey | None,
    sort: str,
    status: str | None,
    q: str | None,
    min_price: Decimal | None,
    max_price: Decimal | None,
) -> tuple[str, list[Any]]:
    """PostgreSQL's text of the query list_page builds with SQLAlchemy elsewhere (the same conditions, order and
    limit; names by code point; the search's LIKE escapes as contains_insensitive does), with its arguments.
    Every value is an argument; the text only ever holds the fixed fragments below."""
    field = sort.removeprefix("-")
    descending = sort.startswith("-")
    column = _LIST_SORT_SQL[field]
    arguments: list[Any] = [owner_id]
    conditions = ["owner_id = $1"]

    def argument(value: Any) -> str:
        arguments.append(value)
        return f"${len(arguments)}"

    if after is not None:
        value = {"created_at": after.created_at, "price": after.price, "name": after.name}[field]
        operator = "<" if descending else ">"
        conditions.append(f"({column}, id) {operator} ({argument(value)}, {argument(after.id)})")
    if status is not None:
        conditions.append(f"status = {argument(status)}")
    if q is not None:
        conditions.append(f"lower(name) LIKE lower({argument(like_contains_pattern(q))}) ESCAPE '{LIKE_ESCAPE}'")
    if min_price is not None:
        conditions.append(f"price >= {argument(min_price)}")
    if max_price is not None:
        conditions.append(f"price <= {argument(max_price)}")
    direction = "DESC" if descending else "ASC"
    sql = (
        f"SELECT {_VIEW_COLUMNS} FROM items WHERE "  # noqa: S608  (fixed fragments; values are arguments)
        + " AND ".join(conditions)
        + f" ORDER BY {column} {direction}, id {direction} LIMIT {argument(limit + 1)}"
    )
    return sql, arguments


def _sort_key(field: str, after: ItemKey | None) -> tuple[SQLColumnExpression[Any], Any]:
    if field == "created_at":
        return ItemRow.created_at, after.created_at if after else None
    if field == "price":
        return ItemRow.price, after.price if after else None
    return binary_order(ItemRow.name), after.name if after else None
