# DO NOT EDIT: generated from openapi.yaml by `make generate` (scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run it again.

"""The `items` interface of openapi.yaml: what an implementation provides, its typed parameters and
results, and the operations bound to an implementation."""

from abc import abstractmethod
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Generic, Literal
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
    "ItemsApi",
    "operations",
    "ListItemsSort",
    "ListItemsParameters",
    "CreateItemParameters",
    "CreateItem201Response",
    "GetItemParameters",
    "GetItem200Response",
    "GetItem304Response",
    "DeleteItemParameters",
    "UpdateItemParameters",
    "UpdateItem200Response",
]

ListItemsSort = Literal["created_at", "-created_at", "price", "-price", "name", "-name"]


@dataclass(frozen=True, kw_only=True)
class ListItemsParameters:
    """The parameters of listItems, validated."""

    cursor: Annotated[str | None, Field(max_length=640, pattern="^[A-Za-z0-9_-]{1,640}$")] = None
    limit: Annotated[int, Field(ge=1, le=100), STRICT_NUMBER] = 20
    max_price: Annotated[
        str | None, Field(max_length=10, pattern="^(?:(?:0|[1-9][0-9]{0,5})(?:\\.[0-9]{1,2})?|1000000(?:\\.0{1,2})?)$")
    ] = None
    min_price: Annotated[
        str | None, Field(max_length=10, pattern="^(?:(?:0|[1-9][0-9]{0,5})(?:\\.[0-9]{1,2})?|1000000(?:\\.0{1,2})?)$")
    ] = None
    q: Annotated[str | None, Field(min_length=1, max_length=100, pattern="^[^\\x00]*$")] = None
    sort: ListItemsSort = "-created_at"
    status: models.ItemStatus | None = None


@dataclass(frozen=True, kw_only=True)
class CreateItemParameters:
    """The parameters of createItem, validated."""

    idempotency_key: Annotated[str | None, Field(min_length=1, max_length=255, pattern="^[\\x21-\\x7e]{1,255}$")] = None


@dataclass(frozen=True, kw_only=True)
class CreateItem201Response:
    """createItem answered 201 with Location, ETag."""

    status: ClassVar[int] = 201
    body: models.Item
    location: str
    e_tag: str

    def headers(self) -> dict[str, object]:
        return {"Location": self.location, "ETag": self.e_tag}


@dataclass(frozen=True, kw_only=True)
class GetItemParameters:
    """The parameters of getItem, validated."""

    item_id: Annotated[UUID, UUID_TEXT]
    if_none_match: Annotated[
        str | None, Field(min_length=1, max_length=1024, pattern="^[\\x21-\\x7e](?:[\\x20-\\x7e]*[\\x21-\\x7e])?$")
    ] = None


@dataclass(frozen=True, kw_only=True)
class GetItem200Response:
    """getItem answered 200 with ETag."""

    status: ClassVar[int] = 200
    body: models.Item
    e_tag: str

    def headers(self) -> dict[str, object]:
        return {"ETag": self.e_tag}


@dataclass(frozen=True, kw_only=True)
class GetItem304Response:
    """getItem answered 304 with ETag."""

    status: ClassVar[int] = 304
    e_tag: str

    def headers(self) -> dict[str, object]:
        return {"ETag": self.e_tag}


@dataclass(frozen=True, kw_only=True)
class DeleteItemParameters:
    """The parameters of deleteItem, validated."""

    item_id: Annotated[UUID, UUID_TEXT]
    if_match: Annotated[
        str | None, Field(min_length=1, max_length=1024, pattern="^[\\x21-\\x7e](?:[\\x20-\\x7e]*[\\x21-\\x7e])?$")
    ] = None


@dataclass(frozen=True, kw_only=True)
class UpdateItemParameters:
    """The parameters of updateItem, validated."""

    item_id: Annotated[UUID, UUID_TEXT]
    if_match: Annotated[
        str | None, Field(min_length=1, max_length=1024, pattern="^[\\x21-\\x7e](?:[\\x20-\\x7e]*[\\x21-\\x7e])?$")
    ] = None


