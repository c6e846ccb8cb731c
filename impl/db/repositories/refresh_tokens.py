"""Queries on refresh tokens (stored as sha256 hashes only)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from impl.db.tables import RefreshTokenRow

__all__ = ["RefreshTokenRepository"]


class RefreshTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, row: RefreshTokenRow) -> RefreshTokenRow:
        self._session.add(row)
        await self._session.flush()
        return row

    async def get_by_hash(self, token_hash: str) -> RefreshTokenRow | None:
        statement = select(RefreshTokenRow).where(RefreshTokenRow.token_hash == token_hash)
        return (await self._session.scalars(statement)).one_or_none()

    async def mark_rotated(self, token_id: uuid.UUID, now: datetime) -> bool:
        """Claim the token for one rotation; True only for the single caller that won.

        One conditional UPDATE, not read-then-write: on PostgreSQL a concurrent second UPDATE waits
        for the first to commit and then no longer matches; on SQLite writers are serialized.
        """
        statement = (
            update(RefreshTokenRow)
            .where(
                RefreshTokenRow.id == token_id,
                RefreshTokenRow.rotated_at.is_(None),
                RefreshTokenRow.revoked_at.is_(None),
            )
            .values(rotated_at=now)
            .returning(RefreshTokenRow.id)
        )
        # "fetch" updates a loaded row only if the database changed it (unlike "evaluate", which
        # would trust the possibly stale in-memory rotated_at).
        result = await self._session.execute(statement, execution_options={"synchronize_session": "fetch"})
        return len(result.all()) == 1

    async def revoke_family(self, family_id: uuid.UUID, now: datetime) -> int:
        """Revoke every still-valid token of one login chain; returns how many were revoked."""
        return await self._revoke_where(RefreshTokenRow.family_id == family_id, now)

    async def revoke_all_for_user(self, user_id: uuid.UUID, now: datetime) -> int:
        """Revoke every still-valid token of the user (all sessions); returns how many were revoked."""
        return await self._revoke_where(RefreshTokenRow.user_id == user_id, now)

    async def _revoke_where(self, condition: ColumnElement[bool], now: datetime) -> int:
        # Already revoked tokens keep their original revocation time.
        statement = (
            update(RefreshTokenRow)
            .where(condition, RefreshTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(RefreshTokenRow.id)
        )
        result = await self._session.execute(statement, execution_options={"synchronize_session": "fetch"})
        return len(result.all())
