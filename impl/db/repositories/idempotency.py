"""Queries on idempotency records (impl/idempotency.py says what they are for)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from impl.db.tables import IdempotencyRow

__all__ = ["IdempotencyKeyTaken", "IdempotencyRepository"]


class IdempotencyKeyTaken(Exception):
    """Another transaction recorded an answer for this (scope, key) first."""


class IdempotencyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(self, scope: str, key: str, now: datetime) -> IdempotencyRow | None:
        """The stored answer for the key, unless it has expired (an expired one is as good as none)."""
        statement = select(IdempotencyRow).where(
            IdempotencyRow.scope == scope, IdempotencyRow.key == key, IdempotencyRow.expires_at > now
        )
        return (await self._session.scalars(statement)).one_or_none()

    async def record(self, row: IdempotencyRow, now: datetime) -> None:
        """Insert the answer in the current transaction (the one of the effects it answers). An expired record of
        the same key goes first. Raises IdempotencyKeyTaken when a concurrent request with the key got its record
        in first: its transaction must then be rolled back, effects included."""
        await self._session.execute(
            delete(IdempotencyRow).where(
                IdempotencyRow.scope == row.scope, IdempotencyRow.key == row.key, IdempotencyRow.expires_at <= now
            )
        )
        try:
            async with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError as exc:
            raise IdempotencyKeyTaken(row.key) from exc

    async def sweep(self, now: datetime, limit: int) -> int:
        """Delete up to `limit` expired records; rows another transaction is sweeping are skipped (PostgreSQL's
        SKIP LOCKED; SQLite serializes writers anyway)."""
        expired = (
            select(IdempotencyRow.scope, IdempotencyRow.key)
            .where(IdempotencyRow.expires_at <= now)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        result = await self._session.execute(
            delete(IdempotencyRow)
            .where(tuple_(IdempotencyRow.scope, IdempotencyRow.key).in_(expired))
            .returning(IdempotencyRow.key)
        )
        return len(result.all())
