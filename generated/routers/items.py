# DO NOT EDIT: generated from openapi.yaml by `make generate` (fastapi-code-generator==0.8.1 + scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run `make generate`.

"""The `items` tag: its implementation interface, typed results and router."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Generic, Literal
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
    INTERNAL_SERVER_ERROR_500,
    NOT_FOUND_404,
    TOO_MANY_REQUESTS_429,
    UNAUTHORIZED_401,
    UNPROCESSABLE_CONTENT_422,
    UNSUPPORTED_MEDIA_TYPE_415,
)

__all__ = ["ItemsApi", "build_router", "ListItemsSort", "CreateItem201Response"]


ListItemsSort = Literal["created_at", "-created_at", "price", "-price", "name", "-name"]


@dataclass(frozen=True, kw_only=True)
class CreateItem201Response:
    """createItem answered 201 with Location."""

    status: ClassVar[int] = 201
    body: models.Item
    location: str

    def headers(self) -> dict[str, str]:
        return {"Location": self.location}


LIST_ITEMS = OperationContract(
    operation_id="listItems",
    method="GET",
    path="/v1/items",
    responses={
        200: DeclaredResponse(
            status=200,
            model=models.ItemPage,
            media_type="application/json",
            required_headers=(
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
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

CREATE_ITEM = OperationContract(
    operation_id="createItem",
    method="POST",
    path="/v1/items",
    responses={
        201: DeclaredResponse(
            status=201,
            model=models.Item,
            media_type="application/json",
            required_headers=(
                "Location",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
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
    unique_item_paths=(("tags",),),
    rate_limited=True,
    checks_media_type=True,
    max_body_bytes=1048576,
    max_json_depth=32,
)

GET_ITEM = OperationContract(
    operation_id="getItem",
    method="GET",
    path="/v1/items/{item_id}",
    responses={
        200: DeclaredResponse(
            status=200,
            model=models.Item,
            media_type="application/json",
            required_headers=(
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
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

DELETE_ITEM = OperationContract(
    operation_id="deleteItem",
    method="DELETE",
    path="/v1/items/{item_id}",
    responses={
        204: DeclaredResponse(
            status=204,
            model=None,
            media_type=None,
            required_headers=(
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
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

UPDATE_ITEM = OperationContract(
    operation_id="updateItem",
    method="PATCH",
    path="/v1/items/{item_id}",
    responses={
        200: DeclaredResponse(
            status=200,
            model=models.Item,
            media_type="application/json",
            required_headers=(
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
            ),
        ),
        400: BAD_REQUEST_400,
        401: UNAUTHORIZED_401,
        404: NOT_FOUND_404,
        413: CONTENT_TOO_LARGE_413,
        415: UNSUPPORTED_MEDIA_TYPE_415,
        422: UNPROCESSABLE_CONTENT_422,
        429: TOO_MANY_REQUESTS_429,
        500: INTERNAL_SERVER_ERROR_500,
    },
    body_media_type="application/json",
    unique_item_paths=(("tags",),),
    rate_limited=True,
    checks_media_type=True,
    max_body_bytes=1048576,
    max_json_depth=32,
)


class ItemsApi(ABC, Generic[Principal]):
    """Implement one method per operation of the `items` tag; the router calls them."""

    @abstractmethod
    async def list_items(
        self,
        *,
        cursor: str | None,
        limit: int,
        max_price: str | None,
        min_price: str | None,
        q: str | None,
        sort: ListItemsSort,
        status: models.ItemStatus | None,
        principal: Principal,
    ) -> models.ItemPage:
        """listItems: GET /v1/items. List the caller's items."""

    @abstractmethod
    async def create_item(
        self,
        *,
        body: models.ItemCreate,
        principal: Principal,
    ) -> CreateItem201Response:
        """createItem: POST /v1/items. Create an item."""

    @abstractmethod
    async def get_item(
        self,
        *,
        item_id: UUID,
        principal: Principal,
    ) -> models.Item:
        """getItem: GET /v1/items/{item_id}. Get an item."""

    @abstractmethod
    async def delete_item(
        self,
        *,
        item_id: UUID,
        principal: Principal,
    ) -> None:
        """deleteItem: DELETE /v1/items/{item_id}. Delete an item."""

    @abstractmethod
    async def update_item(
        self,
        *,
        item_id: UUID,
        body: models.ItemUpdate,
        principal: Principal,
    ) -> models.Item:
        """updateItem: PATCH /v1/items/{item_id}. Update an item."""


