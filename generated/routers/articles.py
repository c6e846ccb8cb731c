# DO NOT EDIT: generated from openapi.yaml by `make generate` (scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run it again.

"""The `articles` interface of openapi.yaml: what an implementation provides, its typed parameters and
results, and the operations bound to an implementation."""

from abc import abstractmethod
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Generic
from uuid import UUID

from pydantic import Field

from contract_runtime import (
    STRICT_NUMBER,
    UUID_TEXT,
    Arguments,
    BoundOperation,
    DeclaredResponse,
    HeaderSpec,
    MediaSpec,
    OperationContract,
    OperationInterface,
    ParameterSpec,
    Principal,
    RequestBodySpec,
    SecurityRequirement,
)

from .. import models
from ..responses import (
    BAD_REQUEST_400,
    CONFLICT_409,
    CONTENT_TOO_LARGE_413,
    FORBIDDEN_403,
    INTERNAL_SERVER_ERROR_500,
    NOT_FOUND_404,
    NOT_MODIFIED_304,
    PRECONDITION_FAILED_412,
    PRECONDITION_REQUIRED_428,
    TEMPORARILY_UNAVAILABLE_503,
    TOO_MANY_REQUESTS_429,
    UNAUTHORIZED_401,
    UNPROCESSABLE_CONTENT_422,
    UNSUPPORTED_MEDIA_TYPE_415,
)
from ..schemas import PATTERN_MESSAGES, SCHEMAS
from ..security import O_AUTH2_PASSWORD

__all__ = [
    "ArticlesApi",
    "operations",
    "ListArticlesParameters",
    "CreateArticleParameters",
    "CreateArticle201Response",
    "GetArticleParameters",
    "GetArticle200Response",
    "GetArticle304Response",
    "DeleteArticleParameters",
    "UpdateArticleParameters",
    "UpdateArticle200Response",
]


@dataclass(frozen=True, kw_only=True)
class ListArticlesParameters:
    """The parameters of listArticles, validated."""

    author_id: Annotated[UUID | None, UUID_TEXT] = None
    cursor: Annotated[str | None, Field(max_length=640, pattern="^[A-Za-z0-9_-]{1,640}$")] = None
    limit: Annotated[int, Field(ge=1, le=100), STRICT_NUMBER] = 20
    q: Annotated[str | None, Field(min_length=1, max_length=100, pattern="^[^\\x00]*$")] = None


@dataclass(frozen=True, kw_only=True)
class CreateArticleParameters:
    """The parameters of createArticle, validated."""

    idempotency_key: Annotated[str | None, Field(min_length=1, max_length=255, pattern="^[\\x21-\\x7e]{1,255}$")] = None


@dataclass(frozen=True, kw_only=True)
class CreateArticle201Response:
    """createArticle answered 201 with Location, ETag."""

    status: ClassVar[int] = 201
    body: models.Article
    location: str
    e_tag: str

    def headers(self) -> dict[str, object]:
        return {"Location": self.location, "ETag": self.e_tag}


@dataclass(frozen=True, kw_only=True)
class GetArticleParameters:
    """The parameters of getArticle, validated."""

    article_id: Annotated[UUID, UUID_TEXT]
    if_none_match: Annotated[
        str | None, Field(min_length=1, max_length=1024, pattern="^[\\x21-\\x7e](?:[\\x20-\\x7e]*[\\x21-\\x7e])?$")
    ] = None


@dataclass(frozen=True, kw_only=True)
class GetArticle200Response:
    """getArticle answered 200 with ETag."""

    status: ClassVar[int] = 200
    body: models.Article
    e_tag: str

    def headers(self) -> dict[str, object]:
        return {"ETag": self.e_tag}


@dataclass(frozen=True, kw_only=True)
class GetArticle304Response:
    """getArticle answered 304 with ETag."""

    status: ClassVar[int] = 304
    e_tag: str

    def headers(self) -> dict[str, object]:
        return {"ETag": self.e_tag}


@dataclass(frozen=True, kw_only=True)
class DeleteArticleParameters:
    """The parameters of deleteArticle, validated."""

    article_id: Annotated[UUID, UUID_TEXT]
    if_match: Annotated[
        str | None, Field(min_length=1, max_length=1024, pattern="^[\\x21-\\x7e](?:[\\x20-\\x7e]*[\\x21-\\x7e])?$")
    ] = None


