# DO NOT EDIT: generated from openapi.yaml by `make generate` (fastapi-code-generator==0.8.1 + scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run `make generate`.

"""The `auth` tag: its implementation interface, typed results and router."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Annotated, ClassVar

from fastapi import APIRouter, Body, Form
from starlette.responses import Response

from contract_runtime import (
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
    INTERNAL_SERVER_ERROR_500,
    PASSWORD_HASHING_BUSY_503,
    TOKEN_ERROR_400,
    TOO_MANY_REQUESTS_429,
    UNPROCESSABLE_CONTENT_422,
    UNSUPPORTED_MEDIA_TYPE_415,
)

__all__ = ["AuthApi", "build_router", "RegisterUser201Response"]


@dataclass(frozen=True, kw_only=True)
class RegisterUser201Response:
    """registerUser answered 201 with Location."""

    status: ClassVar[int] = 201
    body: models.User
    location: str

    def headers(self) -> dict[str, str]:
        return {"Location": self.location}


REGISTER_USER = OperationContract(
    operation_id="registerUser",
    method="POST",
    path="/v1/auth/register",
    responses={
        201: DeclaredResponse(
            status=201,
            model=models.User,
            media_type="application/json",
            required_headers=(
                "Location",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
            ),
        ),
        400: BAD_REQUEST_400,
        409: CONFLICT_409,
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

ISSUE_TOKEN = OperationContract(
    operation_id="issueToken",
    method="POST",
    path="/v1/auth/token",
    responses={
        200: DeclaredResponse(
            status=200,
            model=models.TokenResponse,
            media_type="application/json",
            required_headers=(
                "Cache-Control",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
            ),
            fixed_headers={
                "Cache-Control": "no-store",
            },
        ),
        400: TOKEN_ERROR_400,
        413: CONTENT_TOO_LARGE_413,
        415: UNSUPPORTED_MEDIA_TYPE_415,
        429: TOO_MANY_REQUESTS_429,
        500: INTERNAL_SERVER_ERROR_500,
        503: PASSWORD_HASHING_BUSY_503,
    },
    body_media_type="application/x-www-form-urlencoded",
    unique_item_paths=(),
    rate_limited=True,
    checks_media_type=True,
    max_body_bytes=1048576,
    max_json_depth=32,
)

LOGOUT = OperationContract(
    operation_id="logout",
    method="POST",
    path="/v1/auth/logout",
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


class AuthApi(ABC):
    """Implement one method per operation of the `auth` tag; the router calls them."""

    @abstractmethod
    async def register_user(
        self,
        *,
        body: models.UserRegister,
    ) -> RegisterUser201Response:
        """registerUser: POST /v1/auth/register. Register a new account."""

    @abstractmethod
    async def issue_token(
        self,
        *,
        body: models.TokenRequest,
    ) -> models.TokenResponse:
        """issueToken: POST /v1/auth/token. Issue an access token (OAuth2 token endpoint)."""

    @abstractmethod
    async def logout(
        self,
        *,
        body: models.LogoutRequest,
    ) -> None:
        """logout: POST /v1/auth/logout. Revoke a refresh token."""


def build_router(
    implementation: AuthApi,
    security: Authenticator[Principal],
    request_scope: RequestScope,
    rate_limiter: RateLimiter,
) -> APIRouter:
    """Routes for the `auth` tag, bound to one implementation."""
    router = APIRouter()

    async def register_user(
        *,
        body: Annotated[models.UserRegister, Body()],
    ) -> Response:
        result = await implementation.register_user(
            body=body,
        )
        return render(REGISTER_USER, result.status, result.body, result.headers())

    router.add_api_route(
        "/v1/auth/register",
        register_user,
        methods=["POST"],
        operation_id="registerUser",
        response_model=None,
        route_class_override=contract_route(REGISTER_USER, request_scope, rate_limiter),
    )

    async def issue_token(
        *,
        body: Annotated[models.TokenRequest, Form()],
    ) -> Response:
        result = await implementation.issue_token(
            body=body,
        )
        return render(ISSUE_TOKEN, 200, result)

    router.add_api_route(
        "/v1/auth/token",
        issue_token,
        methods=["POST"],
        operation_id="issueToken",
        response_model=None,
        route_class_override=contract_route(ISSUE_TOKEN, request_scope, rate_limiter),
    )

    async def logout(
        *,
        body: Annotated[models.LogoutRequest, Body()],
    ) -> Response:
        await implementation.logout(
            body=body,
        )
        return render(LOGOUT, 204, None)

    router.add_api_route(
        "/v1/auth/logout",
        logout,
        methods=["POST"],
        operation_id="logout",
        response_model=None,
        route_class_override=contract_route(LOGOUT, request_scope, rate_limiter),
    )

    return router
