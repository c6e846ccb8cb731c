# DO NOT EDIT: generated from openapi.yaml by `make generate` (scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run it again.

"""The `users` interface of openapi.yaml: what an implementation provides, its typed parameters and
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
    "UsersApi",
    "operations",
    "GetCurrentUserParameters",
    "GetCurrentUser200Response",
    "GetCurrentUser304Response",
    "DeleteCurrentUserParameters",
    "UpdateCurrentUserParameters",
    "UpdateCurrentUser200Response",
    "ChangePasswordParameters",
    "ListUsersParameters",
    "GetUserParameters",
    "GetUser200Response",
    "GetUser304Response",
    "DeleteUserParameters",
    "UpdateUserParameters",
    "UpdateUser200Response",
]


@dataclass(frozen=True, kw_only=True)
class GetCurrentUserParameters:
    """The parameters of getCurrentUser, validated."""

    if_none_match: Annotated[
        str | None, Field(min_length=1, max_length=1024, pattern="^[\\x21-\\x7e](?:[\\x20-\\x7e]*[\\x21-\\x7e])?$")
    ] = None


@dataclass(frozen=True, kw_only=True)
class GetCurrentUser200Response:
    """getCurrentUser answered 200 with ETag."""

    status: ClassVar[int] = 200
    body: models.User
    e_tag: str

    def headers(self) -> dict[str, object]:
        return {"ETag": self.e_tag}


@dataclass(frozen=True, kw_only=True)
class GetCurrentUser304Response:
    """getCurrentUser answered 304 with ETag."""

    status: ClassVar[int] = 304
    e_tag: str

    def headers(self) -> dict[str, object]:
        return {"ETag": self.e_tag}


@dataclass(frozen=True, kw_only=True)
class DeleteCurrentUserParameters:
    """The parameters of deleteCurrentUser, validated."""

    if_match: Annotated[
        str | None, Field(min_length=1, max_length=1024, pattern="^[\\x21-\\x7e](?:[\\x20-\\x7e]*[\\x21-\\x7e])?$")
    ] = None


@dataclass(frozen=True, kw_only=True)
class UpdateCurrentUserParameters:
    """The parameters of updateCurrentUser, validated."""

    if_match: Annotated[
        str | None, Field(min_length=1, max_length=1024, pattern="^[\\x21-\\x7e](?:[\\x20-\\x7e]*[\\x21-\\x7e])?$")
    ] = None


@dataclass(frozen=True, kw_only=True)
class UpdateCurrentUser200Response:
    """updateCurrentUser answered 200 with ETag."""

    status: ClassVar[int] = 200
    body: models.User
    e_tag: str

    def headers(self) -> dict[str, object]:
        return {"ETag": self.e_tag}


@dataclass(frozen=True, kw_only=True)
class ChangePasswordParameters:
    """The parameters of changePassword, validated."""

    idempotency_key: Annotated[str | None, Field(min_length=1, max_length=255, pattern="^[\\x21-\\x7e]{1,255}$")] = None


@dataclass(frozen=True, kw_only=True)
class ListUsersParameters:
    """The parameters of listUsers, validated."""

    cursor: Annotated[str | None, Field(max_length=640, pattern="^[A-Za-z0-9_-]{1,640}$")] = None
    is_active: bool | None = None
    is_superuser: bool | None = None
    limit: Annotated[int, Field(ge=1, le=100), STRICT_NUMBER] = 20
    q: Annotated[str | None, Field(min_length=1, max_length=100, pattern="^[^\\x00]*$")] = None


@dataclass(frozen=True, kw_only=True)
class GetUserParameters:
    """The parameters of getUser, validated."""

    user_id: Annotated[UUID, UUID_TEXT]
    if_none_match: Annotated[
        str | None, Field(min_length=1, max_length=1024, pattern="^[\\x21-\\x7e](?:[\\x20-\\x7e]*[\\x21-\\x7e])?$")
    ] = None


@dataclass(frozen=True, kw_only=True)
class GetUser200Response:
    """getUser answered 200 with ETag."""

    status: ClassVar[int] = 200
    body: models.User
    e_tag: str

    def headers(self) -> dict[str, object]:
        return {"ETag": self.e_tag}


@dataclass(frozen=True, kw_only=True)
class GetUser304Response:
    """getUser answered 304 with ETag."""

    status: ClassVar[int] = 304
    e_tag: str

    def headers(self) -> dict[str, object]:
        return {"ETag": self.e_tag}


@dataclass(frozen=True, kw_only=True)
class DeleteUserParameters:
    """The parameters of deleteUser, validated."""

    user_id: Annotated[UUID, UUID_TEXT]
    if_match: Annotated[
        str | None, Field(min_length=1, max_length=1024, pattern="^[\\x21-\\x7e](?:[\\x20-\\x7e]*[\\x21-\\x7e])?$")
    ] = None


@dataclass(frozen=True, kw_only=True)
class UpdateUserParameters:
    """The parameters of updateUser, validated."""

    user_id: Annotated[UUID, UUID_TEXT]
    if_match: Annotated[
        str | None, Field(min_length=1, max_length=1024, pattern="^[\\x21-\\x7e](?:[\\x20-\\x7e]*[\\x21-\\x7e])?$")
    ] = None


@dataclass(frozen=True, kw_only=True)
class UpdateUser200Response:
    """updateUser answered 200 with ETag."""

    status: ClassVar[int] = 200
    body: models.User
    e_tag: str

    def headers(self) -> dict[str, object]:
        return {"ETag": self.e_tag}


GET_CURRENT_USER = OperationContract(
    operation_id="getCurrentUser",
    method="GET",
    path="/v1/users/me",
    responses={
        "200": DeclaredResponse(
            status="200",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.User),),
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
        "422": UNPROCESSABLE_CONTENT_422,
        "429": TOO_MANY_REQUESTS_429,
        "500": INTERNAL_SERVER_ERROR_500,
        "503": TEMPORARILY_UNAVAILABLE_503,
    },
    parameters=(
        ParameterSpec(
            name="If-None-Match",
            location="header",
            keyword="if_none_match",
            style="simple",
            explode=False,
            schema={"type": "string"},
        ),
    ),
    parameters_type=GetCurrentUserParameters,
    security=((SecurityRequirement(O_AUTH2_PASSWORD, ()),),),
    principal_mode="single",
    result_mode="result",
    default_status=None,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
)


DELETE_CURRENT_USER = OperationContract(
    operation_id="deleteCurrentUser",
    method="DELETE",
    path="/v1/users/me",
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
        "412": PRECONDITION_FAILED_412,
        "422": UNPROCESSABLE_CONTENT_422,
        "429": TOO_MANY_REQUESTS_429,
        "500": INTERNAL_SERVER_ERROR_500,
        "503": TEMPORARILY_UNAVAILABLE_503,
    },
    parameters=(
        ParameterSpec(
            name="If-Match",
            location="header",
            keyword="if_match",
            style="simple",
            explode=False,
            schema={"type": "string"},
        ),
    ),
    parameters_type=DeleteCurrentUserParameters,
    security=((SecurityRequirement(O_AUTH2_PASSWORD, ()),),),
    principal_mode="single",
    result_mode="bare",
    default_status=204,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
)


UPDATE_CURRENT_USER = OperationContract(
    operation_id="updateCurrentUser",
    method="PATCH",
    path="/v1/users/me",
    responses={
        "200": DeclaredResponse(
            status="200",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.User),),
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
        "409": CONFLICT_409,
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
            name="If-Match",
            location="header",
            keyword="if_match",
            style="simple",
            explode=False,
            schema={"type": "string"},
        ),
    ),
    parameters_type=UpdateCurrentUserParameters,
    body=RequestBodySpec(
        required=True,
        media=(
            MediaSpec(
                media_type="application/json", kind="json", type=models.UserUpdateMe, schema={"$ref": "UserUpdateMe"}
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


CHANGE_PASSWORD = OperationContract(
    operation_id="changePassword",
    method="POST",
    path="/v1/users/me/password",
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
                HeaderSpec(name="Idempotent-Replayed", schema={"type": "string"}, supplied_by="idempotency"),
                HeaderSpec(name="X-Request-ID", required=True, schema={"$ref": "RequestId"}, supplied_by="request-id"),
            ),
        ),
        "400": BAD_REQUEST_400,
        "401": UNAUTHORIZED_401,
        "403": FORBIDDEN_403,
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
    parameters_type=ChangePasswordParameters,
    body=RequestBodySpec(
        required=True,
        media=(
            MediaSpec(
                media_type="application/json",
                kind="json",
                type=models.PasswordChange,
                schema={"$ref": "PasswordChange"},
            ),
        ),
    ),
    security=((SecurityRequirement(O_AUTH2_PASSWORD, ()),),),
    principal_mode="single",
    result_mode="bare",
    default_status=204,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
    max_body_bytes=1048576,
    max_json_depth=32,
)


LIST_USERS = OperationContract(
    operation_id="listUsers",
    method="GET",
    path="/v1/users",
    responses={
        "200": DeclaredResponse(
            status="200",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.UserPage),),
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
            name="is_active",
            location="query",
            keyword="is_active",
            style="form",
            explode=True,
            schema={"type": "boolean"},
        ),
        ParameterSpec(
            name="is_superuser",
            location="query",
            keyword="is_superuser",
            style="form",
            explode=True,
            schema={"type": "boolean"},
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
    parameters_type=ListUsersParameters,
    security=((SecurityRequirement(O_AUTH2_PASSWORD, ()),),),
    principal_mode="single",
    result_mode="bare",
    default_status=200,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
)


GET_USER = OperationContract(
    operation_id="getUser",
    method="GET",
    path="/v1/users/{user_id}",
    responses={
        "200": DeclaredResponse(
            status="200",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.User),),
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
        "403": FORBIDDEN_403,
        "404": NOT_FOUND_404,
        "422": UNPROCESSABLE_CONTENT_422,
        "429": TOO_MANY_REQUESTS_429,
        "500": INTERNAL_SERVER_ERROR_500,
        "503": TEMPORARILY_UNAVAILABLE_503,
    },
    parameters=(
        ParameterSpec(
            name="user_id",
            location="path",
            keyword="user_id",
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
    parameters_type=GetUserParameters,
    security=((SecurityRequirement(O_AUTH2_PASSWORD, ()),),),
    principal_mode="single",
    result_mode="result",
    default_status=None,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
)


DELETE_USER = OperationContract(
    operation_id="deleteUser",
    method="DELETE",
    path="/v1/users/{user_id}",
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
            name="user_id",
            location="path",
            keyword="user_id",
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
    parameters_type=DeleteUserParameters,
    security=((SecurityRequirement(O_AUTH2_PASSWORD, ()),),),
    principal_mode="single",
    result_mode="bare",
    default_status=204,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
)


UPDATE_USER = OperationContract(
    operation_id="updateUser",
    method="PATCH",
    path="/v1/users/{user_id}",
    responses={
        "200": DeclaredResponse(
            status="200",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.User),),
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
            name="user_id",
            location="path",
            keyword="user_id",
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
    parameters_type=UpdateUserParameters,
    body=RequestBodySpec(
        required=True,
        media=(
            MediaSpec(
                media_type="application/json",
                kind="json",
                type=models.UserUpdateAdmin,
                schema={"$ref": "UserUpdateAdmin"},
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


class UsersApi(OperationInterface, Generic[Principal]):
    """Implement one method per operation of the `users` interface; the runtime calls them."""

    __interface__ = "users"
    __operations__ = {
        "get_current_user": "getCurrentUser (GET /v1/users/me)",
        "delete_current_user": "deleteCurrentUser (DELETE /v1/users/me)",
        "update_current_user": "updateCurrentUser (PATCH /v1/users/me)",
        "change_password": "changePassword (POST /v1/users/me/password)",
        "list_users": "listUsers (GET /v1/users)",
        "get_user": "getUser (GET /v1/users/{user_id})",
        "delete_user": "deleteUser (DELETE /v1/users/{user_id})",
        "update_user": "updateUser (PATCH /v1/users/{user_id})",
    }

    @abstractmethod
    async def get_current_user(
        self,
        *,
        if_none_match: str | None,
        principal: Principal,
    ) -> GetCurrentUser200Response | GetCurrentUser304Response:
        """getCurrentUser (GET /v1/users/me): Get the caller's account"""

    @abstractmethod
    async def delete_current_user(
        self,
        *,
        if_match: str | None,
        principal: Principal,
    ) -> None:
        """deleteCurrentUser (DELETE /v1/users/me): Delete the caller's account"""

    @abstractmethod
    async def update_current_user(
        self,
        *,
        if_match: str | None,
        body: models.UserUpdateMe,
        principal: Principal,
    ) -> UpdateCurrentUser200Response:
        """updateCurrentUser (PATCH /v1/users/me): Update the caller's account"""

    @abstractmethod
    async def change_password(
        self,
        *,
        idempotency_key: str | None,
        body: models.PasswordChange,
        principal: Principal,
    ) -> None:
        """changePassword (POST /v1/users/me/password): Change the caller's password"""

    @abstractmethod
    async def list_users(
        self,
        *,
        cursor: str | None,
        is_active: bool | None,
        is_superuser: bool | None,
        limit: int,
        q: str | None,
        principal: Principal,
    ) -> models.UserPage:
        """listUsers (GET /v1/users): List accounts (superusers only)"""

    @abstractmethod
    async def get_user(
        self,
        *,
        user_id: UUID,
        if_none_match: str | None,
        principal: Principal,
    ) -> GetUser200Response | GetUser304Response:
        """getUser (GET /v1/users/{user_id}): Get an account (superusers only)"""

    @abstractmethod
    async def delete_user(
        self,
        *,
        user_id: UUID,
        if_match: str | None,
        principal: Principal,
    ) -> None:
        """deleteUser (DELETE /v1/users/{user_id}): Delete an account (superusers only)"""

    @abstractmethod
    async def update_user(
        self,
        *,
        user_id: UUID,
        if_match: str | None,
        body: models.UserUpdateAdmin,
        principal: Principal,
    ) -> UpdateUser200Response:
        """updateUser (PATCH /v1/users/{user_id}): Update an account (superusers only)"""


