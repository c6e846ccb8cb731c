# DO NOT EDIT: generated from openapi.yaml by `make generate` (scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run it again.

"""The `health` interface of openapi.yaml: what an implementation provides, its typed parameters and
results, and the operations bound to an implementation."""

from abc import abstractmethod

from contract_runtime import (
    Arguments,
    BoundOperation,
    DeclaredResponse,
    HeaderSpec,
    MediaSpec,
    OperationContract,
    OperationInterface,
)

from .. import models
from ..responses import INTERNAL_SERVER_ERROR_500, SERVICE_UNAVAILABLE_503
from ..schemas import PATTERN_MESSAGES, SCHEMAS

__all__ = ["HealthApi", "operations"]


GET_LIVENESS = OperationContract(
    operation_id="getLiveness",
    method="GET",
    path="/health/live",
    responses={
        "200": DeclaredResponse(
            status="200",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.HealthStatus),),
            headers=(
                HeaderSpec(name="X-Content-Type-Options", required=True, schema={"type": "string"}, const="nosniff"),
                HeaderSpec(name="X-Request-ID", required=True, schema={"$ref": "RequestId"}, supplied_by="request-id"),
            ),
        ),
        "500": INTERNAL_SERVER_ERROR_500,
    },
    result_mode="bare",
    default_status=200,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
)


GET_READINESS = OperationContract(
    operation_id="getReadiness",
    method="GET",
    path="/health/ready",
    responses={
        "200": DeclaredResponse(
            status="200",
            content=(MediaSpec(media_type="application/json", kind="json", type=models.HealthStatus),),
            headers=(
                HeaderSpec(name="X-Content-Type-Options", required=True, schema={"type": "string"}, const="nosniff"),
                HeaderSpec(name="X-Request-ID", required=True, schema={"$ref": "RequestId"}, supplied_by="request-id"),
            ),
        ),
        "500": INTERNAL_SERVER_ERROR_500,
        "503": SERVICE_UNAVAILABLE_503,
    },
    result_mode="bare",
    default_status=200,
    schemas=SCHEMAS,
    pattern_messages=PATTERN_MESSAGES,
)


class HealthApi(OperationInterface):
    """Implement one method per operation of the `health` interface; the runtime calls them."""

    __interface__ = "health"
    __operations__ = {
        "get_liveness": "getLiveness (GET /health/live)",
        "get_readiness": "getReadiness (GET /health/ready)",
    }

    @abstractmethod
    async def get_liveness(
        self,
    ) -> models.HealthStatus:
        """getLiveness (GET /health/live): Liveness probe"""

    @abstractmethod
    async def get_readiness(
        self,
    ) -> models.HealthStatus:
        """getReadiness (GET /health/ready): Readiness probe"""


def operations(implementation: HealthApi) -> list[BoundOperation]:
    """The `health` operations, bound to one implementation."""

    async def get_liveness(arguments: Arguments[None]) -> object:
        return await implementation.get_liveness()

    async def get_readiness(arguments: Arguments[None]) -> object:
        return await implementation.get_readiness()

    return [
        BoundOperation(GET_LIVENESS, get_liveness),
        BoundOperation(GET_READINESS, get_readiness),
    ]