@dataclass(frozen=True, kw_only=True)
class UpdateArticleParameters:
    """The parameters of updateArticle, validated."""

    article_id: Annotated[UUID, UUID_TEXT]
    if_match: Annotated[
        str | None, Field(min_length=1, max_length=1024, pattern="^[\\x21-\\x7e](?:[\\x20-\\x7e]*[\\x21-\\x7e])?$")
    ] = None


@dataclass(frozen=True, kw_only=True)
class UpdateArticle200Response:
    """updateArticle answered 200 with ETag."""

    status: ClassVar[int] = 200
    body: models.Article
    e_tag: str

    def headers(self) -> dict[str, object]:
        return {"ETag": self.e_tag}


LIST_ARTICLES = OperationContract(
    operation_id="listArticles",
    method="GET",
    path="/v1/articles",
    responses={
        "200": DeclaredResponse(
            status="200",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.ArticlePage),),
            headers=(
                HeaderSpec(name="X-Content-Type-Options", required=True, schema={"type": "string"}, const="nosniff"),
                HeaderSpec(name="Cache-Control", required=True, schema={"type": "string"}, const="no-store"),
                HeaderSpec(
                    name="RateLimit-Limit",
                    required=True,
                    schema={"type": "integer", "format": "int32"},
                    supplied_by="rate-limiter",
                ),
                HeaderSpec(
                    name="RateLimit-Remaining",
                    required=True,
                    schema={"type": "integer", "format": "int32"},
                    supplied_by="rate-limiter",
                ),
                HeaderSpec(
                    name="RateLimit-Reset",
                    required=True,
                    schema={"type": "integer", "format": "int32"},
                    supplied_by="rate-limiter",
                ),
                HeaderSpec(name="X-Request-ID", required=True, schema={"$ref": "RequestId"}, supplied_by="request-id"),
            ),
        ),
        "401": UNAUTHORIZED_401,
        "422": UNPROCESSABLE_CONTENT_422,
        "429": TOO_MANY_REQUESTS_429,
        "500": INTERNAL_SERVER_ERROR_500,
        "503": TEMPORARILY_UNAVAILABLE_503,
    },
    parameters=(
        ParameterSpec(
            name="author_id", location="query", keyword="author_id", style="form", explode=True, schema={"$ref": "Uuid"}
        ),
        ParameterSpec(
            name="cursor", location="query", keyword="cursor", style="form", explode=True, schema={"type": "string"}
        ),
        ParameterSpec(
            name="limit",
            location="query",
            keyword="limit",
            style="form",
            explode=True,
            schema={"type": "integer", "format": "int32"},
        ),
        ParameterSpec(
            name="q", location="query", keyword="q", style="form", explode=True, schema={"$ref": "SearchText"}
        ),
    ),
    parameters_type=ListArticlesParameters,
    security=(
        (),
        (SecurityRequirement(O_AUTH2_PASSWORD, ()),),
    ),
    principal_mode="single",
    result_mode="bare",
    default_status=200,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
)


