# DO NOT EDIT: generated from openapi.yaml by `make generate` (fastapi-code-generator==0.8.1 + scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run `make generate`.

"""The `health` tag: its implementation interface, typed results and router."""

from abc import ABC, abstractmethod

from fastapi import APIRouter
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
from generated.responses import INTERNAL_SERVER_ERROR_500, SERVICE_UNAVAILABLE_503

__all__ = ["HealthApi", "build_router"]


GET_LIVENESS = OperationContract(
    operation_id="getLiveness",
    method="GET",
    path="/health/live",
    responses={
        200: DeclaredResponse(
            status=200,
            model=models.HealthStatus,
            media_type="application/json",
            required_headers=("X-Request-ID",),
        ),
        500: INTERNAL_SERVER_ERROR_500,
    },
    body_media_type=None,
    unique_item_paths=(),
    rate_limited=False,
    checks_media_type=False,
    max_body_bytes=None,
    max_json_depth=None,
)

GET_READINESS = OperationContract(
    operation_id="getReadiness",
    method="GET",
    path="/health/ready",
    responses={
        200: DeclaredResponse(
            status=200,
            model=models.HealthStatus,
            media_type="application/json",
            required_headers=("X-Request-ID",),
        ),
        500: INTERNAL_SERVER_ERROR_500,
        503: SERVICE_UNAVAILABLE_503,
    },
    body_media_type=None,
    unique_item_paths=(),
    rate_limited=False,
    checks_media_type=False,
    max_body_bytes=None,
    max_json_depth=None,
)


class HealthApi(ABC):
    """Implement one method per operation of the `health` tag; the router calls them."""

    @abstractmethod
    async def get_liveness(
        self,
    ) -> models.HealthStatus:
        """getLiveness: GET /health/live. Liveness probe."""

    @abstractmethod
    async def get_readiness(
        self,
    ) -> models.HealthStatus:
        """getReadiness: GET /health/ready. Readiness probe."""


def build_router(
    implementation: HealthApi,
    security: Authenticator[Principal],
    request_scope: RequestScope,
    rate_limiter: RateLimiter,
) -> APIRouter:
    """Routes for the `health` tag, bound to one implementation."""
    router = APIRouter()

    async def get_liveness() -> Response:
        result = await implementation.get_liveness()
        return render(GET_LIVENESS, 200, result)

    router.add_api_route(
        "/health/live",
        get_liveness,
        methods=["GET"],
        operation_id="getLiveness",
        response_model=None,
        route_class_override=contract_route(GET_LIVENESS, request_scope, rate_limiter),
    )

    async def get_readiness() -> Response:
        result = await implementation.get_readiness()
        return render(GET_READINESS, 200, result)

    router.add_api_route(
        "/health/ready",
        get_readiness,
        methods=["GET"],
        operation_id="getReadiness",
        response_model=None,
        route_class_override=contract_route(GET_READINESS, request_scope, rate_limiter),
    )

    return router