@dataclass(frozen=True, kw_only=True)
class UpdateItem200Response:
    """updateItem answered 200 with ETag."""

    status: ClassVar[int] = 200
    body: models.Item
    e_tag: str

    def headers(self) -> dict[str, object]:
        return {"ETag": self.e_tag}


LIST_ITEMS = OperationContract(
    operation_id="listItems",
    method="GET",
    path="/v1/items",
    responses={
        "200": DeclaredResponse(
            status="200",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.ItemPage),),
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
            name="max_price",
            location="query",
            keyword="max_price",
            style="form",
            explode=True,
            schema={"$ref": "PriceBound"},
        ),
        ParameterSpec(
            name="min_price",
            location="query",
            keyword="min_price",
            style="form",
            explode=True,
            schema={"$ref": "PriceBound"},
        ),
        ParameterSpec(
            name="q", location="query", keyword="q", style="form", explode=True, schema={"$ref": "SearchText"}
        ),
        ParameterSpec(
            name="sort", location="query", keyword="sort", style="form", explode=True, schema={"type": "string"}
        ),
        ParameterSpec(
            name="status", location="query", keyword="status", style="form", explode=True, schema={"$ref": "ItemStatus"}
        ),
    ),
    parameters_type=ListItemsParameters,
    security=((SecurityRequirement(O_AUTH2_PASSWORD, ()),),),
    principal_mode="single",
    result_mode="bare",
    default_status=200,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
)


CREATE_ITEM = OperationContract(
    operation_id="createItem",
    method="POST",
    path="/v1/items",
    responses={
        "201": DeclaredResponse(
            status="201",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.Item),),
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
    parameters_type=CreateItemParameters,
    body=RequestBodySpec(
        required=True,
        media=(
            MediaSpec(
                media_type="application/json", kind="json", type=models.ItemCreate, schema={"$ref": "ItemCreate"}
            ),
        ),
    ),
    security=((SecurityRequirement(O_AUTH2_PASSWORD, ()),),),
    principal_mode="single",
    result_mode="result",
    default_status=None,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    unique_item_paths=(("tags",),),
    rate_limited=True,
    max_body_bytes=1048576,
    max_json_depth=32,
)


GET_ITEM = OperationContract(
    operation_id="getItem",
    method="GET",
    path="/v1/items/{item_id}",
    responses={
        "200": DeclaredResponse(
            status="200",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.Item),),
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
            name="item_id",
            location="path",
            keyword="item_id",
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
    parameters_type=GetItemParameters,
    security=((SecurityRequirement(O_AUTH2_PASSWORD, ()),),),
    principal_mode="single",
    result_mode="result",
    default_status=None,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
)


