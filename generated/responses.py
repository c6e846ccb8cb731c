# DO NOT EDIT: generated from openapi.yaml by `make generate` (fastapi-code-generator==0.8.1 + scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run `make generate`.

"""The spec's shared responses (components/responses), one DeclaredResponse per status they are used with."""

from contract_runtime import DeclaredResponse
from generated import models

BAD_REQUEST_400 = DeclaredResponse(
    status=400,
    model=models.Problem,
    media_type="application/problem+json",
    required_headers=(
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
    ),
)

CONFLICT_409 = DeclaredResponse(
    status=409,
    model=models.Problem,
    media_type="application/problem+json",
    required_headers=(
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
    ),
)

CONTENT_TOO_LARGE_413 = DeclaredResponse(
    status=413,
    model=models.Problem,
    media_type="application/problem+json",
    required_headers=(
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
    ),
)

FORBIDDEN_403 = DeclaredResponse(
    status=403,
    model=models.Problem,
    media_type="application/problem+json",
    required_headers=(
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
    ),
)

INTERNAL_SERVER_ERROR_500 = DeclaredResponse(
    status=500,
    model=models.Problem,
    media_type="application/problem+json",
)

NOT_FOUND_404 = DeclaredResponse(
    status=404,
    model=models.Problem,
    media_type="application/problem+json",
    required_headers=(
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
    ),
)

PASSWORD_HASHING_BUSY_503 = DeclaredResponse(
    status=503,
    model=models.Problem,
    media_type="application/problem+json",
    required_headers=(
        "Retry-After",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
    ),
)

SERVICE_UNAVAILABLE_503 = DeclaredResponse(
    status=503,
    model=models.Problem,
    media_type="application/problem+json",
)

TOKEN_ERROR_400 = DeclaredResponse(
    status=400,
    model=models.OAuthProblem,
    media_type="application/problem+json",
    required_headers=(
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
    ),
    defaults={"error": "invalid_request"},
)

TOO_MANY_REQUESTS_429 = DeclaredResponse(
    status=429,
    model=models.Problem,
    media_type="application/problem+json",
    required_headers=(
        "Retry-After",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
    ),
)

UNAUTHORIZED_401 = DeclaredResponse(
    status=401,
    model=models.Problem,
    media_type="application/problem+json",
    required_headers=(
        "WWW-Authenticate",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
    ),
)

UNPROCESSABLE_CONTENT_422 = DeclaredResponse(
    status=422,
    model=models.ValidationProblem,
    media_type="application/problem+json",
    required_headers=(
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
    ),
)

UNSUPPORTED_MEDIA_TYPE_415 = DeclaredResponse(
    status=415,
    model=models.Problem,
    media_type="application/problem+json",
    required_headers=(
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
    ),
)