CREATE_ARTICLE = OperationContract(
    operation_id="createArticle",
    method="POST",
    path="/v1/articles",
    responses={
        "201": DeclaredResponse(
            status="201",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.Article),),
            headers=(
                HeaderSpec(name="X-Content-Type-Options", required=True, schema={"type": "string"}, const="nosniff"),
                HeaderSpec(name="Cache-Control", required=True, schema={"type": "string"}, const="no-store"),
                HeaderSpec(
                    name="Location",
                    required=True,
                    schema={"type": "string", "format": "uri-reference"},
                    keyword="location",
                    type=Annotated[str, Field(max_length=2048)],
                ),
                HeaderSpec(
                    name="RateLimit-Limit",
                    required=True,
                    schema={"type": "integer", "format": "int32"},
                    supplied_by="rate-limiter",
                ),
                HeaderSpec(
                    name="RateLimit-Remaining",
                    required=True,
                    schema={"type": "integer", "format": "int32"},
                    supplied_by="rate-limiter",
                ),
                HeaderSpec(
                    name="RateLimit-Reset",
                    required=True,
                    schema={"type": "integer", "format": "int32"},
                    supplied_by="rate-limiter",
                ),
                HeaderSpec(name="Idempotent-Replayed", schema={"type": "string"}, supplied_by="idempotency"),
                HeaderSpec(
                    name="ETag",
                    required=True,
                    schema={"type": "string"},
                    keyword="e_tag",
                    type=Annotated[str, Field(max_length=43, pattern='^"[0-9]{1,19}(?:\\.[0-9]{1,19})?"$')],
                ),
                HeaderSpec(name="X-Request-ID", required=True, schema={"$ref": "RequestId"}, supplied_by="request-id"),
            ),
        ),
        "400": BAD_REQUEST_400,
        "401": UNAUTHORIZED_401,
        "409": CONFLICT_409,
        "413": CONTENT_TOO_LARGE_413,
        "415": UNSUPPORTED_MEDIA_TYPE_415,
        "422": UNPROCESSABLE_CONTENT_422,
        "429": TOO_MANY_REQUESTS_429,
        "500": INTERNAL_SERVER_ERROR_500,
        "503": TEMPORARILY_UNAVAILABLE_503,
    },
    parameters=(
        ParameterSpec(
            name="Idempotency-Key",
            location="header",
            keyword="idempotency_key",
            style="simple",
            explode=False,
            schema={"type": "string"},
        ),
    ),
    parameters_type=CreateArticleParameters,
    body=RequestBodySpec(
        required=True,
        media=(
            MediaSpec(
                media_type="application/json", kind="json", type=models.ArticleCreate, schema={"$ref": "ArticleCreate"}
            ),
        ),
    ),
    security=((SecurityRequirement(O_AUTH2_PASSWORD, ()),),),
    principal_mode="single",
    result_mode="result",
    default_status=None,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
    max_body_bytes=1048576,
    max_json_depth=32,
)


GET_ARTICLE = OperationContract(
    operation_id="getArticle",
    method="GET",
    path="/v1/articles/{article_id}",
    responses={
        "200": DeclaredResponse(
            status="200",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.Article),),
            headers=(
                HeaderSpec(name="X-Content-Type-Options", required=True, schema={"type": "string"}, const="nosniff"),
                HeaderSpec(name="Cache-Control", required=True, schema={"type": "string"}, const="no-store"),
                HeaderSpec(
                    name="RateLimit-Limit",
                    required=True,
                    schema={"type": "integer", "format": "int32"},
                    supplied_by="rate-limiter",
                ),
                HeaderSpec(
                    name="RateLimit-Remaining",
                    required=True,
                    schema={"type": "integer", "format": "int32"},
                    supplied_by="rate-limiter",
                ),
                HeaderSpec(
                    name="RateLimit-Reset",
                    required=True,
                    schema={"type": "integer", "format": "int32"},
                    supplied_by="rate-limiter",
                ),
                HeaderSpec(
                    name="ETag",
                    required=True,
                    schema={"type": "string"},
                    keyword="e_tag",
                    type=Annotated[str, Field(max_length=43, pattern='^"[0-9]{1,19}(?:\\.[0-9]{1,19})?"$')],
                ),
                HeaderSpec(name="X-Request-ID", required=True, schema={"$ref": "RequestId"}, supplied_by="request-id"),
            ),
        ),
        "304": NOT_MODIFIED_304,
        "401": UNAUTHORIZED_401,
        "404": NOT_FOUND_404,
        "422": UNPROCESSABLE_CONTENT_422,
        "429": TOO_MANY_REQUESTS_429,
        "500": INTERNAL_SERVER_ERROR_500,
        "503": TEMPORARILY_UNAVAILABLE_503,
    },
    parameters=(
        ParameterSpec(
            name="article_id",
            location="path",
            keyword="article_id",
            required=True,
            style="simple",
            explode=False,
            schema={"$ref": "Uuid"},
        ),
        ParameterSpec(
            name="If-None-Match",
            location="header",
            keyword="if_none_match",
            style="simple",
            explode=False,
            schema={"type": "string"},
        ),
    ),
    parameters_type=GetArticleParameters,
    security=(
        (),
        (SecurityRequirement(O_AUTH2_PASSWORD, ()),),
    ),
    principal_mode="single",
    result_mode="result",
    default_status=None,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
)