DELETE_ITEM = OperationContract(
    operation_id="deleteItem",
    method="DELETE",
    path="/v1/items/{item_id}",
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
        "404": NOT_FOUND_404,
        "412": PRECONDITION_FAILED_412,
        "422": UNPROCESSABLE_CONTENT_422,
        "429": TOO_MANY_REQUESTS_429,
        "500": INTERNAL_SERVER_ERROR_500,
        "503": TEMPORARILY_UNAVAILABLE_503,
    },
    parameters=(
        ParameterSpec(
            name="item_id",
            location="path",
            keyword="item_id",
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
    parameters_type=DeleteItemParameters,
    security=((SecurityRequirement(O_AUTH2_PASSWORD, ()),),),
    principal_mode="single",
    result_mode="bare",
    default_status=204,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
)


UPDATE_ITEM = OperationContract(
    operation_id="updateItem",
    method="PATCH",
    path="/v1/items/{item_id}",
    responses={
        "200": DeclaredResponse(
            status="200",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.Item),),
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
            name="item_id",
            location="path",
            keyword="item_id",
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
    parameters_type=UpdateItemParameters,
    body=RequestBodySpec(
        required=True,
        media=(
            MediaSpec(
                media_type="application/json", kind="json", type=models.ItemUpdate, schema={"$ref": "ItemUpdate"}
            ),
        ),
    ),
    security=((SecurityRequirement(O_AUTH2_PASSWORD, ()),),),
    principal_mode="single",
    result_mode="result",
    default_status=None,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    unique_item_paths=(("tags",),),
    rate_limited=True,
    max_body_bytes=1048576,
    max_json_depth=32,
)


class ItemsApi(OperationInterface, Generic[Principal]):
    """Implement one method per operation of the `items` interface; the runtime calls them."""

    __interface__ = "items"
    __operations__ = {
        "list_items": "listItems (GET /v1/items)",
        "create_item": "createItem (POST /v1/items)",
        "get_item": "getItem (GET /v1/items/{item_id})",
        "delete_item": "deleteItem (DELETE /v1/items/{item_id})",
        "update_item": "updateItem (PATCH /v1/items/{item_id})",
    }

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
        """listItems (GET /v1/items): List the caller's items"""

    @abstractmethod
    async def create_item(
        self,
        *,
        idempotency_key: str | None,
        body: models.ItemCreate,
        principal: Principal,
    ) -> CreateItem201Response:
        """createItem (POST /v1/items): Create an item"""

    @abstractmethod
    async def get_item(
        self,
        *,
        item_id: UUID,
        if_none_match: str | None,
        principal: Principal,
    ) -> GetItem200Response | GetItem304Response:
        """getItem (GET /v1/items/{item_id}): Get an item"""

    @abstractmethod
    async def delete_item(
        self,
        *,
        item_id: UUID,
        if_match: str | None,
        principal: Principal,
    ) -> None:
        """deleteItem (DELETE /v1/items/{item_id}): Delete an item"""

    @abstractmethod
    async def update_item(
        self,
        *,
        item_id: UUID,
        if_match: str | None,
        body: models.ItemUpdate,
        principal: Principal,
    ) -> UpdateItem200Response:
        """updateItem (PATCH /v1/items/{item_id}): Update an item"""


def operations(implementation: ItemsApi[Any]) -> list[BoundOperation]:
    """The `items` operations, bound to one implementation."""

    async def list_items(arguments: Arguments[ListItemsParameters]) -> object:
        parameters = arguments.parameters
        return await implementation.list_items(
            cursor=parameters.cursor,
            limit=parameters.limit,
            max_price=parameters.max_price,
            min_price=parameters.min_price,
            q=parameters.q,
            sort=parameters.sort,
            status=parameters.status,
            principal=arguments.principal,
        )

    async def create_item(arguments: Arguments[CreateItemParameters]) -> object:
        parameters = arguments.parameters
        return await implementation.create_item(
            idempotency_key=parameters.idempotency_key,
            body=arguments.body,
            principal=arguments.principal,
        )

    async def get_item(arguments: Arguments[GetItemParameters]) -> object:
        parameters = arguments.parameters
        return await implementation.get_item(
            item_id=parameters.item_id,
            if_none_match=parameters.if_none_match,
            principal=arguments.principal,
        )

    async def delete_item(arguments: Arguments[DeleteItemParameters]) -> object:
        parameters = arguments.parameters
        await implementation.delete_item(
            item_id=parameters.item_id,
            if_match=parameters.if_match,
            principal=arguments.principal,
        )
        return None

    async def update_item(arguments: Arguments[UpdateItemParameters]) -> object:
        parameters = arguments.parameters
        return await implementation.update_item(
            item_id=parameters.item_id,
            if_match=parameters.if_match,
            body=arguments.body,
            principal=arguments.principal,
        )

    return [
        BoundOperation(LIST_ITEMS, list_items),
        BoundOperation(CREATE_ITEM, create_item),
        BoundOperation(GET_ITEM, get_item),
        BoundOperation(DELETE_ITEM, delete_item),
        BoundOperation(UPDATE_ITEM, update_item),
    ]
