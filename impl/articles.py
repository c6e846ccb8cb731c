"""The `articles` tag: published articles are public; drafts are seen only by their author and superusers."""

from uuid import UUID

from pydantic import MISSING

from generated import models
from generated.routers.articles import (
    ArticlesApi,
    CreateArticle201Response,
    GetArticle200Response,
    GetArticle304Response,
    UpdateArticle200Response,
)
from impl.db.repositories import AccountGoneError
from impl.db.repositories.articles import ArticleRepository, article_key
from impl.db.tables import ArticleRow, UserRow
from impl.db.types import new_id, utcnow
from impl.pagination import CursorCodec, InvalidCursorError, split_page
from impl.preconditions import Preconditions, etag, none_match
from impl.principal import CurrentUser
from impl.problems import AccountGone, Forbidden, InvalidCursor, NotFound
from impl.unit_of_work import current_session
from impl.users import caller_row


def article_model(row: ArticleRow, author: UserRow) -> models.Article:
    return models.Article(
        id=row.id,
        title=row.title,
        body=row.body,
        published=row.published,
        published_at=row.published_at,
        author=models.ArticleAuthor(id=author.id, full_name=author.full_name),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


NO_SUCH_ARTICLE = "There is no article with this id."


def article_etag(row: ArticleRow, author: UserRow) -> str:
    """The answer shows the author's name too: a change of the author's account is a new representation."""
    return etag(row.version, author.version)


def _visible(row: ArticleRow, principal: CurrentUser | None) -> bool:
    return row.published or (principal is not None and principal.may_access(row.author_id))


class Articles(ArticlesApi[CurrentUser]):
    def __init__(self, cursors: CursorCodec, preconditions: Preconditions | None = None) -> None:
        self._cursors = cursors
        self._preconditions = preconditions or Preconditions()

    async def list_articles(
        self,
        *,
        author_id: UUID | None,
        cursor: str | None,
        limit: int,
        q: str | None,
        principal: CurrentUser | None,
    ) -> models.ArticlePage:
        try:
            after = self._cursors.decode_article_key(cursor) if cursor else None
        except InvalidCursorError:
            raise InvalidCursor() from None
        rows = await ArticleRepository(current_session()).list_published_page(
            limit=limit,
            after=after,
            author_id=author_id,
            q=q,
        )
        page, next_cursor = split_page(rows, limit, lambda row: self._cursors.encode_article_key(article_key(row)))
        return models.ArticlePage(items=[article_model(r, r.author) for r in page], next_cursor=next_cursor)

    async def create_article(
        self, *, idempotency_key: str | None, body: models.ArticleCreate, principal: CurrentUser
    ) -> CreateArticle201Response:
        del idempotency_key  # the idempotency middleware's (impl/idempotency.py)
        author = await caller_row(principal)
        now = utcnow()
        row = ArticleRow(
            id=new_id(),
            author_id=author.id,
            title=body.title,
            body=body.body,
            published=body.published,
            published_at=now if body.published else None,
            created_at=now,
            updated_at=now,
            version=1,
        )
        try:
            await ArticleRepository(current_session()).add(row)
        except AccountGoneError:
            raise AccountGone() from None
        return CreateArticle201Response(
            body=article_model(row, author), location=f"/v1/articles/{row.id}", e_tag=article_etag(row, author)
        )

    @staticmethod
    async def _article(article_id: UUID, principal: CurrentUser | None, *, for_update: bool = False) -> ArticleRow:
        row = await ArticleRepository(current_session()).get_with_author(article_id, for_update=for_update)
        if row is None or not _visible(row, principal):
            raise NotFound(NO_SUCH_ARTICLE)
        return row

    async def _editable(self, article_id: UUID, principal: CurrentUser, *, for_update: bool = False) -> ArticleRow:
        row = await self._article(article_id, principal, for_update=for_update)
        if not principal.may_access(row.author_id):
            raise Forbidden("Only the author or a superuser may change this article.")
        return row

    async def get_article(
        self, *, article_id: UUID, if_none_match: str | None, principal: CurrentUser | None
    ) -> GetArticle200Response | GetArticle304Response:
        row = await self._article(article_id, principal)
        tag = article_etag(row, row.author)
        if none_match(if_none_match, tag):
            return GetArticle304Response(e_tag=tag)
        return GetArticle200Response(body=article_model(row, row.author), e_tag=tag)

    async def update_article(
        self, *, article_id: UUID, if_match: str | None, body: models.ArticleUpdate, principal: CurrentUser
    ) -> UpdateArticle200Response:
        # Locked: a concurrent deletion either waits for this change or, if it committed first, makes this a 404;
        # a concurrent change with the same If-Match either waits (and then finds a new version: 412) or loses.
        row = await self._editable(article_id, principal, for_update=True)
        self._preconditions.check(if_match, article_etag(row, row.author))
        now = utcnow()
        if body.title is not MISSING:
            row.title = body.title
        if body.body is not MISSING:
            row.body = body.body
        if body.published is not MISSING:
            row.published = body.published
            if body.published and row.published_at is None:
                row.published_at = now  # the first publication only: later re-publishing keeps the date
        row.updated_at = now
        await current_session().flush()  # the version bump (impl/db/tables.py) happens here: the ETag shows it
        return UpdateArticle200Response(body=article_model(row, row.author), e_tag=article_etag(row, row.author))

    async def delete_article(self, *, article_id: UUID, if_match: str | None, principal: CurrentUser) -> None:
        # With If-Match, compared under the row's lock: no change slips in between the comparison and the deletion.
        row = await self._editable(article_id, principal, for_update=if_match is not None)
        if if_match is not None:
            self._preconditions.check(if_match, article_etag(row, row.author), change=False)
        # The DELETE itself decides: of two concurrent deletions, the one that finds no row answers 404.
        if not await ArticleRepository(current_session()).delete(article_id):
            raise NotFound(NO_SUCH_ARTICLE)
