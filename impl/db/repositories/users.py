"""Queries on accounts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from impl.db.repositories._sql import contains_insensitive, keyset_after
from impl.db.repositories.errors import EmailTakenError
from impl.db.tables import UserRow, normalize_email
from impl.pagination import UserKey
from impl.unit_of_work import RequestDatabase

__all__ = ["AccessState", "UserRepository", "normalize_email", "user_key"]


_ACCESS_STATE_SQL: Final = "SELECT is_active, is_superuser, token_version FROM users WHERE id = $1"


@dataclass(frozen=True, slots=True)
class AccessState:
    is_active: bool
    is_superuser: bool
    token_version: int


def user_key(row: UserRow) -> UserKey:
    """The cursor position just after ``row`` in :meth:`UserRepository.list_page` order."""
    return UserKey(timestamp=row.created_at, id=row.id)


class UserRepository:
    def __init__(self, database: AsyncSession | RequestDatabase) -> None:
        self._database = database if isinstance(database, RequestDatabase) else RequestDatabase.over(database)

    @property
    def _session(self) -> AsyncSession:
        return self._database.session

    async def get(self, user_id: uuid.UUID) -> UserRow | None:
        return await self._session.get(UserRow, user_id)

    async def access_state(self, user_id: uuid.UUID) -> AccessState | None:
        """What authorising a request needs of the account as committed now (None if it is gone): one small Core
        query, no ORM object (about a third of the ORM load's cost), read on every request, never cached."""
        driver = await self._database.reader()
        if driver is not None:
            record = await driver.fetchrow(_ACCESS_STATE_SQL, user_id)
            row: Any = None if record is None else tuple(record)
        else:
            statement = select(UserRow.is_active, UserRow.is_superuser, UserRow.token_version).where(
                UserRow.id == user_id
            )
            row = (await self._session.execute(statement)).first()
        return None if row is None else AccessState(is_active=row[0], is_superuser=row[1], token_version=row[2])

    async def get_for_update(self, user_id: uuid.UUID) -> UserRow | None:
        """The account as committed now, locked until the transaction ends; None if it is gone.

        FOR NO KEY UPDATE: rows referring to the account (items, tokens) can still be inserted meanwhile. Every
        change to an account's refresh tokens takes this lock first, so concurrent uses of one token queue here
        instead of deadlocking on the token rows; a deletion of the account waits for it too.
        """
        statement = (
            select(UserRow)
            .where(UserRow.id == user_id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        )
        return (await self._session.scalars(statement)).one_or_none()

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

    async def replace_password(
        self, user_id: uuid.UUID, *, seen_token_version: int, hashed_password: str, now: datetime
    ) -> bool:
        """Store a new password hash and end every access token issued before (token_version + 1), unless something
        ended them since ``seen_token_version`` was read (another password change, a deactivation) or the account
        is gone: then False, and nothing changes. One conditional UPDATE: of concurrent changes, one wins."""
        statement = (
            update(UserRow)
            .where(UserRow.id == user_id, UserRow.token_version == seen_token_version)
            .values(
                hashed_password=hashed_password,
                token_version=UserRow.token_version + 1,
                updated_at=now,
                version=UserRow.version + 1,  # updated_at changed: a new representation, a new ETag
            )
            .returning(UserRow.id)
        )
        result = await self._session.execute(statement, execution_options={"synchronize_session": "fetch"})
        return result.first() is not None

    async def delete(self, user_id: uuid.UUID) -> bool:
        """Delete the account (the database cascades to its items, articles and refresh tokens); False if it was
        already gone. One statement decides, so of two concurrent deletes exactly one returns True."""
        result = await self._session.execute(delete(UserRow).where(UserRow.id == user_id).returning(UserRow.id))
        return result.first() is not None

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
