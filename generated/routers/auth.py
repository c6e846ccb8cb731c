# DO NOT EDIT: generated from openapi.yaml by `make generate` (scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run it again.

"""The `auth` interface of openapi.yaml: what an implementation provides, its typed parameters and
results, and the operations bound to an implementation."""

from abc import abstractmethod
from dataclasses import dataclass
from typing import Annotated, ClassVar

from pydantic import Field

from contract_runtime import (
    Arguments,
    BoundOperation,
    DeclaredResponse,
    HeaderSpec,
    MediaSpec,
    OperationContract,
    OperationInterface,
    ParameterSpec,
    RequestBodySpec,
)

from .. import models
from ..responses import (
    BAD_REQUEST_400,
    CONFLICT_409,
    CONTENT_TOO_LARGE_413,
    INTERNAL_SERVER_ERROR_500,
    TEMPORARILY_UNAVAILABLE_503,
    TOKEN_ERROR_400,
    TOO_MANY_REQUESTS_429,
    UNPROCESSABLE_CONTENT_422,
    UNSUPPORTED_MEDIA_TYPE_415,
)
from ..schemas import PATTERN_MESSAGES, SCHEMAS

__all__ = ["AuthApi", "operations", "RegisterUserParameters", "RegisterUser201Response", "LogoutParameters"]


@dataclass(frozen=True, kw_only=True)
class RegisterUserParameters:
    """The parameters of registerUser, validated."""

    idempotency_key: Annotated[str | None, Field(min_length=1, max_length=255, pattern="^[\\x21-\\x7e]{1,255}$")] = None


@dataclass(frozen=True, kw_only=True)
class RegisterUser201Response:
    """registerUser answered 201 with Location, ETag."""

    status: ClassVar[int] = 201
    body: models.User
    location: str
    e_tag: str

    def headers(self) -> dict[str, object]:
        return {"Location": self.location, "ETag": self.e_tag}


@dataclass(frozen=True, kw_only=True)
class LogoutParameters:
    """The parameters of logout, validated."""

    idempotency_key: Annotated[str | None, Field(min_length=1, max_length=255, pattern="^[\\x21-\\x7e]{1,255}$")] = None


REGISTER_USER = OperationContract(
    operation_id="registerUser",
    method="POST",
    path="/v1/auth/register",
    responses={
        "201": DeclaredResponse(
            status="201",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.User),),
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
    parameters_type=RegisterUserParameters,
    body=RequestBodySpec(
        required=True,
        media=(
            MediaSpec(
                media_type="application/json", kind="json", type=models.UserRegister, schema={"$ref": "UserRegister"}
            ),
        ),
    ),
    result_mode="result",
    default_status=None,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
    max_body_bytes=1048576,
    max_json_depth=32,
)


ISSUE_TOKEN = OperationContract(
    operation_id="issueToken",
    method="POST",
    path="/v1/auth/token",
    responses={
        "200": DeclaredResponse(
            status="200",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.TokenResponse),),
            headers=(
                HeaderSpec(name="X-Content-Type-Options", required=True, schema={"type": "string"}, const="nosniff"),
                HeaderSpec(name="Pragma", required=True, schema={"type": "string"}, const="no-cache"),
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
        "400": TOKEN_ERROR_400,
        "413": CONTENT_TOO_LARGE_413,
        "415": UNSUPPORTED_MEDIA_TYPE_415,
        "429": TOO_MANY_REQUESTS_429,
        "500": INTERNAL_SERVER_ERROR_500,
        "503": TEMPORARILY_UNAVAILABLE_503,
    },
    body=RequestBodySpec(
        required=True,
        media=(
            MediaSpec(
                media_type="application/x-www-form-urlencoded",
                kind="form",
                type=models.TokenRequest,
                schema={"$ref": "TokenRequest"},
            ),
        ),
    ),
    result_mode="bare",
    default_status=200,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
    max_body_bytes=1048576,
    max_json_depth=32,
)


LOGOUT = OperationContract(
    operation_id="logout",
    method="POST",
    path="/v1/auth/logout",
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
    parameters_type=LogoutParameters,
    body=RequestBodySpec(
        required=True,
        media=(
            MediaSpec(
                media_type="application/json", kind="json", type=models.LogoutRequest, schema={"$ref": "LogoutRequest"}
            ),
        ),
    ),
    result_mode="bare",
    default_status=204,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
    rate_limited=True,
    max_body_bytes=1048576,
    max_json_depth=32,
)


class AuthApi(OperationInterface):
    """Implement one method per operation of the `auth` interface; the runtime calls them."""

    __interface__ = "auth"
    __operations__ = {
        "register_user": "registerUser (POST /v1/auth/register)",
        "issue_token": "issueToken (POST /v1/auth/token)",
        "logout": "logout (POST /v1/auth/logout)",
    }

    @abstractmethod
    async def register_user(
        self,
        *,
        idempotency_key: str | None,
        body: models.UserRegister,
    ) -> RegisterUser201Response:
        """registerUser (POST /v1/auth/register): Register a new account"""

    @abstractmethod
    async def issue_token(
        self,
        *,
        body: models.TokenRequest,
    ) -> models.TokenResponse:
        """issueToken (POST /v1/auth/token): Issue an access token (OAuth2 token endpoint)"""

    @abstractmethod
    async def logout(
        self,
        *,
        idempotency_key: str | None,
        body: models.LogoutRequest,
    ) -> None:
        """logout (POST /v1/auth/logout): Revoke a refresh token"""


def operations(implementation: AuthApi) -> list[BoundOperation]:
    """The `auth` operations, bound to one implementation."""

    async def register_user(arguments: Arguments[RegisterUserParameters]) -> object:
        parameters = arguments.parameters
        return await implementation.register_user(
            idempotency_key=parameters.idempotency_key,
            body=arguments.body,
        )

    async def issue_token(arguments: Arguments[None]) -> object:
        return await implementation.issue_token(
            body=arguments.body,
        )

    async def logout(arguments: Arguments[LogoutParameters]) -> object:
        parameters = arguments.parameters
        await implementation.logout(
            idempotency_key=parameters.idempotency_key,
            body=arguments.body,
        )
        return None

    return [
        BoundOperation(REGISTER_USER, register_user),
        BoundOperation(ISSUE_TOKEN, issue_token),
        BoundOperation(LOGOUT, logout),
    ]
