# DO NOT EDIT: generated from openapi.yaml by `make generate` (scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run it again.

"""The shared responses of openapi.yaml (components/responses), one DeclaredResponse per status they are
used with."""

from typing import Annotated

from pydantic import Field

from contract_runtime import DeclaredResponse, HeaderSpec, MediaSpec

from . import models

BAD_REQUEST_400 = DeclaredResponse(
    status="400",
    content=(MediaSpec(media_type="application/problem+json", kind="json", type=models.Problem),),
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
)

CONFLICT_409 = DeclaredResponse(
    status="409",
    content=(MediaSpec(media_type="application/problem+json", kind="json", type=models.Problem),),
    headers=(
        HeaderSpec(name="X-Content-Type-Options", required=True, schema={"type": "string"}, const="nosniff"),
        HeaderSpec(name="Cache-Control", required=True, schema={"type": "string"}, const="no-store"),
        HeaderSpec(
            name="Retry-After",
            schema={"type": "integer", "format": "int32"},
            keyword="retry_after",
            type=Annotated[int, Field(ge=0, le=2147483647)],
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
        HeaderSpec(name="X-Request-ID", required=True, schema={"$ref": "RequestId"}, supplied_by="request-id"),
    ),
)

CONTENT_TOO_LARGE_413 = DeclaredResponse(
    status="413",
    content=(MediaSpec(media_type="application/problem+json", kind="json", type=models.Problem),),
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
)

FORBIDDEN_403 = DeclaredResponse(
    status="403",
    content=(MediaSpec(media_type="application/problem+json", kind="json", type=models.Problem),),
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
)

INTERNAL_SERVER_ERROR_500 = DeclaredResponse(
    status="500",
    content=(MediaSpec(media_type="application/problem+json", kind="json", type=models.Problem),),
    headers=(
        HeaderSpec(name="X-Content-Type-Options", required=True, schema={"type": "string"}, const="nosniff"),
        HeaderSpec(name="X-Request-ID", required=True, schema={"$ref": "RequestId"}, supplied_by="request-id"),
    ),
)

NOT_FOUND_404 = DeclaredResponse(
    status="404",
    content=(MediaSpec(media_type="application/problem+json", kind="json", type=models.Problem),),
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
)

NOT_MODIFIED_304 = DeclaredResponse(
    status="304",
    headers=(
        HeaderSpec(name="X-Content-Type-Options", required=True, schema={"type": "string"}, const="nosniff"),
        HeaderSpec(name="Cache-Control", required=True, schema={"type": "string"}, const="no-store"),
        HeaderSpec(
            name="ETag",
            required=True,
            schema={"type": "string"},
            keyword="e_tag",
            type=Annotated[str, Field(max_length=43, pattern='^"[0-9]{1,19}(?:\\.[0-9]{1,19})?"$')],
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
        HeaderSpec(name="X-Request-ID", required=True, schema={"$ref": "RequestId"}, supplied_by="request-id"),
    ),
)

PRECONDITION_FAILED_412 = DeclaredResponse(
    status="412",
    content=(MediaSpec(media_type="application/problem+json", kind="json", type=models.Problem),),
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
)

PRECONDITION_REQUIRED_428 = DeclaredResponse(
    status="428",
    content=(MediaSpec(media_type="application/problem+json", kind="json", type=models.Problem),),
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
)

SERVICE_UNAVAILABLE_503 = DeclaredResponse(
    status="503",
    content=(MediaSpec(media_type="application/problem+json", kind="json", type=models.Problem),),
    headers=(
        HeaderSpec(name="X-Content-Type-Options", required=True, schema={"type": "string"}, const="nosniff"),
        HeaderSpec(name="X-Request-ID", required=True, schema={"$ref": "RequestId"}, supplied_by="request-id"),
    ),
)

TEMPORARILY_UNAVAILABLE_503 = DeclaredResponse(
    status="503",
    content=(MediaSpec(media_type="application/problem+json", kind="json", type=models.Problem),),
    headers=(
        HeaderSpec(name="X-Content-Type-Options", required=True, schema={"type": "string"}, const="nosniff"),
        HeaderSpec(name="Cache-Control", required=True, schema={"type": "string"}, const="no-store"),
        HeaderSpec(
            name="Retry-After", required=True, schema={"type": "integer", "format": "int32"}, supplied_by="rate-limiter"
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
        HeaderSpec(name="X-Request-ID", required=True, schema={"$ref": "RequestId"}, supplied_by="request-id"),
    ),
)

TOKEN_ERROR_400 = DeclaredResponse(
    status="400",
    content=(MediaSpec(media_type="application/problem+json", kind="json", type=models.OAuthProblem),),
    headers=(
        HeaderSpec(name="X-Content-Type-Options", required=True, schema={"type": "string"}, const="nosniff"),
        HeaderSpec(name="Cache-Control", required=True, schema={"type": "string"}, const="no-store"),
        HeaderSpec(name="Pragma", required=True, schema={"type": "string"}, const="no-cache"),
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
    defaults={"error": "invalid_request"},
)

TOO_MANY_REQUESTS_429 = DeclaredResponse(
    status="429",
    content=(MediaSpec(media_type="application/problem+json", kind="json", type=models.Problem),),
    headers=(
        HeaderSpec(name="X-Content-Type-Options", required=True, schema={"type": "string"}, const="nosniff"),
        HeaderSpec(name="Cache-Control", required=True, schema={"type": "string"}, const="no-store"),
        HeaderSpec(
            name="Retry-After", required=True, schema={"type": "integer", "format": "int32"}, supplied_by="rate-limiter"
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
        HeaderSpec(name="X-Request-ID", required=True, schema={"$ref": "RequestId"}, supplied_by="request-id"),
    ),
)

UNAUTHORIZED_401 = DeclaredResponse(
    status="401",
    content=(MediaSpec(media_type="application/problem+json", kind="json", type=models.Problem),),
    headers=(
        HeaderSpec(name="X-Content-Type-Options", required=True, schema={"type": "string"}, const="nosniff"),
        HeaderSpec(name="Cache-Control", required=True, schema={"type": "string"}, const="no-store"),
        HeaderSpec(
            name="WWW-Authenticate",
            required=True,
            schema={"type": "string"},
            keyword="www_authenticate",
            type=Annotated[str, Field(max_length=512, pattern="^Bearer(?: .+)?$")],
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
        HeaderSpec(name="X-Request-ID", required=True, schema={"$ref": "RequestId"}, supplied_by="request-id"),
    ),
)

UNPROCESSABLE_CONTENT_422 = DeclaredResponse(
    status="422",
    content=(MediaSpec(media_type="application/problem+json", kind="json", type=models.ValidationProblem),),
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
)

UNSUPPORTED_MEDIA_TYPE_415 = DeclaredResponse(
    status="415",
    content=(MediaSpec(media_type="application/problem+json", kind="json", type=models.Problem),),
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
)
