# DO NOT EDIT: generated from openapi.yaml by `make generate` (fastapi-code-generator==0.8.1 + scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run `make generate`.

"""The `users` tag: its implementation interface, typed results and router."""

from abc import ABC, abstractmethod
from typing import Annotated, Any, Generic
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Path, Query
from starlette.responses import Response

from contract_runtime import (
    BOOL_TEXT,
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
    CONFLICT_409,
    CONTENT_TOO_LARGE_413,
    FORBIDDEN_403,
    INTERNAL_SERVER_ERROR_500,
    NOT_FOUND_404,
    PASSWORD_HASHING_BUSY_503,
    TOO_MANY_REQUESTS_429,
    UNAUTHORIZED_401,
    UNPROCESSABLE_CONTENT_422,
    UNSUPPORTED_MEDIA_TYPE_415,
)

__all__ = ["UsersApi", "build_router"]


GET_CURRENT_USER = OperationContract(
    operation_id="getCurrentUser",
    method="GET",
    path="/v1/users/me",
    responses={
        200: DeclaredResponse(
            status=200,
            model=models.User,
            media_type="application/json",
            required_headers=(
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
            ),
        ),
        401: UNAUTHORIZED_401,
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

DELETE_CURRENT_USER = OperationContract(
    operation_id="deleteCurrentUser",
    method="DELETE",
    path="/v1/users/me",
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

UPDATE_CURRENT_USER = OperationContract(
    operation_id="updateCurrentUser",
    method="PATCH",
    path="/v1/users/me",
    responses={
        200: DeclaredResponse(
            status=200,
            model=models.User,
            media_type="application/json",
            required_headers=(
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
            ),
        ),
        400: BAD_REQUEST_400,
        401: UNAUTHORIZED_401,
        409: CONFLICT_409,
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

CHANGE_PASSWORD = OperationContract(
    operation_id="changePassword",
    method="POST",
    path="/v1/users/me/password",
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
        400: BAD_REQUEST_400,
        401: UNAUTHORIZED_401,
        403: FORBIDDEN_403,
        413: CONTENT_TOO_LARGE_413,
        415: UNSUPPORTED_MEDIA_TYPE_415,
        422: UNPROCESSABLE_CONTENT_422,
        429: TOO_MANY_REQUESTS_429,
        500: INTERNAL_SERVER_ERROR_500,
        503: PASSWORD_HASHING_BUSY_503,
    },
    body_media_type="application/json",
    unique_item_paths=(),
    rate_limited=True,
    checks_media_type=True,
    max_body_bytes=1048576,
    max_json_depth=32,
)

LIST_USERS = OperationContract(
    operation_id="listUsers",
    method="GET",
    path="/v1/users",
    responses={
        200: DeclaredResponse(
            status=200,
            model=models.UserPage,
            media_type="application/json",
            required_headers=(
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
            ),
        ),
        401: UNAUTHORIZED_401,
        403: FORBIDDEN_403,
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

GET_USER = OperationContract(
    operation_id="getUser",
    method="GET",
    path="/v1/users/{user_id}",
    responses={
        200: DeclaredResponse(
            status=200,
            model=models.User,
            media_type="application/json",
            required_headers=(
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
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

DELETE_USER = OperationContract(
    operation_id="deleteUser",
    method="DELETE",
    path="/v1/users/{user_id}",
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

UPDATE_USER = OperationContract(
    operation_id="updateUser",
    method="PATCH",
    path="/v1/users/{user_id}",
    responses={
        200: DeclaredResponse(
            status=200,
            model=models.User,
            media_type="application/json",
            required_headers=(
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
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


class UsersApi(ABC, Generic[Principal]):
    """Implement one method per operation of the `users` tag; the router calls them."""

    @abstractmethod
    async def get_current_user(
        self,
        *,
        principal: Principal,
    ) -> models.User:
        """getCurrentUser: GET /v1/users/me. Get the caller's account."""

    @abstractmethod
    async def delete_current_user(
        self,
        *,
        principal: Principal,
    ) -> None:
        """deleteCurrentUser: DELETE /v1/users/me. Delete the caller's account."""

    @abstractmethod
    async def update_current_user(
        self,
        *,
        body: models.UserUpdateMe,
        principal: Principal,
    ) -> models.User:
        """updateCurrentUser: PATCH /v1/users/me. Update the caller's account."""

    @abstractmethod
    async def change_password(
        self,
        *,
        body: models.PasswordChange,
        principal: Principal,
    ) -> None:
        """changePassword: POST /v1/users/me/password. Change the caller's password."""

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
        """listUsers: GET /v1/users. List accounts (superusers only)."""

    @abstractmethod
    async def get_user(
        self,
        *,
        user_id: UUID,
        principal: Principal,
    ) -> models.User:
        """getUser: GET /v1/users/{user_id}. Get an account (superusers only)."""

    @abstractmethod
    async def delete_user(
        self,
        *,
        user_id: UUID,
        principal: Principal,
    ) -> None:
        """deleteUser: DELETE /v1/users/{user_id}. Delete an account (superusers only)."""

    @abstractmethod
    async def update_user(
        self,
        *,
        user_id: UUID,
        body: models.UserUpdateAdmin,
        principal: Principal,
    ) -> models.User:
        """updateUser: PATCH /v1/users/{user_id}. Update an account (superusers only)."""


def build_router(
    implementation: UsersApi[Principal],
    security: Authenticator[Principal],
    request_scope: RequestScope,
    rate_limiter: RateLimiter,
) -> APIRouter:
    """Routes for the `users` tag, bound to one implementation."""
    router = APIRouter()

    async def get_current_user(
        *,
        principal: Annotated[Any, Depends(security.required)],
    ) -> Response:
        result = await implementation.get_current_user(
            principal=principal,
        )
        return render(GET_CURRENT_USER, 200, result)

    router.add_api_route(
        "/v1/users/me",
        get_current_user,
        methods=["GET"],
        operation_id="getCurrentUser",
        response_model=None,
        route_class_override=contract_route(GET_CURRENT_USER, request_scope, rate_limiter),
    )

    async def delete_current_user(
        *,
        principal: Annotated[Any, Depends(security.required)],
    ) -> Response:
        await implementation.delete_current_user(
            principal=principal,
        )
        return render(DELETE_CURRENT_USER, 204, None)

    router.add_api_route(
        "/v1/users/me",
        delete_current_user,
        methods=["DELETE"],
        operation_id="deleteCurrentUser",
        response_model=None,
        route_class_override=contract_route(DELETE_CURRENT_USER, request_scope, rate_limiter),
    )

    async def update_current_user(
        *,
        body: Annotated[models.UserUpdateMe, Body()],
        principal: Annotated[Any, Depends(security.required)],
    ) -> Response:
        result = await implementation.update_current_user(
            body=body,
            principal=principal,
        )
        return render(UPDATE_CURRENT_USER, 200, result)

    router.add_api_route(
        "/v1/users/me",
        update_current_user,
        methods=["PATCH"],
        operation_id="updateCurrentUser",
        response_model=None,
        route_class_override=contract_route(UPDATE_CURRENT_USER, request_scope, rate_limiter),
    )

    async def change_password(
        *,
        body: Annotated[models.PasswordChange, Body()],
        principal: Annotated[Any, Depends(security.required)],
    ) -> Response:
        await implementation.change_password(
            body=body,
            principal=principal,
        )
        return render(CHANGE_PASSWORD, 204, None)

    router.add_api_route(
        "/v1/users/me/password",
        change_password,
        methods=["POST"],
        operation_id="changePassword",
        response_model=None,
        route_class_override=contract_route(CHANGE_PASSWORD, request_scope, rate_limiter),
    )

    async def list_users(
        *,
        cursor: Annotated[
            str | None,
            Query(
                alias="cursor",
                max_length=60,
                pattern="^[0-9]{1,16}\\.[0-9a-f]{32}$",
                description="The `next_cursor` of the previous page. Opaque; do not build it yourself.",
            ),
        ] = None,
        is_active: Annotated[
            bool | None,
            Query(
                alias="is_active",
                description="Only active (`true`) or inactive (`false`) accounts.",
            ),
            BOOL_TEXT,
        ] = None,
        is_superuser: Annotated[
            bool | None,
            Query(
                alias="is_superuser",
                description="Only superusers (`true`) or ordinary users (`false`).",
            ),
            BOOL_TEXT,
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
                description="Case-insensitive substring of the email or the full name.",
            ),
        ] = None,
        principal: Annotated[Any, Depends(security.required)],
    ) -> Response:
        result = await implementation.list_users(
            cursor=cursor,
            is_active=is_active,
            is_superuser=is_superuser,
            limit=limit,
            q=q,
            principal=principal,
        )
        return render(LIST_USERS, 200, result)

    router.add_api_route(
        "/v1/users",
        list_users,
        methods=["GET"],
        operation_id="listUsers",
        response_model=None,
        route_class_override=contract_route(LIST_USERS, request_scope, rate_limiter),
    )

    async def get_user(
        *,
        user_id: Annotated[UUID, Path(alias="user_id", description="The account's id."), UUID_TEXT],
        principal: Annotated[Any, Depends(security.required)],
    ) -> Response:
        result = await implementation.get_user(
            user_id=user_id,
            principal=principal,
        )
        return render(GET_USER, 200, result)

    router.add_api_route(
        "/v1/users/{user_id}",
        get_user,
        methods=["GET"],
        operation_id="getUser",
        response_model=None,
        route_class_override=contract_route(GET_USER, request_scope, rate_limiter),
    )

    async def delete_user(
        *,
        user_id: Annotated[UUID, Path(alias="user_id", description="The account's id."), UUID_TEXT],
        principal: Annotated[Any, Depends(security.required)],
    ) -> Response:
        await implementation.delete_user(
            user_id=user_id,
            principal=principal,
        )
        return render(DELETE_USER, 204, None)

    router.add_api_route(
        "/v1/users/{user_id}",
        delete_user,
        methods=["DELETE"],
        operation_id="deleteUser",
        response_model=None,
        route_class_override=contract_route(DELETE_USER, request_scope, rate_limiter),
    )

    async def update_user(
        *,
        user_id: Annotated[UUID, Path(alias="user_id", description="The account's id."), UUID_TEXT],
        body: Annotated[models.UserUpdateAdmin, Body()],
        principal: Annotated[Any, Depends(security.required)],
    ) -> Response:
        result = await implementation.update_user(
            user_id=user_id,
            body=body,
            principal=principal,
        )
        return render(UPDATE_USER, 200, result)

    router.add_api_route(
        "/v1/users/{user_id}",
        update_user,
        methods=["PATCH"],
        operation_id="updateUser",
        response_model=None,
        route_class_override=contract_route(UPDATE_USER, request_scope, rate_limiter),
    )

    return router