def operations(implementation: UsersApi[Any]) -> list[BoundOperation]:
    """The `users` operations, bound to one implementation."""

    async def get_current_user(arguments: Arguments[GetCurrentUserParameters]) -> object:
        parameters = arguments.parameters
        return await implementation.get_current_user(
            if_none_match=parameters.if_none_match,
            principal=arguments.principal,
        )

    async def delete_current_user(arguments: Arguments[DeleteCurrentUserParameters]) -> object:
        parameters = arguments.parameters
        await implementation.delete_current_user(
            if_match=parameters.if_match,
            principal=arguments.principal,
        )
        return None

    async def update_current_user(arguments: Arguments[UpdateCurrentUserParameters]) -> object:
        parameters = arguments.parameters
        return await implementation.update_current_user(
            if_match=parameters.if_match,
            body=arguments.body,
            principal=arguments.principal,
        )

    async def change_password(arguments: Arguments[ChangePasswordParameters]) -> object:
        parameters = arguments.parameters
        await implementation.change_password(
            idempotency_key=parameters.idempotency_key,
            body=arguments.body,
            principal=arguments.principal,
        )
        return None

    async def list_users(arguments: Arguments[ListUsersParameters]) -> object:
        parameters = arguments.parameters
        return await implementation.list_users(
            cursor=parameters.cursor,
            is_active=parameters.is_active,
            is_superuser=parameters.is_superuser,
            limit=parameters.limit,
            q=parameters.q,
            principal=arguments.principal,
        )

    async def get_user(arguments: Arguments[GetUserParameters]) -> object:
        parameters = arguments.parameters
        return await implementation.get_user(
            user_id=parameters.user_id,
            if_none_match=parameters.if_none_match,
            principal=arguments.principal,
        )

    async def delete_user(arguments: Arguments[DeleteUserParameters]) -> object:
        parameters = arguments.parameters
        await implementation.delete_user(
            user_id=parameters.user_id,
            if_match=parameters.if_match,
            principal=arguments.principal,
        )
        return None

    async def update_user(arguments: Arguments[UpdateUserParameters]) -> object:
        parameters = arguments.parameters
        return await implementation.update_user(
            user_id=parameters.user_id,
            if_match=parameters.if_match,
            body=arguments.body,
            principal=arguments.principal,
        )

    return [
        BoundOperation(GET_CURRENT_USER, get_current_user),
        BoundOperation(DELETE_CURRENT_USER, delete_current_user),
        BoundOperation(UPDATE_CURRENT_USER, update_current_user),
        BoundOperation(CHANGE_PASSWORD, change_password),
        BoundOperation(LIST_USERS, list_users),
        BoundOperation(GET_USER, get_user),
        BoundOperation(DELETE_USER, delete_user),
        BoundOperation(UPDATE_USER, update_user),
    ]
