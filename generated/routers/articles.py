# DO NOT EDIT: generated from openapi.yaml by `make generate` (fastapi-code-generator==0.8.1 + scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run `make generate`.

"""The `articles` tag: its implementation interface, typed results and router."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Generic
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Path, Query
from starlette.responses import Response

from contract_runtime import (
    INT_TEXT,
    UUID_TEXT,
    Authenticator,
    DeclaredResponse,
    OperationContract,
    Principal,
    RateLimiter,
    RequestScope,
    contract_route,
    render,
)
from generated import models
from generated.responses import (
    BAD_REQUEST_400,
    CONTENT_TOO_LARGE_413,
    FORBIDDEN_403,
    INTERNAL_SERVER_ERROR_500,
    NOT_FOUND_404,
    TOO_MANY_REQUESTS_429,
    UNAUTHORIZED_401,
    UNPROCESSABLE_CONTENT_422,
    UNSUPPORTED_MEDIA_TYPE_415,
)

__all__ = ["ArticlesApi", "build_router", "CreateArticle201Response"]


@dataclass(frozen=True, kw_only=True)
class CreateArticle201Response:
    """createArticle answered 201 with Location."""

    status: ClassVar[int] = 201
    body: models.Article
    location: str

    def headers(self) -> dict[str, str]:
        return {"Location": self.location}


LIST_ARTICLES = OperationContract(
    operation_id="listArticles",
    method="GET",
    path="/v1/articles",
    responses={
        200: DeclaredResponse(
            status=200,
            model=models.ArticlePage,
            media_type="application/json",
            required_headers=(
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                "X-Request-ID",
            ),
        ),
        401: UNAUTHORIZED_401,
        422: UNPROCESSABLE_CONTENT_422,
        429: TOO_MANY_REQUESTS_429,
        500: INTERNAL_SERVER_ERROR_500,
    },
    body_media_type=None,
    unique_item_paths=(),
    rate_limited=True,
    checks_media_type=False,
    max_body_bytes=None,
    max_json_depth=None,
)

CREATE_ARTICLE = OperationContract(
    operation_id="createArticle",
    method="POST",
    path="/v1/articles",
    responses={
        201: DeclaredResponse(
            status=201,
            model=models.Article,
            media_type="application/json",
            required_headers=(
                "Location",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                "X-Request-ID",
            ),
        ),
        400: BAD_REQUEST_400,
        401: UNAUTHORIZED_401,
        413: CONTENT_TOO_LARGE_413,
        415: UNSUPPORTED_MEDIA_TYPE_415,
        422: UNPROCESSABLE_CONTENT_422,
        429: TOO_MANY_REQUESTS_429,
        500: INTERNAL_SERVER_ERROR_500,
    },
    body_media_type="application/json",
    unique_item_paths=(),
    rate_limited=True,
    checks_media_type=True,
    max_body_bytes=1048576,
    max_json_depth=32,
)

GET_ARTICLE = OperationContract(
    operation_id="getArticle",
    method="GET",
    path="/v1/articles/{article_id}",
    responses={
        200: DeclaredResponse(
            status=200,
            model=models.Article,
            media_type="application/json",
            required_headers=(
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                "X-Request-ID",
            ),
        ),
        401: UNAUTHORIZED_401,
        404: NOT_FOUND_404,
        422: UNPROCESSABLE_CONTENT_422,
        429: TOO_MANY_REQUESTS_429,
        500: INTERNAL_SERVER_ERROR_500,
    },
    body_media_type=None,
    unique_item_paths=(),
    rate_limited=True,
    checks_media_type=False,
    max_body_bytes=None,
    max_json_depth=None,
)

DELETE_ARTICLE = OperationContract(
    operation_id="deleteArticle",
    method="DELETE",
    path="/v1/articles/{article_id}",
    responses={
        204: DeclaredResponse(
            status=204,
            model=None,
            media_type=None,
            required_headers=(
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                "X-Request-ID",
            ),
        ),
        401: UNAUTHORIZED_401,
        403: FORBIDDEN_403,
        404: NOT_FOUND_404,
        422: UNPROCESSABLE_CONTENT_422,
        429: TOO_MANY_REQUESTS_429,
        500: INTERNAL_SERVER_ERROR_500,
    },
    body_media_type=None,
    unique_item_paths=(),
    rate_limited=True,
    checks_media_type=False,
    max_body_bytes=None,
    max_json_depth=None,
)

UPDATE_ARTICLE = OperationContract(
    operation_id="updateArticle",
    method="PATCH",
    path="/v1/articles/{article_id}",
    responses={
        200: DeclaredResponse(
            status=200,
            model=models.Article,
            media_type="application/json",
            required_headers=(
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                "X-Request-ID",
            ),
        ),
        400: BAD_REQUEST_400,
        401: UNAUTHORIZED_401,
        403: FORBIDDEN_403,
        404: NOT_FOUND_404,
        413: CONTENT_TOO_LARGE_413,
        415: UNSUPPORTED_MEDIA_TYPE_415,
        422: UNPROCESSABLE_CONTENT_422,
        429: TOO_MANY_REQUESTS_429,
        500: INTERNAL_SERVER_ERROR_500,
    },
    body_media_type="application/json",
    unique_item_paths=(),
    rate_limited=True,
    checks_media_type=True,
    max_body_bytes=1048576,
    max_json_depth=32,
)


class ArticlesApi(ABC, Generic[Principal]):
    """Implement one method per operation of the `articles` tag; the router calls them."""

    @abstractmethod
    async def list_articles(
        self,
        *,
        author_id: UUID | None,
        cursor: str | None,
        limit: int,
        q: str | None,
        principal: Principal | None,
    ) -> models.ArticlePage:
        """listArticles: GET /v1/articles. List published articles."""

    @abstractmethod
    async def create_article(
        self,
        *,
        body: models.ArticleCreate,
        principal: Principal,
    ) -> CreateArticle201Response:
        """createArticle: POST /v1/articles. Create an article."""

    @abstractmethod
    async def get_article(
        self,
        *,
        article_id: UUID,
        principal: Principal | None,
    ) -> models.Article:
        """getArticle: GET /v1/articles/{article_id}. Get an article."""

    @abstractmethod
    async def delete_article(
        self,
        *,
        article_id: UUID,
        principal: Principal,
    ) -> None:
        """deleteArticle: DELETE /v1/articles/{article_id}. Delete an article."""

    @abstractmethod
    async def update_article(
        self,
        *,
        article_id: UUID,
        body: models.ArticleUpdate,
        principal: Principal,
    ) -> models.Article:
        """updateArticle: PATCH /v1/articles/{article_id}. Update an article."""


def build_router(
    implementation: ArticlesApi[Principal],
    security: Authenticator[Principal],
    request_scope: RequestScope,
    rate_limiter: RateLimiter,
) -> APIRouter:
    """Routes for the `articles` tag, bound to one implementation."""
    router = APIRouter()

    async def list_articles(
        *,
        author_id: Annotated[
            UUID | None,
            Query(alias="author_id", description="Only articles by this author."),
            UUID_TEXT,
        ] = None,
        cursor: Annotated[
            str | None,
            Query(
                alias="cursor",
                max_length=60,
                pattern="^[0-9]{1,16}\\.[0-9a-f]{32}$",
                description="The `next_cursor` of the previous page. Opaque; do not build it yourself.",
            ),
        ] = None,
        limit: Annotated[
            int,
            Query(
                alias="limit",
                ge=1,
                le=100,
                description="The most items to return on one page.",
            ),
            INT_TEXT,
        ] = 20,
        q: Annotated[
            str | None,
            Query(
                alias="q",
                min_length=1,
                max_length=100,
                pattern="^[^\\x00]*$",
                description="Case-insensitive substring of the title.",
            ),
        ] = None,
        principal: Annotated[Any, Depends(security.optional)],
    ) -> Response:
        result = await implementation.list_articles(
            author_id=author_id,
            cursor=cursor,
            limit=limit,
            q=q,
            principal=principal,
        )
        return render(LIST_ARTICLES, 200, result)

    router.add_api_route(
        "/v1/articles",
        list_articles,
        methods=["GET"],
        operation_id="listArticles",
        response_model=None,
        route_class_override=contract_route(LIST_ARTICLES, request_scope, rate_limiter),
    )

    async def create_article(
        *,
        body: Annotated[models.ArticleCreate, Body()],
        principal: Annotated[Any, Depends(security.required)],
    ) -> Response:
        result = await implementation.create_article(
            body=body,
            principal=principal,
        )
        return render(CREATE_ARTICLE, result.status, result.body, result.headers())

    router.add_api_route(
        "/v1/articles",
        create_article,
        methods=["POST"],
        operation_id="createArticle",
        response_model=None,
        route_class_override=contract_route(CREATE_ARTICLE, request_scope, rate_limiter),
    )

    async def get_article(
        *,
        article_id: Annotated[UUID, Path(alias="article_id", description="The article's id."), UUID_TEXT],
        principal: Annotated[Any, Depends(security.optional)],
    ) -> Response:
        result = await implementation.get_article(
            article_id=article_id,
            principal=principal,
        )
        return render(GET_ARTICLE, 200, result)

    router.add_api_route(
        "/v1/articles/{article_id}",
        get_article,
        methods=["GET"],
        operation_id="getArticle",
        response_model=None,
        route_class_override=contract_route(GET_ARTICLE, request_scope, rate_limiter),
    )

    async def delete_article(
        *,
        article_id: Annotated[UUID, Path(alias="article_id", description="The article's id."), UUID_TEXT],
        principal: Annotated[Any, Depends(security.required)],
    ) -> Response:
        await implementation.delete_article(
            article_id=article_id,
            principal=principal,
        )
        return render(DELETE_ARTICLE, 204, None)

    router.add_api_route(
        "/v1/articles/{article_id}",
        delete_article,
        methods=["DELETE"],
        operation_id="deleteArticle",
        response_model=None,
        route_class_override=contract_route(DELETE_ARTICLE, request_scope, rate_limiter),
    )

    async def update_article(
        *,
        article_id: Annotated[UUID, Path(alias="article_id", description="The article's id."), UUID_TEXT],
        body: Annotated[models.ArticleUpdate, Body()],
        principal: Annotated[Any, Depends(security.required)],
    ) -> Response:
        result = await implementation.update_article(
            article_id=article_id,
            body=body,
            principal=principal,
        )
        return render(UPDATE_ARTICLE, 200, result)

    router.add_api_route(
        "/v1/articles/{article_id}",
        update_article,
        methods=["PATCH"],
        operation_id="updateArticle",
        response_model=None,
        route_class_override=contract_route(UPDATE_ARTICLE, request_scope, rate_limiter),
    )

    return router