DELETE_ARTICLE = OperationContract(
    operation_id="deleteArticle",
    method="DELETE",
    path="/v1/articles/{article_id}",
    responses={
        "204": DeclaredResponse(
            status="204",
            headers=(
                HeaderSpec(name="X-Content-Type-Options", required=True, schema={"type": "string"}, const="nosniff"),
                HeaderSpec(name="Cache-Control", required=True, schema={"type": "string"}, const="no-store"),
                HeaderSpec(
                    name="RateLimit-Limit",
                    required=True,
                    schema={"type": "integer", "format": "int32"},
                    supplied_by="rate-limiter",
                ),
                HeaderSpec(
                    name="RateLimit-Remaining",
                    required=True,
                    schema={"type": "integer", "format": "int32"},
                    supplied_by="rate-limiter",
                ),
                HeaderSpec(
                    name="RateLimit-Reset",
                    required=True,
                    schema={"type": "integer", "format": "int32"},
                    supplied_by="rate-limiter",
                ),
                HeaderSpec(name="X-Request-ID", required=True, schema={"$ref": "RequestId"}, supplied_by="request-id"),
            ),
        ),
        "401": UNAUTHORIZED_401,
        "403": FORBIDDEN_403,
        "404": NOT_FOUND_404,
        "412": PRECONDITION_FAILED_412,
        "422": UNPROCESSABLE_CONTENT_422,
        "429": TOO_MANY_REQUESTS_429,
        "500": INTERNAL_SERVER_ERROR_500,
        "503": TEMPORARILY_UNAVAILABLE_503,
    },
    parameters=(
        ParameterSpec(
            name="article_id",
            location="path",
            keyword="article_id",
            required=True,
            style="simple",
            explode=False,
            schema={"$ref": "Uuid"},
        ),
        ParameterSpec(
            name="If-Match",
            location="header",
            keyword="if_match",
            style="simple",
            explode=False,
            schema={"type": "string"},
        ),
    ),
    parameters_type=DeleteArticleParameters,
    security=((SecurityRequirement(O_AUTH2_PASSWORD, ()),),),
    principal_mode="single",
    result_mode="bare",
    default_status=204,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
)


UPDATE_ARTICLE = OperationContract(
    operation_id="updateArticle",
    method="PATCH",
    path="/v1/articles/{article_id}",
    responses={
        "200": DeclaredResponse(
            status="200",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.Article),),
            headers=(
                HeaderSpec(name="X-Content-Type-Options", required=True, schema={"type": "string"}, const="nosniff"),
                HeaderSpec(name="Cache-Control", required=True, schema={"type": "string"}, const="no-store"),
                HeaderSpec(
                    name="RateLimit-Limit",
                    required=True,
                    schema={"type": "integer", "format": "int32"},
                    supplied_by="rate-limiter",
                ),
                HeaderSpec(
                    name="RateLimit-Remaining",
                    required=True,
                    schema={"type": "integer", "format": "int32"},
                    supplied_by="rate-limiter",
                ),
                HeaderSpec(
                    name="RateLimit-Reset",
                    required=True,
                    schema={"type": "integer", "format": "int32"},
                    supplied_by="rate-limiter",
                ),
                HeaderSpec(
                    name="ETag",
                    required=True,
                    schema={"type": "string"},
                    keyword="e_tag",
                    type=Annotated[str, Field(max_length=43, pattern='^"[0-9]{1,19}(?:\\.[0-9]{1,19})?"$')],
                ),
                HeaderSpec(name="X-Request-ID", required=True, schema={"$ref": "RequestId"}, supplied_by="request-id"),
            ),
        ),
        "400": BAD_REQUEST_400,
        "401": UNAUTHORIZED_401,
        "403": FORBIDDEN_403,
        "404": NOT_FOUND_404,
        "412": PRECONDITION_FAILED_412,
        "413": CONTENT_TOO_LARGE_413,
        "415": UNSUPPORTED_MEDIA_TYPE_415,
        "422": UNPROCESSABLE_CONTENT_422,
        "428": PRECONDITION_REQUIRED_428,
        "429": TOO_MANY_REQUESTS_429,
        "500": INTERNAL_SERVER_ERROR_500,
        "503": TEMPORARILY_UNAVAILABLE_503,
    },
    parameters=(
        ParameterSpec(
            name="article_id",
            location="path",
            keyword="article_id",
            required=True,
            style="simple",
            explode=False,
            schema={"$ref": "Uuid"},
        ),
        ParameterSpec(
            name="If-Match",
            location="header",
            keyword="if_match",
            style="simple",
            explode=False,
            schema={"type": "string"},
        ),
    ),
    parameters_type=UpdateArticleParameters,
    body=RequestBodySpec(
        required=True,
        media=(
            MediaSpec(
                media_type="application/json", kind="json", type=models.ArticleUpdate, schema={"$ref": "ArticleUpdate"}
            ),
        ),
    ),
    security=((SecurityRequirement(O_AUTH2_PASSWORD, ()),),),
    principal_mode="single",
    result_mode="result",
    default_status=None,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
    max_body_bytes=1048576,
    max_json_depth=32,
)