def build_router(
    implementation: ItemsApi[Principal],
    security: Authenticator[Principal],
    request_scope: RequestScope,
    rate_limiter: RateLimiter,
) -> APIRouter:
    """Routes for the `items` tag, bound to one implementation."""
    router = APIRouter()

    async def list_items(
        *,
        cursor: Annotated[
            str | None,
            Query(
                alias="cursor",
                max_length=900,
                pattern="^[0-9]{1,16}\\.[0-9]{1,9}\\.[0-9a-f]{32}\\.(?:[0-9a-f]{2}){0,400}$",
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
        max_price: Annotated[
            str | None,
            Query(
                alias="max_price",
                max_length=10,
                pattern="^(?:(?:0|[1-9][0-9]{0,5})(?:\\.[0-9]{1,2})?|1000000(?:\\.0{1,2})?)$",
                description="Only items priced at most this much.",
            ),
        ] = None,
        min_price: Annotated[
            str | None,
            Query(
                alias="min_price",
                max_length=10,
                pattern="^(?:(?:0|[1-9][0-9]{0,5})(?:\\.[0-9]{1,2})?|1000000(?:\\.0{1,2})?)$",
                description="Only items priced at least this much.",
            ),
        ] = None,
        q: Annotated[
            str | None,
            Query(
                alias="q",
                min_length=1,
                max_length=100,
                pattern="^[^\\x00]*$",
                description="Case-insensitive substring of the item's name.",
            ),
        ] = None,
        sort: Annotated[
            ListItemsSort,
            Query(
                alias="sort",
                description="Sort key; a leading `-` sorts in descending order. Ties are broken by id.",
            ),
        ] = "-created_at",
        status: Annotated[
            models.ItemStatus | None,
            Query(alias="status", description="Only items with this status."),
        ] = None,
        principal: Annotated[Any, Depends(security.required)],
    ) -> Response:
        result = await implementation.list_items(
            cursor=cursor,
            limit=limit,
            max_price=max_price,
            min_price=min_price,
            q=q,
            sort=sort,
            status=status,
            principal=principal,
        )
        return render(LIST_ITEMS, 200, result)

    router.add_api_route(
        "/v1/items",
        list_items,
        methods=["GET"],
        operation_id="listItems",
        response_model=None,
        route_class_override=contract_route(LIST_ITEMS, request_scope, rate_limiter),
    )

    async def create_item(
        *,
        body: Annotated[models.ItemCreate, Body()],
        principal: Annotated[Any, Depends(security.required)],
    ) -> Response:
        result = await implementation.create_item(
            body=body,
            principal=principal,
        )
        return render(CREATE_ITEM, result.status, result.body, result.headers())

    router.add_api_route(
        "/v1/items",
        create_item,
        methods=["POST"],
        operation_id="createItem",
        response_model=None,
        route_class_override=contract_route(CREATE_ITEM, request_scope, rate_limiter),
    )

    async def get_item(
        *,
        item_id: Annotated[UUID, Path(alias="item_id", description="The item's id."), UUID_TEXT],
        principal: Annotated[Any, Depends(security.required)],
    ) -> Response:
        result = await implementation.get_item(
            item_id=item_id,
            principal=principal,
        )
        return render(GET_ITEM, 200, result)

    router.add_api_route(
        "/v1/items/{item_id}",
        get_item,
        methods=["GET"],
        operation_id="getItem",
        response_model=None,
        route_class_override=contract_route(GET_ITEM, request_scope, rate_limiter),
    )

    async def delete_item(
        *,
        item_id: Annotated[UUID, Path(alias="item_id", description="The item's id."), UUID_TEXT],
        principal: Annotated[Any, Depends(security.required)],
    ) -> Response:
        await implementation.delete_item(
            item_id=item_id,
            principal=principal,
        )
        return render(DELETE_ITEM, 204, None)

    router.add_api_route(
        "/v1/items/{item_id}",
        delete_item,
        methods=["DELETE"],
        operation_id="deleteItem",
        response_model=None,
        route_class_override=contract_route(DELETE_ITEM, request_scope, rate_limiter),
    )

    async def update_item(
        *,
        item_id: Annotated[UUID, Path(alias="item_id", description="The item's id."), UUID_TEXT],
        body: Annotated[models.ItemUpdate, Body()],
        principal: Annotated[Any, Depends(security.required)],
    ) -> Response:
        result = await implementation.update_item(
            item_id=item_id,
            body=body,
            principal=principal,
        )
        return render(UPDATE_ITEM, 200, result)

    router.add_api_route(
        "/v1/items/{item_id}",
        update_item,
        methods=["PATCH"],
        operation_id="updateItem",
        response_model=None,
        route_class_override=contract_route(UPDATE_ITEM, request_scope, rate_limiter),
    )

    return router
