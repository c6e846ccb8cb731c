"""Queries on accounts."""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from impl.db.repositories._sql import contains_insensitive, keyset_after
from impl.db.repositories.errors import EmailTakenError
from impl.db.tables import UserRow, normalize_email
from impl.pagination import UserKey

__all__ = ["UserRepository", "normalize_email", "user_key"]


def user_key(row: UserRow) -> UserKey:
    """The cursor position just after ``row`` in :meth:`UserRepository.list_page` order."""
    return UserKey(timestamp=row.created_at, id=row.id)


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: uuid.UUID) -> UserRow | None:
        return await self._session.get(UserRow, user_id)

    async def get_by_email(self, email: str) -> UserRow | None:
        statement = select(UserRow).where(UserRow.email_normalized == normalize_email(email))
        return (await self._session.scalars(statement)).one_or_none()

    async def add(self, row: UserRow) -> UserRow:
        """Insert ``row``; raises EmailTakenError if another account has its email in any case."""
        try:
            # The SAVEPOINT keeps the caller's transaction usable after the unique violation. The
            # unique constraint, not a prior SELECT, decides: two concurrent registrations both
            # pass a SELECT, but only one INSERT can commit.
            async with self._session.begin_nested():
                self._session.add(row)
                await self._session.flush()
        except IntegrityError as exc:
            if _is_email_conflict(exc):
                raise EmailTakenError(row.email) from exc
            raise
        return row

    async def update_email(self, row: UserRow, email: str) -> UserRow:
        """Change the email; raises EmailTakenError (leaving ``row`` as stored) if another account has it."""
        try:
            async with self._session.begin_nested():
                row.email = email  # also sets email_normalized (see UserRow)
                await self._session.flush()
        except IntegrityError as exc:
            # The savepoint rollback expired the row; reload it now rather than lazily (not possible in async).
            await self._session.refresh(row)
            if _is_email_conflict(exc):
                raise EmailTakenError(email) from exc
            raise
        return row

    async def delete(self, row: UserRow) -> None:
        """Delete the account; the database cascades to its items, articles and refresh tokens."""
        await self._session.delete(row)
        await self._session.flush()

    async def list_page(
        self,
        *,
        limit: int,
        after: UserKey | None,
        q: str | None,
        is_active: bool | None,
        is_superuser: bool | None,
    ) -> list[UserRow]:
        """Up to ``limit + 1`` accounts, oldest first; an extra row means there is a next page."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        statement = select(UserRow)
        if after is not None:
            statement = statement.where(
                keyset_after([(UserRow.created_at, after.timestamp), (UserRow.id, after.id)], descending=False)
            )
        if q is not None:
            statement = statement.where(
                or_(contains_insensitive(UserRow.email, q), contains_insensitive(UserRow.full_name, q))
            )
        if is_active is not None:
            statement = statement.where(UserRow.is_active == is_active)
        if is_superuser is not None:
            statement = statement.where(UserRow.is_superuser == is_superuser)
        statement = statement.order_by(UserRow.created_at, UserRow.id).limit(limit + 1)
        return list((await self._session.scalars(statement)).all())


def _is_email_conflict(error: IntegrityError) -> bool:
    # PostgreSQL names the constraint (uq_users_email_normalized); SQLite names the column
    # ("UNIQUE constraint failed: users.email_normalized"). Both contain the column name.
    return "email_normalized" in str(error.orig)