class ArticlesApi(OperationInterface, Generic[Principal]):
    """Implement one method per operation of the `articles` interface; the runtime calls them."""

    __interface__ = "articles"
    __operations__ = {
        "list_articles": "listArticles (GET /v1/articles)",
        "create_article": "createArticle (POST /v1/articles)",
        "get_article": "getArticle (GET /v1/articles/{article_id})",
        "delete_article": "deleteArticle (DELETE /v1/articles/{article_id})",
        "update_article": "updateArticle (PATCH /v1/articles/{article_id})",
    }

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
        """listArticles (GET /v1/articles): List published articles"""

    @abstractmethod
    async def create_article(
        self,
        *,
        idempotency_key: str | None,
        body: models.ArticleCreate,
        principal: Principal,
    ) -> CreateArticle201Response:
        """createArticle (POST /v1/articles): Create an article"""

    @abstractmethod
    async def get_article(
        self,
        *,
        article_id: UUID,
        if_none_match: str | None,
        principal: Principal | None,
    ) -> GetArticle200Response | GetArticle304Response:
        """getArticle (GET /v1/articles/{article_id}): Get an article"""

    @abstractmethod
    async def delete_article(
        self,
        *,
        article_id: UUID,
        if_match: str | None,
        principal: Principal,
    ) -> None:
        """deleteArticle (DELETE /v1/articles/{article_id}): Delete an article"""

    @abstractmethod
    async def update_article(
        self,
        *,
        article_id: UUID,
        if_match: str | None,
        body: models.ArticleUpdate,
        principal: Principal,
    ) -> UpdateArticle200Response:
        """updateArticle (PATCH /v1/articles/{article_id}): Update an article"""


def operations(implementation: ArticlesApi[Any]) -> list[BoundOperation]:
    """The `articles` operations, bound to one implementation."""

    async def list_articles(arguments: Arguments[ListArticlesParameters]) -> object:
        parameters = arguments.parameters
        return await implementation.list_articles(
            author_id=parameters.author_id,
            cursor=parameters.cursor,
            limit=parameters.limit,
            q=parameters.q,
            principal=arguments.principal,
        )

    async def create_article(arguments: Arguments[CreateArticleParameters]) -> object:
        parameters = arguments.parameters
        return await implementation.create_article(
            idempotency_key=parameters.idempotency_key,
            body=arguments.body,
            principal=arguments.principal,
        )

    async def get_article(arguments: Arguments[GetArticleParameters]) -> object:
        parameters = arguments.parameters
        return await implementation.get_article(
            article_id=parameters.article_id,
            if_none_match=parameters.if_none_match,
            principal=arguments.principal,
        )

    async def delete_article(arguments: Arguments[DeleteArticleParameters]) -> object:
        parameters = arguments.parameters
        await implementation.delete_article(
            article_id=parameters.article_id,
            if_match=parameters.if_match,
            principal=arguments.principal,
        )
        return None

    async def update_article(arguments: Arguments[UpdateArticleParameters]) -> object:
        parameters = arguments.parameters
        return await implementation.update_article(
            article_id=parameters.article_id,
            if_match=parameters.if_match,
            body=arguments.body,
            principal=arguments.principal,
        )

    return [
        BoundOperation(LIST_ARTICLES, list_articles),
        BoundOperation(CREATE_ARTICLE, create_article),
        BoundOperation(GET_ARTICLE, get_article),
        BoundOperation(DELETE_ARTICLE, delete_article),
        BoundOperation(UPDATE_ARTICLE, update_article),
    ]
