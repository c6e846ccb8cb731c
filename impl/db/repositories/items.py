"""Queries on items."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import SQLColumnExpression, select
from sqlalchemy.ext.asyncio import AsyncSession

from impl.db.repositories._sql import binary_order, contains_insensitive, keyset_after
from impl.db.tables import ItemRow
from impl.pagination import ItemKey

__all__ = ["ITEM_SORTS", "ItemRepository", "item_key"]

#: Accepted ``sort`` values; a leading "-" means descending. Ties are broken by id, same direction.
ITEM_SORTS: Final[tuple[str, ...]] = ("created_at", "-created_at", "price", "-price", "name", "-name")


def item_key(row: ItemRow) -> ItemKey:
    """The cursor position just after ``row``, valid for every sort."""
    return ItemKey(created_at=row.created_at, price=row.price, id=row.id, name=row.name)


class ItemRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, item_id: uuid.UUID) -> ItemRow | None:
        return await self._session.get(ItemRow, item_id)

    async def add(self, row: ItemRow) -> ItemRow:
        self._session.add(row)
        await self._session.flush()
        return row

    async def delete(self, row: ItemRow) -> None:
        await self._session.delete(row)
        await self._session.flush()

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
    ) -> list[ItemRow]:
        """Up to ``limit + 1`` of the owner's items in ``sort`` order; an extra row means a next page."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        if sort not in ITEM_SORTS:
            raise ValueError(f"sort must be one of {ITEM_SORTS}, got {sort!r}")
        descending = sort.startswith("-")
        sort_column, after_value = _sort_key(sort.removeprefix("-"), after)

        statement = select(ItemRow).where(ItemRow.owner_id == owner_id)
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
        return list((await self._session.scalars(statement.limit(limit + 1))).all())


def _sort_key(field: str, after: ItemKey | None) -> tuple[SQLColumnExpression[Any], Any]:
    if field == "created_at":
        return ItemRow.created_at, after.created_at if after else None
    if field == "price":
        return ItemRow.price, after.price if after else None
    return binary_order(ItemRow.name), after.name if after else None
