"""Queries on articles."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager, joinedload

from impl.db.repositories._sql import contains_insensitive, keyset_after
from impl.db.repositories.errors import AccountGoneError, is_foreign_key_violation
from impl.db.tables import ArticleRow
from impl.pagination import ArticleKey

__all__ = ["ArticleRepository", "article_key"]


def article_key(row: ArticleRow) -> ArticleKey:
    """The cursor position just after ``row`` in the published feed."""
    if row.published_at is None:
        raise ValueError("an unpublished article has no place in the published feed")
    return ArticleKey(timestamp=row.published_at, id=row.id)


class ArticleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, article_id: uuid.UUID) -> ArticleRow | None:
        """The article without its author (``row.author`` raises); see :meth:`get_with_author`."""
        return await self._session.get(ArticleRow, article_id)

    async def get_with_author(self, article_id: uuid.UUID, *, for_update: bool = False) -> ArticleRow | None:
        """The article and its author; with ``for_update`` the article (not the author) is locked until the
        transaction ends, so a concurrent change or deletion waits, and one that committed first is seen."""
        statement = select(ArticleRow).options(joinedload(ArticleRow.author)).where(ArticleRow.id == article_id)
        if for_update:
            statement = statement.with_for_update(of=ArticleRow, key_share=True).execution_options(
                populate_existing=True
            )
        return (await self._session.scalars(statement)).one_or_none()

    async def add(self, row: ArticleRow) -> ArticleRow:
        """Insert ``row``; raises AccountGoneError if its author was deleted meanwhile."""
        try:
            self._session.add(row)
            await self._session.flush()
        except IntegrityError as exc:
            if is_foreign_key_violation(exc):
                raise AccountGoneError(row.author_id) from exc
            raise
        return row

    async def delete(self, article_id: uuid.UUID) -> bool:
        """Delete the article; False if it was already gone (of two concurrent deletes, exactly one is True)."""
        statement = delete(ArticleRow).where(ArticleRow.id == article_id).returning(ArticleRow.id)
        return (await self._session.execute(statement)).first() is not None

    async def list_published_page(
        self,
        *,
        limit: int,
        after: ArticleKey | None,
        author_id: uuid.UUID | None,
        q: str | None,
    ) -> list[ArticleRow]:
        """Up to ``limit + 1`` published articles, newest first, each with ``author`` loaded by the same
        SELECT (a join, not a query per row); an extra row means there is a next page."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        statement = (
            select(ArticleRow)
            .join(ArticleRow.author)
            .options(contains_eager(ArticleRow.author))
            # "= true" rather than "IS true" so PostgreSQL can use the (published, published_at, id) index.
            .where(ArticleRow.published == true())
        )
        if after is not None:
            statement = statement.where(
                keyset_after([(ArticleRow.published_at, after.timestamp), (ArticleRow.id, after.id)], descending=True)
            )
        if author_id is not None:
            statement = statement.where(ArticleRow.author_id == author_id)
        if q is not None:
            statement = statement.where(contains_insensitive(ArticleRow.title, q))
        statement = statement.order_by(ArticleRow.published_at.desc(), ArticleRow.id.desc()).limit(limit + 1)
        return list((await self._session.scalars(statement)).all())
